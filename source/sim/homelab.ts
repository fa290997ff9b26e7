// The simulated homelab: one apiserver per cluster (m1, m2), a shared in-process network that can be
// partitioned, Submariner gateways that health-check each other over HTTP, and optional life and churn.
// Entry point for `labwatch sim`, the demo and the tests.
//
//   const sim = await startHomelab({life: false});
//   sim.clusters[0].url                        http://127.0.0.1:PORT (kube API of m1)
//   sim.clusters[0].model                      ClusterModel: nodes(), pods(), hostMemory(), onChange()
//   sim.clusters[0].server.route('/metrics', handler)   extra endpoints (obey partitions)
//   POST `${sim.controlUrl}/_sim/partition`   cut m1 off from m2 (same as sim.partition()); optional JSON
//                                              body {drillId, ttlMs}: state reports drillId, ttlMs auto-heals
//   POST `${sim.controlUrl}/_sim/heal`, GET `${sim.controlUrl}/_sim/state`
//   await sim.stop()
//
// Separate processes (one per network namespace): startHomelab({only: ['m2'], peer: 'http://M1:PORT'}) and
// startHomelab({only: ['m1'], peer: 'http://M2:PORT'}); each pings its peer, so a real iptables cut shows.
// There, /_sim/partition applies to the process called only (its server hangs cross-cut requests and
// its pings fail); call both control URLs for a two-sided cut.
import {createMetricsHandler} from './metrics.js';
import {createPrometheusApiHandler, homelabPrometheusSource} from './prometheus-api.js';
import {stringify} from 'yaml';
import {homelabDefaults} from '../config/defaults.js';
import {ClusterServer} from './api-server.js';
import {SimChurn} from './churn.js';
import {ClusterModel} from './cluster-model.js';
import {GatewayAgent, type HealthCheckOptions, type RemoteGateway} from './gateway-agent.js';
import {gatewayEndpointFor, homelabSpecs, seedCluster, type ClusterSpec, type SeedResult} from './homelab-seed.js';
import {SimLife, type LifeOptions} from './life.js';
import {SimController} from './controller.js';
import {SimNetwork} from './network.js';
import type {SimHostOs} from './host-memory-series.js';
import {createFailoverFront, failoverFrontPath} from './failover-front.js';

export interface SimOptions {
	/** Address to listen on (default 127.0.0.1). */
	bind?: string;
	/** Clusters to run in this process (default: all, m1 and m2). */
	only?: string[];
	/** Extra lean filler pods per cluster in namespace `load`. */
	podsPerCluster?: number;
	/** MODIFIED pod events per second per cluster (runs even with life: false). */
	churnPerSecond?: number;
	/** Restarts, CI jobs and memory drift (default true). */
	life?: boolean;
	/** Base URL of the peer cluster's simulator when it runs in another process. */
	peer?: string;
	/** Port per cluster name (default 0: random). */
	ports?: Record<string, number>;
	bookmarkIntervalMs?: number;
	/** Submariner health-check timing; shorten it in tests. */
	healthCheck?: HealthCheckOptions;
	/** Container logs: one line per this many ms per pod (default 2000). */
	logIntervalMs?: number;
	/** Delays of the simulated controllers (a deleted pod's replacement); tests use 0.01. */
	controllerTimeScale?: number;
	/** Events kept per cluster for watches from an old resourceVersion (default 5000). */
	historyLimit?: number;
	lifeOptions?: LifeOptions;
	/** The OS per host, for its node_exporter dialect (default: each host's spec, darwin for m1 and m2). */
	hostOs?: Record<string, SimHostOs>;
	/** Clusters without Lighthouse (no multicluster.x-k8s.io API: "Lighthouse not installed"); true: every cluster. */
	withoutLighthouse?: string[] | true;
}

export interface SimClusterHandle {
	name: string;
	host: string;
	/** The cluster's kube API base URL. */
	url: string;
	model: ClusterModel;
	server: ClusterServer;
	/** Where this cluster's Gateway object lives. */
	gateway: {name: string; namespace: string};
	/** The health checker's current view (changes reach the Gateway object at the next sync). */
	connections(): Array<{cluster: string; status: 'connected' | 'error'; consecutiveFailures: number}>;
	/** Rewrites the Gateway object now instead of at the next sync. */
	syncGateway(): void;
}

export interface HomelabSim {
	clusters: SimClusterHandle[];
	/** Base URL of the first cluster's server: POST `${controlUrl}/_sim/partition` and `/_sim/heal`, GET `/_sim/state`. */
	controlUrl: string;
	partition(): void;
	heal(): void;
	isPartitioned(): boolean;
	kubeconfigYaml(): string;
	configFor(kubeconfigPath: string): object;
	stop(): Promise<void>;
}

export const simUserToken = 'labwatch-sim-token';

export function contextName(cluster: string): string {
	return `sim-${cluster}`;
}

export async function startHomelab(options: SimOptions = {}): Promise<HomelabSim> {
	const bind = options.bind ?? '127.0.0.1';
	const specs = options.only ? options.only.map(name => {
		const spec = homelabSpecs.find(candidate => candidate.name === name);
		if (!spec) throw new Error(`unknown simulated cluster ${JSON.stringify(name)} (known: ${homelabSpecs.map(item => item.name).join(', ')})`);
		return spec;
	}) : homelabSpecs;
	if (specs.length === 0) throw new Error('no clusters to simulate');
	for (const host of Object.keys(options.hostOs ?? {})) {
		if (!homelabSpecs.some(spec => spec.host === host)) throw new Error(`hostOs: no simulated host "${host}" (known: ${homelabSpecs.map(spec => spec.host).join(', ')})`);
	}
	// labwatch runs on the first host of the homelab (m1), whichever clusters this process runs.
	const network = new SimNetwork(homelabSpecs[0]!.host);
	const localNames = new Set(specs.map(spec => spec.name));
	const withoutLighthouse = new Set(options.withoutLighthouse === true ? homelabSpecs.map(spec => spec.name) : (options.withoutLighthouse ?? []));
	for (const name of withoutLighthouse) {
		if (!homelabSpecs.some(spec => spec.name === name)) throw new Error(`withoutLighthouse: no simulated cluster "${name}" (known: ${homelabSpecs.map(spec => spec.name).join(', ')})`);
	}
	const lighthouseClusters = homelabSpecs.map(spec => spec.name).filter(name => !withoutLighthouse.has(name));
	// The Submariner CRs' connectionHealthCheck says what the simulated gateways do.
	const pingIntervalMs = options.healthCheck?.pingIntervalMs ?? 1000;
	const healthCheck = {enabled: true, intervalSeconds: Math.max(1, Math.round(pingIntervalMs / 1000)), maxPacketLossCount: options.healthCheck?.maxPacketLossCount ?? 5};
	const remoteSpecsOf = (spec: ClusterSpec) => homelabSpecs.filter(other => other.name !== spec.name && (localNames.has(other.name) || options.peer));

	const handles: SimClusterHandle[] = [];
	const agents: GatewayAgent[] = [];
	const lives: SimLife[] = [];
	const controllers: SimController[] = [];
	const churns: SimChurn[] = [];
	const servers: ClusterServer[] = [];
	const stateOf = () => ({
		partitioned: network.isPartitioned(),
		...(network.drillId ? {drillId: network.drillId} : {}),
		viewerHost: network.viewerHost,
		clusters: handles.map(handle => ({
			name: handle.name,
			host: handle.host,
			url: handle.url,
			resourceVersion: handle.model.resourceVersion(),
			pods: handle.model.count('pods'),
			watches: handle.server.watchCount(),
			hungRequests: handle.server.hungCount(),
			connections: handle.connections(),
		})),
	});

	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		for (const churn of churns) churn.stop();
		for (const life of lives) life.stop();
		for (const controller of controllers) controller.stop();
		for (const agent of agents) agent.stop();
		network.dispose();
		await Promise.all(servers.map(server => server.close()));
	};

	try {
		const seeds: Array<{spec: ClusterSpec; model: ClusterModel; seed: SeedResult; server: ClusterServer; url: string}> = [];
		for (const spec of specs) {
			const model = new ClusterModel({
				name: spec.name,
				host: spec.host,
				historyLimit: options.historyLimit,
				hostMemoryBytes: spec.hostMemoryBytes,
				hostBaseBytes: spec.hostBaseBytes,
				hostOs: options.hostOs?.[spec.host] ?? spec.os,
				...(withoutLighthouse.has(spec.name) ? {absentGroups: ['multicluster.x-k8s.io']} : {}),
			});
			const seed = seedCluster(model, spec, {
				podsPerCluster: options.podsPerCluster,
				remotes: remoteSpecsOf(spec).map(gatewayEndpointFor),
				lighthouseClusters,
				healthCheck,
			});
			const server = new ClusterServer(model, network, {bookmarkIntervalMs: options.bookmarkIntervalMs, state: stateOf, logIntervalMs: options.logIntervalMs, models: () => handles.map(handle => handle.model)});
			servers.push(server);
			// After the server, so watchers see a change before the Events it causes.
			controllers.push(new SimController(model, spec, seed, {timeScale: options.controllerTimeScale}));
			const url = await server.listen(options.ports?.[spec.name] ?? 0, bind);
			seeds.push({spec, model, seed, server, url});
		}
		for (const {spec, model, seed, server, url} of seeds) {
			const remotes: RemoteGateway[] = remoteSpecsOf(spec).map(other => {
				const local = seeds.find(item => item.spec.name === other.name);
				return {
					cluster: other.name,
					host: other.host,
					url: local?.url ?? options.peer!.replace(/\/+$/, ''),
					endpoint: gatewayEndpointFor(other),
					// A home LAN's round trip: about 0.4 to 0.9 ms (submariner.md §6's example reads 688µs).
					...(local ? {modeledRttNs: () => Math.round(400_000 + Math.random() * 500_000)} : {}),
				};
			});
			const agent = new GatewayAgent(model, network, seed.gateway, remotes, options.healthCheck);
			agents.push(agent);
			agent.start();
			handles.push({
				name: spec.name,
				host: spec.host,
				url,
				model,
				server,
				gateway: seed.gateway,
				connections: () => agent.connections(),
				syncGateway: () => agent.sync(),
			});
			if (options.life !== false) {
				const life = new SimLife(model, spec, seed, options.lifeOptions);
				lives.push(life);
				life.start();
			}
			if (options.churnPerSecond && options.churnPerSecond > 0) {
				const churn = new SimChurn(model, options.churnPerSecond, seed.fillerKeys);
				churns.push(churn);
				churn.start();
			}
		}
	} catch (error) {
		await stop();
		throw error;
	}

	// Metrics per cluster, and a small Prometheus query API on the first cluster's server (Prometheus
	// lives on m1), so the demo shows memory budgets without a Prometheus installed.
	for (const handle of handles) handle.server.route('/metrics', createMetricsHandler(handle.model));
	const prometheusApi = createPrometheusApiHandler(homelabPrometheusSource({clusters: handles, isPartitioned: () => network.isPartitioned()}), {backfillMs: 30 * 60_000});
	handles[0]!.server.route('/prometheus', (req, res) => {
		if (!prometheusApi(req, res)) res.writeHead(404, {'content-type': 'text/plain'}).end('404 page not found\n');
	});

	// The API front (on the viewer's host, never cut from labwatch): the failover view's demo.
	if (handles.length > 1) {
		const front = createFailoverFront({network, primary: handles[1]!.host, fallback: handles[0]!.host});
		handles[0]!.server.route(failoverFrontPath, (req, res) => front(req, res));
	}

	const controlUrl = handles[0]!.url;
	return {
		clusters: handles,
		controlUrl,
		partition: () => network.partition(),
		heal: () => network.heal(),
		isPartitioned: () => network.isPartitioned(),
		kubeconfigYaml: () => kubeconfigYaml(handles),
		configFor: (kubeconfigPath: string) => configFor(handles, controlUrl, kubeconfigPath),
		stop,
	};
}

function kubeconfigYaml(handles: SimClusterHandle[]): string {
	return stringify({
		apiVersion: 'v1',
		kind: 'Config',
		preferences: {},
		// client-node 1.4 refuses plain http unless skipTLSVerify is set; kubectl ignores it for http.
		clusters: handles.map(handle => ({name: contextName(handle.name), cluster: {server: handle.url, 'insecure-skip-tls-verify': true}})),
		users: [{name: 'sim-user', user: {token: simUserToken}}],
		contexts: handles.map(handle => ({name: contextName(handle.name), context: {cluster: contextName(handle.name), user: 'sim-user'}})),
		'current-context': contextName(handles[0]!.name),
	});
}

function configFor(handles: SimClusterHandle[], controlUrl: string, kubeconfigPath: string): object {
	const clusters: Record<string, {context: string; host: string}> = {};
	for (const handle of handles) clusters[handle.name] = {context: contextName(handle.name), host: handle.host};
	return {
		kubeconfig: kubeconfigPath,
		clusters,
		// The simulated host-memory series carry a `host` label naming the host.
		hosts: Object.fromEntries(
			Object.entries(structuredClone(homelabDefaults.hosts)).map(([name, host]) => [name, {...host, nodeExporter: {label: 'host', value: name}}]),
		),
		prometheus: {
			url: `${handles[0]!.url}/prometheus`,
			interval: '5s',
			jobs: Object.fromEntries(handles.map(handle => [handle.name, handle.name])),
		},
		drill: {points: [{host: homelabSpecs[0]!.host, via: 'sim', url: controlUrl}]},
		...simProbes(handles),
	};
}

/**
 * Probes against the simulator's own endpoints, from where labwatch runs (the first host, m1): each
 * cluster's /readyz over HTTP and its port over TCP. A cut hangs m2's answers to m1, so the probe of m2
 * fails and phase 2's "HTTP m1→m2" with it. The other direction needs a probe run from m2: left unnamed.
 */
function simProbes(handles: SimClusterHandle[]): {probes: object[]; phases: object} {
	const viewer = homelabSpecs[0]!.host;
	const probes: object[] = [];
	const http: object[] = [];
	for (const handle of handles) {
		probes.push({name: `${handle.name}-api`, http: `${handle.url}/readyz`, interval: '2s', timeout: '1s'});
		if (handle.host === viewer) probes.push({name: `${handle.name}-tcp`, tcp: new URL(handle.url).host, interval: '5s', timeout: '1s'});
		else http.push({from: viewer, to: handle.host, probe: `${handle.name}-api`}, {from: handle.host, to: viewer});
	}
	// Who answers the API front (failover-front.ts): m2's gateway or m1's, read from the body's served_by.
	if (handles.length > 1) {
		const [fallback, primary] = [handles[0]!.host, handles[1]!.host];
		probes.push({
			name: 'api',
			http: `${handles[0]!.url}${failoverFrontPath}`,
			interval: '1s',
			timeout: '1s',
			marker: {json: 'served_by', values: {[primary]: `gw-${primary}`, [fallback]: `gw-${fallback}`}, window: 10},
		});
	}
	return {probes, phases: {http}};
}
