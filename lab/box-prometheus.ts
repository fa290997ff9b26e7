// Prometheus and node_exporter for the lab in a box: Debian's real binaries, one exporter per cluster
// namespace (job named like the cluster, as labwatch's prometheus.jobs default expects), Prometheus in the
// first cluster's namespace scraping them across the veth pair, plus each apiserver's /metrics with the
// cluster's admin client certificate. A cut at m1 drops the scrapes of m2's targets: job m2 goes down.
import {join} from 'node:path';
import {stringify} from 'yaml';
import type {LabNamespace} from './netns.js';

export const prometheusBinary = '/usr/bin/prometheus';
export const nodeExporterBinary = '/usr/bin/prometheus-node-exporter';
export const nodeExporterPort = 9100;
export const prometheusPort = 9090;

export interface ScrapedCluster extends LabNamespace {
	/** The cluster's state directory (pki/ holds ca.crt, admin.crt, admin.key). */
	dir: string;
	/** The apiserver's port on the namespace's address. */
	apiserverPort: number;
}

const apiserverKeep = 'process_(resident_memory_bytes|cpu_seconds_total|start_time_seconds)|go_memstats_heap_inuse_bytes|apiserver_(storage|resource)_objects|apiserver_current_inflight_requests';

/** prometheus.yml: 1 s scrapes of the exporters so a cut shows within seconds; apiservers every 10 s. */
export function prometheusConfig(clusters: ScrapedCluster[]): string {
	const exporterJobs = clusters.map(cluster => ({
		job_name: cluster.cluster,
		static_configs: [{targets: [`${cluster.address}:${nodeExporterPort}`]}],
	}));
	const apiserverJobs = clusters.map(cluster => ({
		job_name: `apiserver-${cluster.cluster}`,
		scrape_interval: '10s',
		scrape_timeout: '5s',
		scheme: 'https',
		tls_config: {
			ca_file: join(cluster.dir, 'pki', 'ca.crt'),
			cert_file: join(cluster.dir, 'pki', 'admin.crt'),
			key_file: join(cluster.dir, 'pki', 'admin.key'),
		},
		static_configs: [{targets: [`${cluster.address}:${cluster.apiserverPort}`]}],
		// An apiserver exposes ~10,000 series; labwatch reads none of them (only `up`), and storing them
		// all grew this Prometheus from 40 to 240 MiB in two minutes. Kept: its memory and object counts.
		metric_relabel_configs: [{source_labels: ['__name__'], regex: apiserverKeep, action: 'keep'}],
	}));
	return stringify({
		global: {scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s'},
		scrape_configs: [...exporterJobs, ...apiserverJobs],
	});
}

export function prometheusArgs(configPath: string, dataDir: string, address: string): string[] {
	return [
		`--config.file=${configPath}`,
		`--storage.tsdb.path=${dataDir}`,
		'--storage.tsdb.retention.time=2h',
		`--web.listen-address=${address}:${prometheusPort}`,
		'--log.level=warn',
	];
}

/** Only the collectors the lab needs: memory for the budgets, and a few cheap ones (2-core CI machines). */
export function nodeExporterArgs(address: string): string[] {
	return [
		`--web.listen-address=${address}:${nodeExporterPort}`,
		'--collector.disable-defaults',
		'--collector.meminfo',
		'--collector.loadavg',
		'--collector.netdev',
		'--collector.uname',
	];
}
