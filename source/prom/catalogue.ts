// Every PromQL query labwatch sends, in one place. The simulator's query API (source/sim/prometheus-api.ts)
// answers exactly these, so a new query here needs support there too.

/** node_exporter on Linux (/proc/meminfo): used = MemTotal − MemAvailable. */
export const linuxMemoryMetrics = {
	total: 'node_memory_MemTotal_bytes',
	available: 'node_memory_MemAvailable_bytes',
} as const;

/**
 * node_exporter on macOS (collector/meminfo_darwin.go, page counts × page size; total is hw.memsize).
 * Activity Monitor's "Memory Used" ≈ app memory (internal − purgeable) + wired + compressed.
 */
export const darwinMemoryMetrics = {
	total: 'node_memory_total_bytes',
	free: 'node_memory_free_bytes',
	active: 'node_memory_active_bytes',
	inactive: 'node_memory_inactive_bytes',
	wired: 'node_memory_wired_bytes',
	compressed: 'node_memory_compressed_bytes',
	internal: 'node_memory_internal_bytes',
	purgeable: 'node_memory_purgeable_bytes',
} as const;

export const workingSetMetric = 'container_memory_working_set_bytes';

/** The labels a pod's working set is summed by: `job`/`cluster` tell the cluster, `node` the kind node. */
export const workingSetGrouping = ['namespace', 'pod', 'job', 'cluster', 'node'] as const;

const hostMemoryNames = [
	...Object.values(linuxMemoryMetrics),
	...Object.values(darwinMemoryMetrics),
].map(name => name.replace(/^node_memory_/, '').replace(/_bytes$/, ''));

const linuxUsed = `${linuxMemoryMetrics.total} - ${linuxMemoryMetrics.available}`;
const darwinUsed =
	`(${darwinMemoryMetrics.internal} - ${darwinMemoryMetrics.purgeable})` +
	` + ${darwinMemoryMetrics.wired} + ${darwinMemoryMetrics.compressed}`;

export interface NamedQuery {
	name: string;
	promql: string;
}

export const queries = {
	/** Every host-memory series of both dialects in one round trip; the dialect is decided per instance. */
	hostMemory: {
		name: 'hostMemory',
		promql: `{__name__=~"node_memory_(${hostMemoryNames.join('|')})_bytes"}`,
	},
	/**
	 * Working set per pod, as Kubernetes' monitoring mixin counts it: only real containers (container="" is the
	 * pod-level cgroup and, over containerd, the pause sandbox; image="" a cgroup without a container), the
	 * largest series per container (a restarted container's dead instance lingers for minutes beside the new
	 * one), then the sum over the pod's containers. Series of one pod from two jobs are merged in
	 * working-sets.ts, where the job still tells the cluster.
	 */
	workingSets: {
		name: 'workingSets',
		promql:
			`sum by (${workingSetGrouping.join(', ')}) (max by (${[...workingSetGrouping, 'container'].join(', ')}) ` +
			`(${workingSetMetric}{container!="", image!=""}))`,
	},
	/** Scrape target health, so "Prometheus cannot see m2" shows. */
	up: {name: 'up', promql: 'up'},
	/** Host used bytes in either dialect, for the 30-minute sparkline. */
	hostUsedBytes: {
		name: 'hostUsedBytes',
		promql: `(${linuxUsed}) or (${darwinUsed})`,
	},
} as const satisfies Record<string, NamedQuery>;

export const historyWindowMs = 30 * 60_000;

/** Range-query step (whole seconds) so a 30-minute window gives about `points` samples; never below 1 s. */
export function historyStepSeconds(points: number): number {
	const wanted = Math.max(1, Math.floor(points));
	return Math.max(1, Math.ceil(historyWindowMs / 1000 / wanted));
}
