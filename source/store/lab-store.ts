// The one store. Sources write facts into it; the TUI and `check` read snapshots. A snapshot is built at
// most once per change (and per second, for ages and staleness), never per watch event, so a burst of
// events costs one rebuild.
import type {
	ClusterSnapshot,
	ConnectionPhase,
	ConnectionState,
	FeedEvent,
	GatewayInfo,
	LabSnapshot,
	NodeInfo,
	PodInfo,
	ResourceName,
	ResourceState,
} from './types.js';
import type {HostBudget, PrometheusStatus} from '../budget/types.js';
import type {DrillProgress, PartitionStatus} from '../drill/types.js';
import {clusterVerdict, gatewayVerdict, isFailing, isRecovering, overallVerdict} from './verdicts.js';
import {comparePods} from './pod-order.js';
import {describeTransition} from './feed.js';
import type {ProbeStatus} from '../probes/types.js';
import type {PhaseCriterion} from '../phases/checklist.js';
import type {EtcdDrillStatus, EtcdStatus} from '../etcd/types.js';
import {etcdEvents} from '../etcd/events.js';
import {DiscoveryData, discoveryKey, discoveryKinds, type DiscoveryItem, type DiscoveryKind} from './discovery.js';
import {exportState, exportWords} from '../lighthouse/service-export.js';

export interface ClusterIdentity {
	name: string;
	context: string;
	host: string;
	colour?: string;
}

interface ClusterData {
	identity: ClusterIdentity;
	connection: ConnectionState;
	pods: Map<string, PodInfo>;
	nodes: Map<string, NodeInfo>;
	gateways: Map<string, GatewayInfo>;
	synced: {nodes: boolean; pods: boolean; gateways: boolean};
	resources: Record<ResourceName, ResourceState>;
	/** The API serves no gateways.submariner.io (markGatewaysMissing), until a list of them arrives. */
	submarinerMissing?: boolean;
	/** Sorted pod list, rebuilt only after this cluster's pods changed. */
	sortedPods?: PodInfo[];
	/** ServiceExports, ServiceImports, Endpoints, Clusters, the Submariner CR. */
	discovery: DiscoveryData;
}

export interface LabStoreOptions {
	clock?: () => number;
	/** Feed events kept (a bounded ring: the pane stays open for days). */
	feedLimit?: number;
}

export class LabStore {
	private readonly clusters = new Map<string, ClusterData>();
	private readonly feed: FeedEvent[] = [];
	private readonly listeners = new Set<() => void>();
	private readonly clock: () => number;
	private readonly feedLimit: number;
	private changeVersion = 0;
	/** Bumped by changes a person should see at once; the rest (gateway heartbeats, budget drift) can wait. */
	private urgentChangeVersion = 0;
	/** Urgent changes other than one pod's own (a pod added, changed or removed). */
	private otherUrgentChangeVersion = 0;
	private workloadChangeVersion = 0;
	private notifyScheduled = false;
	private cached: {snapshot: LabSnapshot; version: number; second: number} | undefined;
	private hosts: HostBudget[] | undefined;
	private prometheus: PrometheusStatus | undefined;
	private partition: PartitionStatus | undefined;
	private drill: DrillProgress | undefined;
	private probes: ProbeStatus[] | undefined;
	private checklist: ((snapshot: LabSnapshot) => PhaseCriterion[]) | undefined;
	private etcd: EtcdStatus | undefined;
	private etcdDrill: EtcdDrillStatus | undefined;
	/** When the network last came back (a cut healed, a cluster reachable again): Submariner re-checks after it. */
	private healedAtMs: number | undefined;
	/** Benchmarks: simulator stamps seen since the last frame (only filled while tracing). */
	private stamps: number[] = [];

	constructor(clusters: ClusterIdentity[], options: LabStoreOptions = {}) {
		this.clock = options.clock ?? Date.now;
		this.feedLimit = options.feedLimit ?? 200;
		for (const identity of clusters) {
			this.clusters.set(identity.name, {
				identity,
				connection: {phase: 'connecting', sinceMs: this.clock()},
				pods: new Map(),
				nodes: new Map(),
				gateways: new Map(),
				synced: {nodes: false, pods: false, gateways: false},
				resources: {
					nodes: {skippedObjects: 0},
					pods: {skippedObjects: 0},
					gateways: {skippedObjects: 0},
					...(Object.fromEntries(discoveryKinds.map(kind => [kind, {skippedObjects: 0}])) as Record<DiscoveryKind, ResourceState>),
				},
				discovery: new DiscoveryData(),
			});
		}
	}

	get version(): number {
		return this.changeVersion;
	}

	/** Changes worth a frame now: a phase, a pod, a node, a connection status, a verdict, a drill. */
	get urgentVersion(): number {
		return this.urgentChangeVersion;
	}

	/** Like urgentVersion, but not bumped by a single pod's change: when only this stays put, a frame
	 * draws something new only if a pod on screen (or a count) changed. */
	get otherUrgentVersion(): number {
		return this.otherUrgentChangeVersion;
	}

	/** Bumped when any cluster's pods or nodes change: what memory budgets are computed from. */
	get workloadVersion(): number {
		return this.workloadChangeVersion;
	}

	clusterNames(): string[] {
		return [...this.clusters.keys()];
	}

	/** Called after changes, at most once per event-loop turn however many changes there were. */
	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	// ---- connection -------------------------------------------------------------------------

	connection(cluster: string): ConnectionState | undefined {
		return this.clusters.get(cluster)?.connection;
	}

	setConnection(cluster: string, phase: ConnectionPhase, reason?: string, options: {sinceUnknown?: boolean} = {}): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		const previous = data.connection;
		if (previous.phase === phase && previous.reason === reason && previous.sinceUnknown === options.sinceUnknown) return;
		const now = this.clock();
		const lastLiveMs = phase === 'live' ? now : previous.phase === 'live' ? now : previous.lastLiveMs;
		// A failure that only changes its wording keeps its start time: "unreachable since 20:14:03".
		const sinceMs = previous.phase === phase ? previous.sinceMs : now;
		data.connection = {phase, sinceMs, reason, lastLiveMs, ...(options.sinceUnknown ? {sinceUnknown: true} : {})};
		if (previous.phase === 'unreachable' && phase === 'live') this.healedAtMs = now;
		if (previous.phase !== phase) {
			const text = describeTransition(cluster, previous.phase, phase, reason);
			if (text) this.addEvent({atMs: now, cluster, level: phase === 'live' ? 'ok' : phase === 'unreachable' ? 'crit' : 'warn', text});
		}
		this.changed();
	}

	// ---- objects ---------------------------------------------------------------------------

	replacePods(cluster: string, pods: PodInfo[]): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		const next = new Map(pods.map(pod => [pod.uid, pod]));
		if (data.synced.pods) for (const pod of pods) this.notePodChange(cluster, data.pods.get(pod.uid), pod);
		data.pods = next;
		data.synced.pods = true;
		data.sortedPods = undefined;
		this.workloadChangeVersion++;
		this.changed();
	}

	upsertPod(cluster: string, pod: PodInfo): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		const before = data.pods.get(pod.uid);
		// Most MODIFIED events touch fields labwatch does not keep (annotations, heartbeats): nothing to show.
		if (before && samePod(before, pod)) return;
		this.notePodChange(cluster, before, pod);
		if (pod.stampMs !== undefined && this.stamps.length < 10_000) this.stamps.push(pod.stampMs);
		data.pods.set(pod.uid, pod);
		data.sortedPods = undefined;
		this.workloadChangeVersion++;
		this.changed(true, 'pod');
	}

	removePod(cluster: string, uid: string): void {
		const data = this.clusters.get(cluster);
		if (!data?.pods.delete(uid)) return;
		data.sortedPods = undefined;
		this.workloadChangeVersion++;
		this.changed(true, 'pod');
	}

	replaceNodes(cluster: string, nodes: NodeInfo[]): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		if (data.synced.nodes) for (const node of nodes) this.noteNodeChange(cluster, data.nodes.get(node.name), node);
		data.nodes = new Map(nodes.map(node => [node.name, node]));
		data.synced.nodes = true;
		this.workloadChangeVersion++;
		this.changed();
	}

	upsertNode(cluster: string, node: NodeInfo): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		const before = data.nodes.get(node.name);
		if (before && sameShallow(before, node)) return;
		this.noteNodeChange(cluster, before, node);
		data.nodes.set(node.name, node);
		this.workloadChangeVersion++;
		this.changed();
	}

	removeNode(cluster: string, name: string): void {
		const data = this.clusters.get(cluster);
		if (!data?.nodes.delete(name)) return;
		this.addEvent({atMs: this.clock(), cluster, level: 'warn', text: `${cluster}: node ${name} removed`});
		this.workloadChangeVersion++;
		this.changed();
	}

	replaceGateways(cluster: string, gateways: GatewayInfo[]): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		if (data.synced.gateways) for (const gateway of gateways) this.noteGatewayChange(cluster, data.gateways.get(gatewayKey(gateway)), gateway);
		data.gateways = new Map(gateways.map(gateway => [gatewayKey(gateway), gateway]));
		data.synced.gateways = true;
		data.submarinerMissing = undefined;
		this.changed();
	}

	upsertGateway(cluster: string, gateway: GatewayInfo): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		const before = data.gateways.get(gatewayKey(gateway));
		this.noteGatewayChange(cluster, before, gateway);
		data.gateways.set(gatewayKey(gateway), gateway);
		// Submariner rewrites every Gateway each 5 s: a new timestamp and RTT alone can wait for a calm frame.
		this.changed(!before || gatewayShape(before) !== gatewayShape(gateway));
	}

	removeGateway(cluster: string, key: string): void {
		const data = this.clusters.get(cluster);
		if (!data?.gateways.delete(key)) return;
		this.changed();
	}

	/** Submariner is not installed in this cluster: no gateways, and nothing to wait for. */
	markGatewaysMissing(cluster: string): void {
		const data = this.clusters.get(cluster);
		if (!data || (data.synced.gateways && data.gateways.size === 0 && data.submarinerMissing)) return;
		data.gateways.clear();
		data.synced.gateways = true;
		data.submarinerMissing = true;
		this.changed();
	}

	/** The full list of a discovery kind (ServiceExports, Endpoints, …): it is installed and listed. */
	replaceDiscovery<K extends DiscoveryKind>(cluster: string, kind: K, items: Array<DiscoveryItem<K>>): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		data.discovery.replace(kind, items);
		this.changed();
	}

	upsertDiscovery<K extends DiscoveryKind>(cluster: string, kind: K, item: DiscoveryItem<K>): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		const before = kind === 'serviceexports' ? (data.discovery.get('serviceexports', discoveryKey(item)) ?? null) : undefined;
		if (!data.discovery.upsert(kind, item)) return;
		if (before !== undefined) this.noteExportChange(cluster, before, item as DiscoveryItem<'serviceexports'>);
		this.changed();
	}

	removeDiscovery(cluster: string, kind: DiscoveryKind, key: string): void {
		const data = this.clusters.get(cluster);
		if (!data || !data.discovery.remove(kind, key)) return;
		this.changed();
	}

	/** The cluster does not serve this kind (404: no CRD): "not installed", not an error. */
	markDiscoveryMissing(cluster: string, kind: DiscoveryKind): void {
		const data = this.clusters.get(cluster);
		if (!data || !data.discovery.markMissing(kind)) return;
		this.changed();
	}

	/** A resource the server answers with an error (or no longer does, with undefined); the rest stay live. */
	setResourceError(cluster: string, resource: ResourceName, error: string | undefined): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		const before = data.resources[resource];
		if (before.error === error) return;
		const now = this.clock();
		data.resources[resource] = {...before, error, errorSinceMs: error === undefined ? undefined : (before.errorSinceMs ?? now)};
		if (error !== undefined && before.error === undefined) {
			this.addEvent({atMs: now, cluster, level: 'warn', text: `${cluster}: ${resource}: ${error}`});
		} else if (error === undefined) {
			this.addEvent({atMs: now, cluster, level: 'ok', text: `${cluster}: ${resource} readable again`});
		}
		this.changed();
	}

	/** Objects that could not be read: `fresh` replaces the count (after a list), otherwise it adds. */
	countSkipped(cluster: string, resource: ResourceName, count: number, fresh: boolean): void {
		const data = this.clusters.get(cluster);
		if (!data) return;
		const before = data.resources[resource];
		const skippedObjects = fresh ? count : before.skippedObjects + count;
		if (skippedObjects === before.skippedObjects) return;
		data.resources[resource] = {...before, skippedObjects};
		this.changed();
	}

	/** Whether each resource's first list has arrived. */
	syncedResources(cluster: string): Record<'nodes' | 'pods' | 'gateways', boolean> | undefined {
		const synced = this.clusters.get(cluster)?.synced;
		return synced && {...synced};
	}

	isSynced(cluster: string): boolean {
		const synced = this.clusters.get(cluster)?.synced;
		return Boolean(synced?.nodes && synced.pods && synced.gateways);
	}

	// ---- other sources ---------------------------------------------------------------------

	setBudgets(hosts: HostBudget[] | undefined, prometheus: PrometheusStatus | undefined): void {
		// Numbers drifting each poll can wait; a verdict or Prometheus' state changing cannot.
		const urgent =
			!this.hosts ||
			!hosts ||
			hosts.length !== this.hosts.length ||
			hosts.some((host, index) => host.verdict.level !== this.hosts![index]?.verdict.level) ||
			prometheus?.state !== this.prometheus?.state;
		this.hosts = hosts;
		this.prometheus = prometheus;
		this.changed(urgent);
	}

	setDrill(partition: PartitionStatus | undefined, drill: DrillProgress | undefined): void {
		if (this.partition?.active && !partition?.active) this.healedAtMs = this.clock();
		this.partition = partition;
		this.drill = drill;
		this.changed();
	}

	/** Probe windows after a run; a probe failing or recovering is news now, new latencies can wait. */
	setProbes(probes: ProbeStatus[]): void {
		const before = new Map((this.probes ?? []).map(probe => [probe.name, probe.last?.ok]));
		let urgent = this.probes === undefined;
		for (const probe of probes) {
			const was = before.get(probe.name);
			const now = probe.last?.ok;
			if (was === now || now === undefined) continue;
			urgent = true;
			if (was === undefined && now) continue;
			this.addEvent({
				atMs: probe.last!.atMs,
				level: now ? 'ok' : probe.level,
				text: now ? `probe ${probe.name} OK again` : `probe ${probe.name} failing: ${probe.last!.error ?? 'failed'}`,
			});
		}
		this.probes = probes;
		this.changed(urgent);
	}

	/** The etcd members after a poll: a member going down, a leader change, quorum lost are news now; indexes can wait. */
	setEtcd(status: EtcdStatus): void {
		const events = etcdEvents(this.etcd, status);
		for (const event of events) this.addEvent(event);
		const urgent = events.length > 0 || this.etcd?.verdict.level !== status.verdict.level;
		const same = this.etcd !== undefined && etcdShape(this.etcd) === etcdShape(status);
		this.etcd = status;
		// A busy cluster's raft index moves every poll: that alone is no reason for a new snapshot (it is
		// picked up by the next one any other change makes).
		if (!same) this.changed(urgent);
	}

	setEtcdDrill(drill: EtcdDrillStatus | undefined): void {
		this.etcdDrill = drill;
		this.changed();
	}

	/** How the plan's checklist is evaluated (the config's thresholds, the newest drill report); set again
	 * when those change. Every snapshot then carries the list, computed once for the TUI and `check`. */
	setChecklist(evaluate: ((snapshot: LabSnapshot) => PhaseCriterion[]) | undefined): void {
		this.checklist = evaluate;
		this.changed(false);
	}

	addEvent(event: FeedEvent): void {
		this.feed.push(event);
		if (this.feed.length > this.feedLimit) this.feed.splice(0, this.feed.length - this.feedLimit);
		this.changed();
	}

	/** Benchmarks: the stamps of changes the next frame will show, handed over once. */
	drainStamps(): number[] {
		const stamps = this.stamps;
		this.stamps = [];
		return stamps;
	}

	// ---- reading ---------------------------------------------------------------------------

	/** The current state as plain data. Cached per change and per second of the clock. */
	snapshot(): LabSnapshot {
		const atMs = this.clock();
		const second = Math.floor(atMs / 1000);
		if (this.cached && this.cached.version === this.changeVersion && this.cached.second === second) {
			return this.cached.snapshot;
		}
		const clusters = [...this.clusters.values()].map(data => this.clusterSnapshot(data, atMs));
		// Clusters without Submariner objects (not installed) get no gateway verdict. `stale` here means
		// the cluster itself is not live, so its gateways are last-known data, not evidence.
		const gateways = clusters
			.filter(cluster => cluster.gateways.length > 0)
			.map(cluster => ({cluster: cluster.name, verdict: gatewayVerdict(cluster, atMs, this.healedAtMs), stale: cluster.stale}));
		const snapshot: LabSnapshot = {
			atMs,
			version: this.changeVersion,
			clusters,
			gateways,
			events: [...this.feed],
			hosts: this.hosts,
			prometheus: this.prometheus,
			partition: this.partition,
			drill: this.drill,
			...(this.probes ? {probes: this.probes} : {}),
			...(this.etcd ? {etcd: this.etcd} : {}),
			...(this.etcdDrill ? {etcdDrill: this.etcdDrill} : {}),
			verdict: {level: 'unknown', reasons: []},
		};
		snapshot.verdict = overallVerdict(snapshot);
		if (this.checklist) snapshot.phases = this.checklist(snapshot);
		this.cached = {snapshot, version: this.changeVersion, second};
		return snapshot;
	}

	private clusterSnapshot(data: ClusterData, atMs: number): ClusterSnapshot {
		data.sortedPods ??= [...data.pods.values()].sort((a, b) => comparePods(a, b, atMs));
		const podCounts = {running: 0, failing: 0, pending: 0, failed: 0, succeeded: 0, total: data.pods.size};
		for (const pod of data.pods.values()) {
			if (isFailing(pod)) podCounts.failing++;
			else if (pod.phase === 'Running') podCounts.running++;
			else if (pod.phase === 'Pending') podCounts.pending++;
			else if (pod.phase === 'Failed') podCounts.failed++;
			else if (pod.phase === 'Succeeded') podCounts.succeeded++;
		}
		const nodes = [...data.nodes.values()].sort((a, b) => a.name.localeCompare(b.name));
		const snapshot: ClusterSnapshot = {
			name: data.identity.name,
			context: data.identity.context,
			host: data.identity.host,
			colour: data.identity.colour,
			connection: data.connection,
			stale: data.connection.phase !== 'live',
			synced: {...data.synced},
			resources: data.resources,
			nodes,
			nodeCounts: {ready: nodes.filter(node => node.ready).length, total: nodes.length},
			podCounts,
			pods: data.sortedPods,
			gateways: [...data.gateways.values()].sort((a, b) => a.name.localeCompare(b.name)),
			...(data.submarinerMissing ? {submarinerMissing: true} : {}),
			discovery: data.discovery.snapshot(),
			verdict: {level: 'unknown', reasons: []},
		};
		snapshot.verdict = clusterVerdict(snapshot, atMs);
		return snapshot;
	}

	// ---- change feed -----------------------------------------------------------------------

	private notePodChange(cluster: string, before: PodInfo | undefined, after: PodInfo): void {
		if (!after.problem || after.problem === 'Pending' || after.problem === before?.problem) return;
		if (!before && after.problem === 'NotReady') return; // a pod starting up
		this.addEvent({
			atMs: this.clock(),
			cluster,
			level: after.problem === 'Restarts' || after.problem === 'NotReady' ? 'warn' : 'crit',
			text: `${cluster}: pod ${after.namespace}/${after.name} ${after.problem}`,
		});
	}

	private noteNodeChange(cluster: string, before: NodeInfo | undefined, after: NodeInfo): void {
		if (before && before.ready !== after.ready) {
			this.addEvent({atMs: this.clock(), cluster, level: after.ready ? 'ok' : 'crit', text: `${cluster}: node ${after.name} ${after.ready ? 'Ready' : 'NotReady'}`});
		}
	}

	private noteGatewayChange(cluster: string, before: GatewayInfo | undefined, after: GatewayInfo): void {
		for (const connection of after.connections) {
			const previous = before?.connections.find(other => other.remoteCluster === connection.remoteCluster);
			if (previous && previous.status !== connection.status) {
				const now = this.clock();
				// Submariner reports a cut only when its pings have failed for a while: an error arriving just
				// after the network came back is that late report, not a new failure.
				const late = connection.status === 'error' && isRecovering(this.healedAtMs, now);
				this.addEvent({
					atMs: now,
					cluster,
					level: connection.status === 'connected' ? 'ok' : connection.status === 'error' && !late ? 'crit' : 'warn',
					text: `${cluster}: gateway connection to ${connection.remoteCluster} ${connection.status}${late ? ' (reported late; Submariner re-checks after the heal)' : ''}`,
				});
			}
		}
	}

	/** A ServiceExport whose state moves (exported, conflict, invalid) is news in the feed. */
	private noteExportChange(cluster: string, before: DiscoveryItem<'serviceexports'> | null, after: DiscoveryItem<'serviceexports'>): void {
		const state = exportState(after);
		const was = before ? exportState(before) : undefined;
		// A new export starts pending while the agent syncs it: only where it ends up is news.
		if (state === was || (was === undefined && state === 'pending')) return;
		if (was === undefined && state === 'exported') return;
		const level = state === 'exported' ? 'ok' : state === 'pending' ? 'unknown' : 'warn';
		this.addEvent({atMs: this.clock(), cluster, level, text: `${cluster}: ServiceExport ${after.namespace}/${after.name} ${exportWords(after)}`});
	}

	private changed(urgent = true, what: 'pod' | 'other' = 'other'): void {
		this.changeVersion++;
		if (urgent) this.urgentChangeVersion++;
		if (urgent && what === 'other') this.otherUrgentChangeVersion++;
		if (this.notifyScheduled || this.listeners.size === 0) return;
		this.notifyScheduled = true;
		setImmediate(() => {
			this.notifyScheduled = false;
			for (const listener of this.listeners) listener();
		});
	}
}

export function gatewayKey(gateway: Pick<GatewayInfo, 'namespace' | 'name'>): string {
	return `${gateway.namespace}/${gateway.name}`;
}

function sameShallow<T extends object>(a: T, b: T): boolean {
	for (const key of Object.keys(b) as Array<keyof T>) if (a[key] !== b[key]) return false;
	return Object.keys(a).length === Object.keys(b).length;
}

function samePod(a: PodInfo, b: PodInfo): boolean {
	const {labels: labelsA, ...restA} = a;
	const {labels: labelsB, ...restB} = b;
	return sameShallow(restA, restB) && sameShallow(labelsA, labelsB);
}

/** A gateway without the parts Submariner rewrites on every sync. */
function gatewayShape(gateway: GatewayInfo): string {
	return JSON.stringify({...gateway, updatedMs: undefined, connections: gateway.connections.map(connection => ({...connection, rttAverageMs: undefined}))});
}

/** An etcd status without what moves on every poll (times, raft index, leader-change counts). */
function etcdShape(status: EtcdStatus): string {
	return JSON.stringify({
		members: status.members.map(({name, up, isLeader, hasLeader, term, stopped, error}) => [name, up, isLeader, hasLeader, term, stopped, error]),
		leader: status.leader,
		quorum: status.quorum,
		readable: status.readable,
		verdict: status.verdict,
		polled: status.polled,
	});
}
