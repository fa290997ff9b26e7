// What the panel says about Prometheus itself: which endpoint, whether it answered, and why data is missing.
import type {Config} from '../config/schema.js';
import {matchesHost} from '../prom/host-memory.js';
import type {PromData, PromSample} from '../prom/types.js';
import type {HostBudget, PrometheusStatus} from './types.js';

/** "target m2 down (job kubelet-m2, instance 10.0.0.2:10250)": named by cluster or host when known. */
function downTargetReason(config: Config, sample: PromSample): string {
	const {job = '?', instance = '?'} = sample.labels;
	const cluster = Object.entries(config.prometheus?.jobs ?? {}).find(([, name]) => name === job)?.[0] ?? (config.clusters[job] ? job : undefined);
	const host = Object.entries(config.hosts).find(([, hostConfig]) => hostConfig.nodeExporter !== undefined && matchesHost(hostConfig, sample.labels))?.[0];
	return `target ${cluster ?? host ?? job} down (job ${job}, instance ${instance})`;
}

export function prometheusStatus(
	config: Config,
	promData: PromData | undefined,
	budgets: HostBudget[],
	lastSuccessMs: number | undefined,
): PrometheusStatus {
	if (!config.prometheus) return {url: '', state: 'unconfigured', reason: 'no prometheus: in the config; budgets use requests', targets: []};
	const base = {url: config.prometheus.url, ...(lastSuccessMs !== undefined ? {lastSuccessMs} : {})};
	if (!promData) return {...base, state: 'partial', reason: 'no answer yet', targets: []};
	if (!promData.reachable) {
		const reason = promData.error ?? 'no answer';
		return {...base, state: 'down', reason, problems: [reason], targets: []};
	}
	const targets = promData.up
		.map(sample => ({job: sample.labels.job ?? '?', instance: sample.labels.instance ?? '?', up: sample.value === 1}))
		.sort((a, b) => a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance));
	const problems = [
		...Object.entries(promData.queryErrors).map(([query, reason]) => `${query}: ${reason}`),
		...promData.up.filter(sample => sample.value !== 1).map(sample => downTargetReason(config, sample)),
		...budgets
			.filter(budget => !budget.actualSource.startsWith('node-exporter') && budget.sourceNote)
			.map(budget => `${budget.host}: ${budget.sourceNote}`),
	];
	return {...base, state: problems.length ? 'partial' : 'ok', ...(problems[0] ? {reason: problems[0], problems} : {}), targets};
}
