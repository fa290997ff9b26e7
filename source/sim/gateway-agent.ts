// A simulated Submariner gateway: a pinger per remote gateway and the 5 s syncer that rewrites the
// Gateway object (reference submariner.md §5). The pinger is an HTTP GET to the peer cluster's server
// (`/_sim/ping`), so a real network cut between processes turns the connection to `error` too.
// Timing, as Submariner: a ping every `pingIntervalMs`; after `maxPacketLossCount` failures in a row the
// connection is `error`; the first success makes it `connected`. Status changes reach the Gateway object
// only at the next sync (every `syncIntervalMs`), so a cut shows after about threshold + one sync.
import {Agent, get} from 'node:http';
import type {ClusterModel} from './cluster-model.js';
import type {EndpointSpec, GatewayConnection, LatencyRtt} from './gateway-object.js';
import {formatGoDuration} from './go-duration.js';
import {simClusterHeader, simHostHeader, type SimNetwork} from './network.js';

export interface HealthCheckOptions {
	/** Submariner default 1 s. */
	pingIntervalMs?: number;
	/** How long a ping waits for its answer (default: the interval). */
	pingTimeoutMs?: number;
	/** Consecutive failed pings that turn the connection to error (Submariner default 5). */
	maxPacketLossCount?: number;
	/** Gateway object rewrite interval (Submariner GatewayUpdateInterval, 5 s). */
	syncIntervalMs?: number;
}

export interface RemoteGateway {
	cluster: string;
	host: string;
	/** Base URL of the remote cluster's simulated server. */
	url: string;
	endpoint: EndpointSpec;
	/**
	 * For a peer in this same process the measured time is only this event loop's delay, not a wire:
	 * report a LAN-like round trip instead (the ping itself still has to succeed). Absent for real peers.
	 */
	modeledRttNs?: () => number;
	/**
	 * How to ping this remote instead of the HTTP GET of `${url}/_sim/ping`: resolves true when it answered
	 * (lab/life.ts connects over TCP to a real apiserver). The timeout signal is aborted after pingTimeoutMs.
	 */
	probe?: (signal: AbortSignal) => Promise<boolean>;
}

class RttStatistics {
	private count = 0;
	private mean = 0;
	private m2 = 0;
	private minNs = 0;
	private maxNs = 0;
	private lastNs = 0;

	add(ns: number): void {
		// Submariner restarts its window after 1000 samples.
		if (this.count >= 1000) this.count = 0;
		this.count++;
		if (this.count === 1) {
			this.mean = ns;
			this.m2 = 0;
			this.minNs = ns;
			this.maxNs = ns;
		} else {
			const delta = ns - this.mean;
			this.mean += delta / this.count;
			this.m2 += delta * (ns - this.mean);
			this.minNs = Math.min(this.minNs, ns);
			this.maxNs = Math.max(this.maxNs, ns);
		}
		this.lastNs = ns;
	}

	latency(): LatencyRtt {
		return {
			last: formatGoDuration(this.lastNs),
			min: formatGoDuration(this.minNs),
			average: formatGoDuration(this.mean),
			max: formatGoDuration(this.maxNs),
			stdDev: formatGoDuration(this.count > 1 ? Math.sqrt(this.m2 / this.count) : 0),
		};
	}
}

interface Pinger {
	remote: RemoteGateway;
	status: 'connected' | 'error';
	failures: number;
	statistics: RttStatistics;
}

export interface ConnectionState {
	cluster: string;
	status: 'connected' | 'error';
	consecutiveFailures: number;
}

export class GatewayAgent {
	private readonly pingers: Pinger[];
	private readonly agent = new Agent({keepAlive: true, maxSockets: 8});
	private readonly abort = new AbortController();
	private readonly timers: NodeJS.Timeout[] = [];
	private readonly intervalMs: number;
	private readonly timeoutMs: number;
	private readonly maxLoss: number;
	private readonly syncMs: number;

	constructor(
		private readonly model: ClusterModel,
		private readonly network: SimNetwork,
		private readonly gateway: {name: string; namespace: string},
		remotes: RemoteGateway[],
		options: HealthCheckOptions = {},
	) {
		this.intervalMs = options.pingIntervalMs ?? 1000;
		this.timeoutMs = options.pingTimeoutMs ?? this.intervalMs;
		this.maxLoss = options.maxPacketLossCount ?? 5;
		this.syncMs = options.syncIntervalMs ?? 5000;
		this.pingers = remotes.map(remote => ({remote, status: 'connected', failures: 0, statistics: new RttStatistics()}));
	}

	start(): void {
		if (this.pingers.length > 0) {
			this.timers.push(setInterval(() => {
				for (const pinger of this.pingers) this.ping(pinger);
			}, this.intervalMs));
			for (const pinger of this.pingers) this.ping(pinger);
		}
		this.timers.push(setInterval(() => this.sync(), this.syncMs));
	}

	stop(): void {
		for (const timer of this.timers) clearInterval(timer);
		this.timers.length = 0;
		this.abort.abort();
		this.agent.destroy();
	}

	connections(): ConnectionState[] {
		return this.pingers.map(pinger => ({cluster: pinger.remote.cluster, status: pinger.status, consecutiveFailures: pinger.failures}));
	}

	/** Rewrites the Gateway object: `update-timestamp` and the connections, as Submariner's syncer does. */
	sync(): void {
		const nowMs = Date.now();
		this.model.update('gateways', this.gateway.namespace, this.gateway.name, object => {
			object.metadata.annotations = {...object.metadata.annotations, 'update-timestamp': String(Math.floor(nowMs / 1000))};
			const status = object.status as {connections: GatewayConnection[]};
			status.connections = this.pingers.map(pinger => ({
				status: pinger.status,
				statusMessage: pinger.status === 'error' ? `Failed to successfully ping the remote endpoint IP "${pinger.remote.endpoint.healthCheckIP}"` : '',
				endpoint: pinger.remote.endpoint,
				usingIP: pinger.remote.endpoint.private_ip,
				// Frozen during an outage, as Submariner keeps its statistics.
				latencyRTT: pinger.statistics.latency(),
			}));
		});
	}

	private ping(pinger: Pinger): void {
		if (this.abort.signal.aborted) return;
		const localHost = this.model.host;
		// A cut known to this process (separate processes): the packet never leaves.
		if (this.network.isCut(localHost, pinger.remote.host)) {
			this.failed(pinger);
			return;
		}
		const startedNs = process.hrtime.bigint();
		let settled = false;
		const settle = (ok: boolean) => {
			if (settled) return;
			settled = true;
			if (ok) this.succeeded(pinger, Number(process.hrtime.bigint() - startedNs));
			else this.failed(pinger);
		};
		const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.timeoutMs)]);
		if (pinger.remote.probe) {
			pinger.remote.probe(signal).then(settle, () => settle(false));
			return;
		}
		const request = get(`${pinger.remote.url}/_sim/ping`, {
			agent: this.agent,
			signal,
			headers: {[simHostHeader]: localHost, [simClusterHeader]: this.model.name},
		}, response => {
			response.resume();
			response.on('end', () => settle(response.statusCode === 200));
			response.on('error', () => settle(false));
		});
		request.on('error', () => settle(false));
	}

	private succeeded(pinger: Pinger, rttNs: number): void {
		if (this.abort.signal.aborted) return;
		pinger.failures = 0;
		pinger.status = 'connected';
		pinger.statistics.add(pinger.remote.modeledRttNs?.() ?? rttNs);
	}

	private failed(pinger: Pinger): void {
		if (this.abort.signal.aborted) return;
		pinger.failures++;
		if (pinger.failures >= this.maxLoss) pinger.status = 'error';
	}
}
