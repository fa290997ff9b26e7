// Everything labwatch watches in one cluster: a /readyz probe that owns the connection state, and one
// reflector per resource feeding the store. The probe decides; reflectors are resumed when it says the
// cluster answers again, so a healed partition resumes from the last version without a relist.
// A resource the server answers with an error (403 on gateways, a 500, a broken stream) fails on its
// own: the cluster stays live and that resource carries the server's words.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import type {LabStore} from '../store/lab-store.js';
import type {ResourceName} from '../store/types.js';
import {Reflector, type ResourceKind, type ReflectorSink} from './reflector.js';
import {discoveryKindsFor, gatewaysKind, nodesKind, podsKind} from './resources.js';
import {discoveryKinds} from '../store/discovery.js';
import {probeReadyz, unauthorizedReason} from './probe.js';
import {keepAliveAgentFor} from './http.js';

export interface ClusterWatchOptions {
	probeIntervalMs: number;
	probeTimeoutMs: number;
	/** List and watch-open deadline. */
	requestTimeoutMs?: number;
	/** A cluster refusing or erroring this long counts as unreachable, not just reconnecting. */
	unreachableAfterMs?: number;
}

export class ClusterWatch {
	private readonly reflectors: Array<Reflector<any>> = [];
	/** Resources whose connection failed (refused, reset, timed out): the cluster is reconnecting. */
	private readonly failures = new Map<string, string>();
	/** Resources the server answered with an error: they count as answered for going live. */
	private readonly answeredWithError = new Set<string>();
	private probeTimer: NodeJS.Timeout | undefined;
	private running = false;
	private failingSinceMs: number | undefined;
	private readonly probeAgent: ReturnType<typeof keepAliveAgentFor>;

	constructor(
		private readonly kc: KubeConfig,
		private readonly cluster: {name: string; submarinerNamespace: string},
		private readonly store: LabStore,
		private readonly options: ClusterWatchOptions,
	) {
		const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
		this.probeAgent = keepAliveAgentFor(kc);
		const name = cluster.name;
		this.add(nodesKind, {
			replace: nodes => store.replaceNodes(name, nodes),
			upsert: node => store.upsertNode(name, node),
			remove: key => store.removeNode(name, key),
			missing: () => this.fail('nodes', 'nodes API not found', true),
		}, requestTimeoutMs);
		this.add(podsKind, {
			replace: pods => store.replacePods(name, pods),
			upsert: pod => store.upsertPod(name, pod),
			remove: key => store.removePod(name, key),
			missing: () => this.fail('pods', 'pods API not found', true),
		}, requestTimeoutMs);
		this.add(gatewaysKind(cluster.submarinerNamespace, kc.getCurrentCluster()?.server), {
			replace: gateways => store.replaceGateways(name, gateways),
			upsert: gateway => store.upsertGateway(name, gateway),
			remove: key => store.removeGateway(name, key),
			missing: () => store.markGatewaysMissing(name),
		}, requestTimeoutMs);
		// Lighthouse and the rest of Submariner: a 404 (no CRD) is "not installed", a fact; they never hold
		// up going live (allAnswered asks only for nodes, pods and gateways).
		const discovery = discoveryKindsFor(cluster.submarinerNamespace);
		for (const kind of discoveryKinds) {
			this.add(discovery[kind] as ResourceKind<any>, {
				replace: items => store.replaceDiscovery(name, kind, items),
				upsert: item => store.upsertDiscovery(name, kind, item),
				remove: key => store.removeDiscovery(name, kind, key),
				missing: () => store.markDiscoveryMissing(name, kind),
			}, requestTimeoutMs);
		}
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		for (const reflector of this.reflectors) reflector.start();
		void this.probe();
	}

	stop(): void {
		this.running = false;
		clearTimeout(this.probeTimer);
		for (const reflector of this.reflectors) reflector.stop();
		this.probeAgent.destroy();
	}

	private add<T>(kind: ResourceKind<T>, sink: Omit<ReflectorSink<T>, 'activity' | 'failure' | 'recovered' | 'skipped'>, requestTimeoutMs: number) {
		const resource = kind.name as ResourceName;
		const reflector = new Reflector(this.kc, kind, {
			...sink,
			activity: () => {
				if (this.failures.delete(kind.name)) this.updatePhase();
				else if (this.store.connection(this.cluster.name)?.phase === 'connecting') this.updatePhase();
			},
			// A 401 is the cluster's credentials, not this resource: it must not count as answered, or a
			// cluster whose lists are refused before /readyz is would go live with every resource in error.
			failure: (reason, answered, statusCode) =>
				statusCode === 401 ? this.fail(kind.name, unauthorizedReason(this.kc), false) : this.fail(kind.name, reason, answered),
			recovered: () => {
				if (!this.running) return;
				this.answeredWithError.delete(kind.name);
				this.store.setResourceError(this.cluster.name, resource, undefined);
				if (this.failures.delete(kind.name)) this.updatePhase();
			},
			skipped: (count, fresh) => this.store.countSkipped(this.cluster.name, resource, count, fresh),
		}, {requestTimeoutMs});
		this.reflectors.push(reflector);
	}

	private fail(kind: string, reason: string, answered: boolean): void {
		if (!this.running) return;
		if (answered) {
			// The connection works: this resource alone fails, with the server's words.
			this.failures.delete(kind);
			this.answeredWithError.add(kind);
			this.store.setResourceError(this.cluster.name, kind as ResourceName, reason);
		} else {
			this.failures.set(kind, `${kind}: ${reason}`);
		}
		this.updatePhase();
	}

	private async probe(): Promise<void> {
		if (!this.running) return;
		const startedMs = Date.now();
		const result = await probeReadyz(this.kc, this.options.probeTimeoutMs, this.probeAgent);
		if (!this.running) return;
		const name = this.cluster.name;
		const phase = this.store.connection(name)?.phase;
		if (result.ok) {
			const probeWasFailing = this.failingSinceMs !== undefined;
			this.failingSinceMs = undefined;
			if (probeWasFailing && (phase === 'unreachable' || phase === 'reconnecting')) {
				// Watches opened or hung during the outage may never speak again: reopen from the last
				// version. Only after an outage the probe saw: a resource that answered with an error keeps
				// its back-off (the reflector refuses the resume), and the probe answering every second must
				// not reopen anything every second.
				for (const reflector of this.reflectors) reflector.resume();
				this.failures.clear();
			}
			this.updatePhase();
		} else {
			this.failingSinceMs ??= startedMs;
			const longEnough = Date.now() - this.failingSinceMs >= (this.options.unreachableAfterMs ?? 5000);
			// Silence (a timeout) is what a cut or a sleeping laptop looks like: unreachable at once.
			// A refusal or an HTTP error is a server restarting: reconnecting, until it lasts.
			if (result.silent || longEnough || phase === 'connecting' || phase === 'unreachable') {
				this.store.setConnection(name, 'unreachable', result.reason);
			} else {
				this.store.setConnection(name, 'reconnecting', result.reason);
			}
		}
		const elapsedMs = Date.now() - startedMs;
		this.probeTimer = setTimeout(() => void this.probe(), Math.max(0, this.options.probeIntervalMs - elapsedMs));
	}

	/** Every resource has either its first list in or an answer from the server saying why not. */
	private allAnswered(): boolean {
		const synced = this.store.syncedResources(this.cluster.name);
		if (!synced) return false;
		return (['nodes', 'pods', 'gateways'] as const).every(resource => synced[resource] || this.answeredWithError.has(resource));
	}

	/** With the probe answering: live, unless a resource keeps failing or the first lists are not in yet. */
	private updatePhase(): void {
		if (!this.running || this.failingSinceMs !== undefined) return;
		const name = this.cluster.name;
		const [failure] = this.failures.values();
		if (failure) {
			const phase = this.store.connection(name)?.phase;
			this.store.setConnection(name, phase === 'connecting' ? 'connecting' : 'reconnecting', failure);
			return;
		}
		const phase = this.store.connection(name)?.phase;
		if (phase === 'connecting' && !this.allAnswered()) return;
		this.store.setConnection(name, 'live');
	}
}
