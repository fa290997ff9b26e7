// Verdicts are computed here once and shown by both faces, so the TUI and `check` never disagree.
import type {ClusterSnapshot, GatewayConnection, LabSnapshot, Level, PodInfo, Verdict} from './types.js';
import type {SubmarinerInfo} from '../submariner/submariner-cr.js';
import {connectionHealthCheck, notHealthChecked} from '../submariner/health-check.js';
import {exportsVerdict} from '../lighthouse/export-verdict.js';
import {gatewayAgeMs, isConnectionDegraded, isGatewayStale} from '../submariner/gateway.js';
import {formatAge} from '../config/duration.js';
import {clockTime} from './clock-time.js';
import type {ProbeStatus} from '../probes/types.js';

/** A probe's level now: its configured level while its latest run fails; one that recovered is OK. */
export function probeLevel(probe: ProbeStatus): Level {
	if (!probe.last) return 'unknown';
	return probe.last.ok ? 'ok' : probe.level;
}

/** Worst first. UNKNOWN ranks below WARNING: "we cannot tell" should not hide "something is wrong". */
const rank: Record<Level, number> = {ok: 0, unknown: 1, warn: 2, crit: 3};

export function worst(levels: Level[]): Level {
	return levels.reduce<Level>((a, b) => (rank[b] > rank[a] ? b : a), 'ok');
}

export function combine(verdicts: Verdict[]): Verdict {
	const level = worst(verdicts.map(verdict => verdict.level));
	const reasons = verdicts
		.filter(verdict => verdict.level !== 'ok')
		.sort((a, b) => rank[b.level] - rank[a.level])
		.flatMap(verdict => verdict.reasons);
	return {level, reasons};
}

const failingProblems = new Set(['CrashLoopBackOff', 'OOMKilled', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'Failed', 'Error']);

/** A pod that is running or pending in name only: its containers keep failing. A Failed pod is counted as failed. */
export function isFailing(pod: PodInfo): boolean {
	return pod.phase !== 'Failed' && pod.phase !== 'Succeeded' && pod.problem !== undefined && failingProblems.has(pod.problem);
}
/** Pending for longer than this is a problem; shorter is a pod being scheduled or a CI job starting. */
export const pendingTooLongMs = 5 * 60_000;

export function clusterVerdict(cluster: ClusterSnapshot, nowMs: number): Verdict {
	const {name, connection} = cluster;
	const why = connection.reason ? `: ${connection.reason}` : '';
	if (connection.phase === 'unreachable') {
		const since = connection.sinceUnknown ? '' : ` since ${clockTime(connection.sinceMs)}`;
		return {level: 'crit', reasons: [`${name} unreachable${since}${why}`]};
	}
	if (connection.phase === 'connecting') return {level: 'unknown', reasons: [`${name} not answered yet${why}`]};
	const levels: Level[] = [];
	const reasons: string[] = [];
	if (connection.phase === 'reconnecting') {
		levels.push('warn');
		reasons.push(`${name} reconnecting for ${formatAge(nowMs - connection.sinceMs)}${why}`);
	}
	// A resource the server answers with an error fails on its own: the cluster is live, what it shows is partial.
	for (const [resource, state] of Object.entries(cluster.resources ?? {})) {
		if (state.error) {
			levels.push('warn');
			reasons.push(`${name} ${resource}: ${state.error}`);
		}
		if (state.skippedObjects > 0) {
			levels.push('warn');
			reasons.push(`${name} ${resource}: ${state.skippedObjects} malformed object${state.skippedObjects === 1 ? '' : 's'} skipped`);
		}
	}
	const {ready, total} = cluster.nodeCounts;
	if (cluster.synced.nodes && total === 0) {
		levels.push('crit');
		reasons.push(`${name} has no nodes`);
	} else if (ready < total) {
		levels.push(ready === 0 ? 'crit' : 'warn');
		const notReady = cluster.nodes.filter(node => !node.ready).map(node => node.name);
		reasons.push(`${name} ${total - ready}/${total} nodes NotReady (${notReady.slice(0, 3).join(', ')})`);
	}
	const failing = cluster.pods.filter(pod => pod.problem && failingProblems.has(pod.problem));
	if (failing.length > 0) {
		levels.push('warn');
		const named = failing.slice(0, 3).map(pod => `${pod.namespace}/${pod.name} ${pod.problem}`).join(', ');
		reasons.push(`${name} ${failing.length} pod${failing.length === 1 ? '' : 's'} failing: ${named}${failing.length > 3 ? ', …' : ''}`);
	}
	const exports = exportsVerdict(cluster);
	if (exports.level !== 'ok') {
		levels.push(exports.level);
		reasons.push(...exports.reasons);
	}
	const stuck = cluster.pods.filter(pod => pod.phase === 'Pending' && nowMs - pod.createdMs > pendingTooLongMs);
	if (stuck.length > 0) {
		levels.push('warn');
		reasons.push(`${name} ${stuck.length} pod${stuck.length === 1 ? '' : 's'} Pending over 5m`);
	}
	return {level: worst(levels), reasons};
}

/**
 * How long after the network comes back a connection `error` is Submariner catching up rather than a
 * failure: its health check needs several good pings (maxPacketLossCount × pingInterval, 5 s by default)
 * and the gateway syncs its status every few seconds.
 */
export const submarinerRecoveryMs = 30_000;

export function isRecovering(healedAtMs: number | undefined, nowMs: number): boolean {
	return healedAtMs !== undefined && nowMs - healedAtMs >= 0 && nowMs - healedAtMs < submarinerRecoveryMs;
}

/**
 * Submariner's monitor rules (submariner.md §5): up, degraded, down. `healedAtMs`: when the network last
 * came back; an error within submarinerRecoveryMs of it is a warning that it is recovering.
 */
export function gatewayVerdict(cluster: ClusterSnapshot, nowMs: number, healedAtMs?: number): Verdict {
	const active = cluster.gateways.filter(gateway => gateway.haStatus === 'active');
	const name = cluster.name;
	if (active.length === 0) return {level: 'crit', reasons: [`${name} has no active Submariner gateway`]};
	const levels: Level[] = [];
	const reasons: string[] = [];
	for (const gateway of active) {
		if (gateway.statusFailure) {
			levels.push('crit');
			reasons.push(`${name} gateway ${gateway.name}: ${gateway.statusFailure}`);
		}
		// Old data from an unreachable cluster is already reported as such; only a live cluster's
		// gateway that stopped syncing means its gateway pod is gone.
		if (!cluster.stale && isGatewayStale(gateway, nowMs)) {
			levels.push('crit');
			const ageMs = gatewayAgeMs(gateway, nowMs);
			const age = ageMs !== undefined ? formatAge(ageMs) : 'ever';
			reasons.push(`${name} gateway ${gateway.name} not updated for ${age}`);
		}
		if (gateway.connections.length === 0) {
			levels.push('crit');
			reasons.push(`${name} gateway ${gateway.name} has no connections`);
		}
		for (const connection of gateway.connections) {
			const verdict = connectionVerdict(connection, cluster.discovery?.submariner, nowMs, healedAtMs);
			if (verdict.level === 'ok') continue;
			levels.push(verdict.level);
			reasons.push(`${name}→${connection.remoteCluster} ${verdict.reason}`);
		}
	}
	return {level: worst(levels), reasons};
}

export interface ConnectionVerdict {
	level: Level;
	/** What follows "m1→m2 " in a reason: "connection error: …", "connected, not health-checked (…)". */
	reason: string;
	/** The status as shown on a gateway line: "connected", "error", "connected, not health-checked". */
	words: string;
	/** False when the connection is not health-checked: its `connected` is the cable driver's word only. */
	healthChecked: boolean;
}

/**
 * One gateway connection's verdict, shown alike by the TUI's gateway line and view and by `check`.
 * A connection Submariner does not health-check (connectionHealthCheck disabled, or a remote endpoint
 * without a health-check IP) is UNKNOWN when `connected`: without the pinger that is only the cable
 * driver's word (vxlan always says it), not evidence that the tunnel carries traffic.
 */
export function connectionVerdict(connection: GatewayConnection, submariner: SubmarinerInfo | undefined, nowMs: number, healedAtMs?: number): ConnectionVerdict {
	const message = connection.statusMessage ? `: ${connection.statusMessage}` : '';
	const check = connectionHealthCheck(connection, submariner);
	const healthChecked = check.checked;
	const verdict = (level: Level, reason: string, words = connection.status) => ({level, reason, words, healthChecked});
	if (connection.status === 'error' && isRecovering(healedAtMs, nowMs)) {
		return verdict('warn', `recovering after the heal ${formatAge(nowMs - healedAtMs!)} ago (Submariner still says error${message})`);
	}
	if (connection.status === 'error') return verdict('crit', `connection error${message}`);
	if (connection.status === 'connecting') return verdict('warn', `connecting${message}`);
	if (isConnectionDegraded(connection)) return verdict('warn', `degraded${message}`);
	if (connection.status !== 'connected') return verdict('warn', `${connection.status}${message}`);
	if (!check.checked) return verdict('unknown', `connected, ${notHealthChecked} (${check.why})`, `connected, ${notHealthChecked}`);
	return verdict('ok', 'connected');
}

export function overallVerdict(snapshot: LabSnapshot): Verdict {
	const parts: Verdict[] = snapshot.clusters.map(cluster => cluster.verdict);
	for (const gateway of snapshot.gateways) {
		// A gateway seen only through stale data is not evidence either way.
		if (!gateway.stale) parts.push(gateway.verdict);
	}
	for (const host of snapshot.hosts ?? []) parts.push(host.verdict);
	if (snapshot.prometheus && snapshot.prometheus.state === 'down') {
		parts.push({level: 'warn', reasons: [`prometheus ${snapshot.prometheus.url} down${snapshot.prometheus.reason ? `: ${snapshot.prometheus.reason}` : ''}`]});
	}
	for (const probe of snapshot.probes ?? []) {
		const level = probeLevel(probe);
		// No result yet is not evidence either way (the first run is under way).
		if (level !== 'ok' && level !== 'unknown') parts.push({level, reasons: [`probe ${probe.name} failing: ${probe.last!.error ?? 'failed'}`]});
	}
	// etcd: its own verdict (etcd/verdict.ts), and a drill's stopped members are a warning while they are down.
	if (snapshot.etcd) parts.push(snapshot.etcd.verdict);
	if (snapshot.etcdDrill && snapshot.etcdDrill.stopped.length > 0) parts.push({level: 'warn', reasons: [`etcd drill active: ${snapshot.etcdDrill.stopped.join(', ')} stopped`]});
	else if (snapshot.etcdDrill?.leftover && snapshot.etcdDrill.leftover.length > 0) parts.push({level: 'warn', reasons: [`etcd members stopped by a drill nobody healed: ${snapshot.etcdDrill.leftover.join(', ')}: run labwatch etcd-heal`]});
	if (snapshot.partition?.active) {
		parts.push({level: 'warn', reasons: [`partition drill active (${snapshot.partition.points.join(', ')})`]});
	} else if (snapshot.partition?.leftover) {
		parts.push({level: 'warn', reasons: ['leftover partition rules found: run `labwatch heal`']});
	}
	return combine(parts);
}
