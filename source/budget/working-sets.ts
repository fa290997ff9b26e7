// Which cluster a working-set series belongs to. Prometheus does not know labwatch's cluster names, so:
// its `cluster` label when that names a configured cluster, else its `job` (prometheus.jobs maps a cluster
// to its scrape job; a job named like the cluster also counts), else the one cluster that has a pod of that
// namespace/name. A series that fits none of these, or several clusters, is left out rather than guessed.
import type {Config} from '../config/schema.js';
import type {ClusterSnapshot} from '../store/types.js';
import type {PromSample} from '../prom/types.js';

export function podKey(namespace: string, name: string): string {
	return `${namespace}/${name}`;
}

/** Working-set bytes per cluster, then per "namespace/pod". */
export function workingSetsByCluster(
	config: Config,
	clusters: ClusterSnapshot[],
	samples: PromSample[],
): Map<string, Map<string, number>> {
	const jobToCluster = new Map<string, string>();
	for (const name of Object.keys(config.clusters)) jobToCluster.set(name, name);
	for (const [cluster, job] of Object.entries(config.prometheus?.jobs ?? {})) jobToCluster.set(job, cluster);

	const podOwners = new Map<string, string[]>();
	for (const cluster of clusters) {
		for (const pod of cluster.pods) {
			const key = podKey(pod.namespace, pod.name);
			podOwners.set(key, [...(podOwners.get(key) ?? []), cluster.name]);
		}
	}

	const result = new Map<string, Map<string, number>>();
	for (const sample of samples) {
		const {namespace, pod, cluster: clusterLabel, job} = sample.labels;
		// A negative or non-finite working set is no measurement.
		if (!namespace || !pod || !Number.isFinite(sample.value) || sample.value < 0) continue;
		const key = podKey(namespace, pod);
		const owners = podOwners.get(key) ?? [];
		const cluster =
			(clusterLabel && config.clusters[clusterLabel] ? clusterLabel : undefined) ??
			(job ? jobToCluster.get(job) : undefined) ??
			(owners.length === 1 ? owners[0] : undefined);
		if (!cluster) continue;
		let pods = result.get(cluster);
		if (!pods) {
			pods = new Map();
			result.set(cluster, pods);
		}
		// Two series of one pod in one cluster (scraped by two jobs, say) are one measurement twice: keep the larger.
		pods.set(key, Math.max(pods.get(key) ?? 0, sample.value));
	}
	return result;
}
