// Per-host memory budgets: pure arithmetic over the config, the clusters' pods and one Prometheus poll.
import type {Config} from '../config/schema.js';
import type {ClusterSnapshot, PodInfo} from '../store/types.js';
import {historyWindowMs, workingSetMetric} from '../prom/catalogue.js';
import {matchesHost, readHostMemory} from '../prom/host-memory.js';
import type {PromData} from '../prom/types.js';
import {otherLine, planLineFor, type PodIdentity} from './plan-match.js';
import type {HostBudget, PlanLine} from './types.js';
import {budgetVerdict} from './verdict.js';
import {podKey, workingSetsByCluster} from './working-sets.js';

/** Pods that hold memory: finished ones (Succeeded, Failed) hold none. */
function holdsMemory(pod: PodInfo): boolean {
	return pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

/**
 * An unreachable cluster's pods are its last known list, not its state: `check` never has them, so the
 * TUI must not count them either, or the two faces give one host two verdicts.
 */
function isCurrent(cluster: ClusterSnapshot): boolean {
	return cluster.connection.phase === 'live' || cluster.connection.phase === 'reconnecting';
}

function clusterHost(config: Config, cluster: ClusterSnapshot): string {
	return config.clusters[cluster.name]?.host ?? cluster.host;
}

/** The cluster jobs Prometheus reports down, as "target kubelet-m2 (cluster m2) down". */
function downClusterTargets(config: Config, clusterNames: string[], prom: PromData): string[] {
	const reasons: string[] = [];
	for (const cluster of clusterNames) {
		const job = config.prometheus?.jobs[cluster] ?? cluster;
		for (const sample of prom.up) {
			if (sample.labels.job === job && sample.value === 0) {
				reasons.push(`target ${job} (cluster ${cluster}) down`);
				break;
			}
		}
	}
	return reasons;
}

/**
 * Budgets for every configured host, in config order. `promData` undefined means Prometheus is not
 * configured; not reachable means it is down. Either way the pods' requests and limits still count.
 */
export function computeBudgets(
	config: Config,
	snapshotClusters: ClusterSnapshot[],
	promData: PromData | undefined,
	nowMs: number,
): HostBudget[] {
	const prom = promData?.reachable ? promData : undefined;
	const workingSets = prom ? workingSetsByCluster(config, snapshotClusters, prom.workingSets) : new Map<string, Map<string, number>>();

	return Object.entries(config.hosts).map(([hostName, host]): HostBudget => {
		const clusterNames = [
			...new Set([
				...Object.entries(config.clusters)
					.filter(([, cluster]) => cluster.host === hostName)
					.map(([name]) => name),
				...snapshotClusters.filter(cluster => clusterHost(config, cluster) === hostName).map(cluster => cluster.name),
			]),
		];
		const snapshots = snapshotClusters.filter(cluster => clusterNames.includes(cluster.name));
		const current = snapshots.filter(isCurrent);
		const pods = current.flatMap(cluster => cluster.pods.filter(holdsMemory));
		const podsSynced = current.some(cluster => cluster.synced.pods);
		// Before the first answers a host is waiting, not unknown: nothing is missing yet.
		const waiting = [
			...(config.prometheus && !promData ? ['Prometheus'] : []),
			...snapshots
				.filter(cluster => cluster.connection.phase === 'connecting' || (isCurrent(cluster) && !cluster.synced.pods))
				.map(cluster => `pods from ${cluster.name}`),
		];

		const hostWorkingSets = new Map<string, number>();
		for (const cluster of clusterNames) {
			for (const [key, bytes] of workingSets.get(cluster) ?? []) hostWorkingSets.set(key, (hostWorkingSets.get(key) ?? 0) + bytes);
		}
		const haveWorkingSets = hostWorkingSets.size > 0;

		// Plan lines, then lines only `match` names, then "other" when something maps nowhere.
		const lines = new Map<string, PlanLine>();
		const line = (name: string): PlanLine => {
			let found = lines.get(name);
			if (!found) {
				found = {name, plannedBytes: host.plan[name] ?? 0, requestBytes: 0, limitBytes: 0, pods: 0, ...(haveWorkingSets ? {actualBytes: 0} : {})};
				lines.set(name, found);
			}
			return found;
		};
		for (const name of [...Object.keys(host.plan), ...Object.keys(host.match)]) line(name);
		const seen = new Set<string>();
		const add = (pod: PodIdentity, requestBytes: number, limitBytes: number) => {
			const key = podKey(pod.namespace, pod.name);
			const target = line(planLineFor(pod, host));
			target.pods += 1;
			target.requestBytes += requestBytes;
			target.limitBytes += limitBytes;
			if (target.actualBytes !== undefined && !seen.has(key)) target.actualBytes += hostWorkingSets.get(key) ?? 0;
			seen.add(key);
		};
		for (const pod of pods) add(pod, pod.memoryRequestBytes, pod.memoryLimitBytes);
		// Pods Prometheus sees but the API does not (yet): counted by name, with no requests known.
		for (const key of hostWorkingSets.keys()) {
			if (seen.has(key)) continue;
			const slash = key.indexOf('/');
			add({namespace: key.slice(0, slash), name: key.slice(slash + 1), labels: {}}, 0, 0);
		}
		const otherLineEntry = lines.get(otherLine);
		if (otherLineEntry && otherLineEntry.pods === 0 && !(otherLine in host.plan)) lines.delete(otherLine);

		const requestBytes = pods.reduce((sum, pod) => sum + pod.memoryRequestBytes, 0);
		const limitsBytes = pods.reduce((sum, pod) => sum + pod.memoryLimitBytes, 0);
		const plannedBytes = Object.values(host.plan).reduce((sum, bytes) => sum + bytes, 0);

		// Actual use: the host's exporter, else working sets, else requests; each fallback says why.
		let actualBytes: number | undefined;
		let actualSource: HostBudget['actualSource'];
		let sourceNote: string | undefined;
		let history: number[] = [];
		const reading = prom ? readHostMemory(host, prom.hostMemory, prom.up) : undefined;
		if (reading?.state === 'ok') {
			actualBytes = reading.usedBytes;
			actualSource = reading.dialect === 'darwin' ? 'node-exporter-darwin' : 'node-exporter-linux';
			const series = prom?.usedHistory.find(item => item.labels.instance === reading.instance && matchesHost(host, item.labels));
			history = (series?.points ?? []).filter(point => point.atMs >= nowMs - historyWindowMs && Number.isFinite(point.value) && point.value >= 0).map(point => point.value);
		} else {
			const notes: string[] = [];
			if (!promData) notes.push(config.prometheus ? 'no answer yet from Prometheus' : 'Prometheus not configured');
			else if (!promData.reachable) notes.push(`Prometheus down: ${promData.error ?? 'no answer'}`);
			else if (reading?.state === 'missing') notes.push(reading.reason);
			if (haveWorkingSets) {
				actualBytes = [...hostWorkingSets.values()].reduce((sum, bytes) => sum + bytes, 0);
				actualSource = 'working-set';
			} else {
				if (prom) {
					const failed = promData?.queryErrors.workingSets;
					const why = [...(failed ? [`working sets: ${failed}`] : []), ...downClusterTargets(config, clusterNames, prom)];
					notes.push(...(why.length ? why : [`no series ${workingSetMetric} for ${clusterNames.join(', ') || hostName}`]));
				}
				if (podsSynced) {
					actualBytes = requestBytes;
					actualSource = 'requests';
				} else {
					actualSource = 'none';
					const unreachable = snapshots.filter(cluster => cluster.connection.phase === 'unreachable').map(cluster => cluster.name);
					// The cause first: what Prometheus lacks follows from it.
					if (unreachable.length > 0) notes.unshift(`${unreachable.join(', ')} unreachable`);
					else notes.push(clusterNames.length ? `no pods known yet from ${clusterNames.join(', ')}` : `no cluster runs on ${hostName}`);
				}
			}
			sourceNote = notes.join('; ');
		}

		const budget: HostBudget = {
			host: hostName,
			limitBytes: host.memory,
			reservedBytes: host.reserved,
			plannedBytes,
			requestBytes,
			limitsBytes,
			actualSource,
			lines: [...lines.values()],
			history,
			verdict: {level: 'unknown', reasons: []},
		};
		if (actualBytes !== undefined) {
			budget.actualBytes = actualBytes;
			budget.headroomBytes = host.memory - host.reserved - actualBytes;
		}
		if (sourceNote) budget.sourceNote = sourceNote;
		if (waiting.length > 0) budget.waiting = waiting;
		budget.verdict = budgetVerdict(budget);
		return budget;
	});
}
