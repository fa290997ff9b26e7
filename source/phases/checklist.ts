// The homelab plan's success criteria (homelab.md, "Phases and their success criteria") evaluated from one
// snapshot, each with its evidence in one line. Computed here once; `check` and the TUI show the same list.
// A criterion without what it needs in the config is `unknown: not configured`, never failed.
import type {Config} from '../config/schema.js';
import type {LabSnapshot} from '../store/types.js';
import type {ProbeStatus} from '../probes/types.js';
import {formatBytes} from '../config/size.js';
import {connectionVerdict} from '../store/verdicts.js';
import {serviceDiscoveryEvidence} from './service-discovery-evidence.js';

export type CriterionStatus = 'passed' | 'failed' | 'unknown';

export interface PhaseCriterion {
	phase: number;
	criterion: string;
	status: CriterionStatus;
	evidence: string;
}

/** What the newest partition drill report says (read by the caller from the state dir). */
export interface DrillEvidence {
	drillId: string;
	/** The first signal's time to detect the cut; undefined when nothing detected it. */
	detectMs?: number;
}

export interface ChecklistInput {
	snapshot: LabSnapshot;
	config: Pick<Config, 'phases' | 'prometheus' | 'clusters'>;
	/** Undefined: no report found (or none read). */
	drill?: DrillEvidence;
}

const notConfigured = 'not configured';

export function evaluatePhases({snapshot, config, drill}: ChecklistInput): PhaseCriterion[] {
	const {phases} = config;
	const list: PhaseCriterion[] = [];
	const probeByName = new Map((snapshot.probes ?? []).map(probe => [probe.name, probe]));

	for (const [clusterName, least] of Object.entries(phases.nodesReady)) {
		const criterion = `${clusterName} nodes Ready ≥ ${least}`;
		const cluster = snapshot.clusters.find(each => each.name === clusterName);
		if (!cluster) list.push({phase: 1, criterion, status: 'unknown', evidence: `${notConfigured}: no cluster ${clusterName}`});
		else if (cluster.stale || !cluster.synced.nodes) list.push({phase: 1, criterion, status: 'unknown', evidence: `${clusterName} ${cluster.connection.phase}: nodes not known`});
		else {
			const {ready, total} = cluster.nodeCounts;
			const passed = ready >= least;
			list.push({phase: 1, criterion, status: passed ? 'passed' : 'failed', evidence: `${clusterName} nodes ${ready}/${total} Ready ${passed ? '≥' : '<'} ${least}`});
		}
	}

	for (const [hostName, most] of Object.entries(phases.memoryInUse)) {
		const criterion = `${hostName} memory in use ≤ ${formatBytes(most)}`;
		const host = snapshot.hosts?.find(each => each.host === hostName);
		if (!snapshot.hosts) list.push({phase: 1, criterion, status: 'unknown', evidence: 'memory not read yet'});
		else if (!host) list.push({phase: 1, criterion, status: 'unknown', evidence: `${notConfigured}: no host ${hostName}`});
		else if (host.actualBytes === undefined) list.push({phase: 1, criterion, status: 'unknown', evidence: `${hostName} memory in use not known${host.sourceNote ? `: ${host.sourceNote}` : ''}`});
		else {
			const passed = host.actualBytes <= most;
			// Requests are an estimate: say so beside the number.
			const estimate = host.actualSource === 'requests' ? ' (requests, an estimate)' : '';
			list.push({phase: 1, criterion, status: passed ? 'passed' : 'failed', evidence: `${hostName} memory ${formatBytes(host.actualBytes)}${estimate} ${passed ? '≤' : '>'} ${formatBytes(most)}`});
		}
	}

	const limit = phases.httpP95;
	for (const link of phases.http) {
		const label = `HTTP ${link.from}→${link.to}`;
		const criterion = `${label} succeeds, p95 < ${formatMs(limit)}`;
		list.push({phase: 2, criterion, ...probeEvidence(label, link.probe, 'phases.http', probeByName, probe => {
			if (probe.p95Ms === undefined) return {status: 'unknown', evidence: `${label}: no successful answer yet`};
			const passed = probe.p95Ms < limit;
			return {status: passed ? 'passed' : 'failed', evidence: `${label} p95 ${formatMs(probe.p95Ms)} ${passed ? '<' : '≥'} ${formatMs(limit)}`};
		})});
	}

	for (const cluster of snapshot.clusters) {
		const criterion = `${cluster.name} Submariner gateway connected`;
		if (cluster.stale || !cluster.synced.gateways) {
			list.push({phase: 3, criterion, status: 'unknown', evidence: `${cluster.name} ${cluster.connection.phase}: gateways not known`});
			continue;
		}
		if (cluster.submarinerMissing) {
			list.push({phase: 3, criterion, status: 'failed', evidence: `${cluster.name}: Submariner not installed (no gateways.submariner.io API)`});
			continue;
		}
		const active = cluster.gateways.filter(gateway => gateway.haStatus === 'active');
		const connections = active.flatMap(gateway => gateway.connections);
		if (active.length === 0) list.push({phase: 3, criterion, status: 'failed', evidence: `${cluster.name}: no active Submariner gateway`});
		else if (connections.length === 0) list.push({phase: 3, criterion, status: 'failed', evidence: `${cluster.name}: gateway has no connections`});
		else {
			// The same per-connection verdict the TUI and `check` show: `connected` without Submariner's health
			// check is the cable driver's word only, so it proves nothing either way.
			const verdicts = connections.map(connection => connectionVerdict(connection, cluster.discovery?.submariner, snapshot.atMs));
			const passed = connections.every(connection => connection.status === 'connected');
			const words = connections.map((connection, index) => `${cluster.name}→${connection.remoteCluster} ${verdicts[index]!.words}`).join(', ');
			const status = !passed ? 'failed' : verdicts.every(verdict => verdict.healthChecked) ? 'passed' : 'unknown';
			list.push({phase: 3, criterion, status, evidence: `gateway ${words}`});
		}
	}

	for (const item of phases.reach) {
		// Phase 3's "a service found by its clusterset name": Lighthouse's objects, and the probe when one is named.
		if (item.phase === 3) {
			list.push({phase: 3, criterion: item.criterion, ...serviceDiscoveryEvidence(snapshot, item)});
			continue;
		}
		list.push({phase: item.phase, criterion: item.criterion, ...probeEvidence(`probe ${item.probe ?? ''}`.trim(), item.probe, 'phases.reach', probeByName, probe => ({status: 'passed', evidence: `probe ${probe.name} OK ${formatMs(probe.last!.latencyMs ?? 0)}`}))});
	}

	list.push({phase: 4, criterion: 'Prometheus scrapes a job per cluster', ...prometheusEvidence(snapshot, config)});

	const detectLimit = phases.partitionDetect;
	const criterion = `partition detected in ≤ ${formatMs(detectLimit)}`;
	if (!drill) list.push({phase: 5, criterion, status: 'unknown', evidence: 'no partition drill report yet'});
	else if (drill.detectMs === undefined) list.push({phase: 5, criterion, status: 'failed', evidence: `partition drill ${drill.drillId}: the cut was not detected`});
	else {
		const passed = drill.detectMs <= detectLimit;
		list.push({phase: 5, criterion, status: passed ? 'passed' : 'failed', evidence: `partition drill ${drill.drillId} detected in ${formatMs(drill.detectMs)} ${passed ? '≤' : '>'} ${formatMs(detectLimit)}`});
	}
	return list.sort((a, b) => a.phase - b.phase);
}

/** A probe-backed criterion: unknown without a probe or a result, failed when its latest run failed. */
function probeEvidence(
	label: string,
	name: string | undefined,
	key: string,
	probes: Map<string, ProbeStatus>,
	judge: (probe: ProbeStatus) => {status: CriterionStatus; evidence: string},
): {status: CriterionStatus; evidence: string} {
	if (name === undefined) return {status: 'unknown', evidence: `${notConfigured}: no probe named in ${key}`};
	const probe = probes.get(name);
	if (!probe?.last) return {status: 'unknown', evidence: `probe ${name}: no result yet`};
	if (!probe.last.ok) return {status: 'failed', evidence: `${label} failing: ${probe.last.error ?? 'failed'}`};
	return judge(probe);
}

function prometheusEvidence(snapshot: LabSnapshot, config: ChecklistInput['config']): {status: CriterionStatus; evidence: string} {
	const prometheus = snapshot.prometheus;
	if (!config.prometheus || prometheus?.state === 'unconfigured') return {status: 'unknown', evidence: `${notConfigured}: no prometheus: url`};
	if (!prometheus) return {status: 'unknown', evidence: 'Prometheus not asked yet'};
	if (prometheus.state === 'down') return {status: 'unknown', evidence: `Prometheus down${prometheus.reason ? `: ${prometheus.reason}` : ''}`};
	let passed = true;
	const parts = Object.keys(config.clusters).map(cluster => {
		const job = config.prometheus!.jobs[cluster] ?? cluster;
		const targets = prometheus.targets.filter(target => target.job === job);
		const up = targets.filter(target => target.up).length;
		if (up === 0) passed = false;
		return `job ${job} ${up}/${targets.length} up`;
	});
	return {status: passed ? 'passed' : 'failed', evidence: `Prometheus targets: ${parts.join(', ')}`};
}

/** "3.2 ms", "1.3 s": one decimal below 10, whole above. */
export function formatMs(ms: number): string {
	if (ms >= 1000) return `${trim(ms / 1000)} s`;
	return `${trim(ms)} ms`;
}

function trim(value: number): string {
	return value < 10 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
}
