import type {HostBudget, PrometheusStatus} from '../budget/types.js';
import type {DrillProgress, PartitionStatus} from '../drill/types.js';
import type {ProbeStatus} from '../probes/types.js';
import type {PhaseCriterion} from '../phases/checklist.js';
import type {EtcdDrillStatus, EtcdStatus} from '../etcd/types.js';
import type {ClusterDiscovery, DiscoveryKind} from './discovery.js';

// The shape of what the sources know and the faces show. Sources write into the store; the TUI and
// `check` read LabSnapshot objects built from it, and never reach past them.

export type Level = 'ok' | 'warn' | 'crit' | 'unknown';

export interface Verdict {
	level: Level;
	/** Short reasons, most severe first: "m2 unreachable since 20:14:03: timeout". */
	reasons: string[];
}

export type ConnectionPhase = 'connecting' | 'live' | 'reconnecting' | 'unreachable';

export interface ConnectionState {
	phase: ConnectionPhase;
	/** When this phase began (ms since epoch). */
	sinceMs: number;
	/** Why it is not live: "timeout", "ECONNREFUSED", "HTTP 500". */
	reason?: string;
	/** The last moment the cluster was known to answer. */
	lastLiveMs?: number;
	/** Seen in a single look (`check`): the phase is known, not when it began. */
	sinceUnknown?: boolean;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** A pod trimmed to what labwatch shows: the full object is never kept. */
export interface PodInfo {
	uid: string;
	namespace: string;
	name: string;
	node?: string;
	phase: PodPhase;
	/** All containers ready (Running pods only). */
	ready: boolean;
	restarts: number;
	/** The most pressing problem, if any: CrashLoopBackOff, OOMKilled, ImagePullBackOff, NotReady, Pending, Failed, Restarts. */
	problem?: string;
	createdMs: number;
	memoryRequestBytes: number;
	memoryLimitBytes: number;
	/** Only the labels labwatch uses to map pods to plan lines (app, app.kubernetes.io/name, component, job-name). */
	labels: Record<string, string>;
	/** Benchmarks only (LABWATCH_TRACE): when the simulator made the change this object carries. */
	stampMs?: number;
}

export interface NodeInfo {
	name: string;
	ready: boolean;
	memoryCapacityBytes: number;
	memoryAllocatableBytes: number;
	createdMs: number;
}

export type SubmarinerStatus = 'connected' | 'connecting' | 'error' | string;

export interface GatewayConnection {
	remoteCluster: string;
	remoteHostname: string;
	status: SubmarinerStatus;
	statusMessage: string;
	usingIP?: string;
	/** latencyRTT.average parsed from its Go duration string. */
	rttAverageMs?: number;
	backend?: string;
	/** The remote endpoint's healthCheckIP ('' when it has none: nobody pings it); undefined when not read. */
	healthCheckIP?: string;
	/** latencyRTT is present: Submariner's health checker runs a pinger for this connection. */
	pinged?: boolean;
}

export interface GatewayInfo {
	name: string;
	namespace: string;
	haStatus: string;
	version: string;
	statusFailure: string;
	localClusterId: string;
	/** The update-timestamp annotation (Unix seconds × 1000), moved onto the local clock by the API server's Date. */
	updatedMs?: number;
	/** Set by one-shot lists (`check`): when the gateway was seen, so its staleness is judged then, not later. */
	observedMs?: number;
	connections: GatewayConnection[];
}

export type ResourceName = 'nodes' | 'pods' | 'gateways' | DiscoveryKind;

/** One watched resource of a cluster: each fails on its own (a 403 on gateways leaves pods live). */
export interface ResourceState {
	/** Why it cannot be read now, in the server's words: "forbidden: gateways.submariner.io is forbidden: …". */
	error?: string;
	/** When the error began; kept while it lasts, whatever its wording. */
	errorSinceMs?: number;
	/** Objects or events the server sent that could not be read, skipped (since the last list). */
	skippedObjects: number;
}

export interface ClusterSnapshot {
	name: string;
	context: string;
	host: string;
	colour?: string;
	connection: ConnectionState;
	/** True when what is shown is not known to be current (the cluster is not live). */
	stale: boolean;
	/** Whether the first list of each resource has arrived. */
	synced: {nodes: boolean; pods: boolean; gateways: boolean};
	/** Per resource: its error and skipped objects. Always set by the store (optional for hand-made snapshots). */
	resources?: Record<ResourceName, ResourceState>;
	nodes: NodeInfo[];
	nodeCounts: {ready: number; total: number};
	/**
	 * Each pod counted once: `failing` takes the pods with a failing problem (CrashLoopBackOff, ImagePullBackOff…)
	 * out of running and pending, so "N running" never includes a crash-looping pod.
	 */
	podCounts: {running: number; failing: number; pending: number; failed: number; succeeded: number; total: number};
	/** Pods, those needing attention first (by severity, then newest); the rest by namespace/name. */
	pods: PodInfo[];
	gateways: GatewayInfo[];
	/** The cluster's API serves no gateways.submariner.io: Submariner is not installed there. */
	submarinerMissing?: boolean;
	/** Lighthouse's ServiceExports/ServiceImports and Submariner's Endpoints, Clusters and CR (store/discovery.ts). */
	discovery?: ClusterDiscovery;
	verdict: Verdict;
}

export interface FeedEvent {
	atMs: number;
	cluster?: string;
	level: Level;
	text: string;
}

export interface LabSnapshot {
	atMs: number;
	/** Bumped on every change; equal versions mean equal content. */
	version: number;
	clusters: ClusterSnapshot[];
	/** Gateway verdicts, one per cluster that has Submariner objects. */
	gateways: Array<{cluster: string; verdict: Verdict; stale: boolean}>;
	events: FeedEvent[];
	/** Memory budgets per host; absent until the budget source reports. */
	hosts?: HostBudget[];
	prometheus?: PrometheusStatus;
	partition?: PartitionStatus;
	drill?: DrillProgress;
	/** The configured probes' windows; absent until the probe source reports (or with no probes). */
	probes?: ProbeStatus[];
	/** The homelab plan's checklist, evaluated once per snapshot when the lab sets its criteria. */
	phases?: PhaseCriterion[];
	/** The etcd members' state and verdict; absent without an etcd: section (or before the first poll). */
	etcd?: EtcdStatus;
	/** The etcd drill: stopped members, timeline, report; absent without an etcd: section. */
	etcdDrill?: EtcdDrillStatus;
	verdict: Verdict;
}
