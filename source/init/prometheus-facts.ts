// Looks for Prometheus at the candidate URLs (first that answers wins): its scrape jobs from
// /api/v1/targets, so prometheus.jobs can be filled, and the hosts' node_exporter memory totals, so a
// host's memory and its exporter can be proposed. Everything read here is untrusted server text.
import {darwinMemoryMetrics, linuxMemoryMetrics} from '../prom/catalogue.js';

export interface PromTargetFact {
	job: string;
	instance: string;
	up: boolean;
}

export interface NodeMemoryFact {
	dialect: 'darwin' | 'linux';
	totalBytes: number;
	labels: Record<string, string>;
}

export type PrometheusFacts =
	| {state: 'found'; url: string; targets: PromTargetFact[]; nodeMemory: NodeMemoryFact[]; tried: string[]}
	| {state: 'none'; tried: Array<{url: string; reason: string}>};

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
	const response = await fetch(url, {signal: AbortSignal.timeout(timeoutMs), headers: {accept: 'application/json'}});
	const text = await response.text();
	if (!response.ok) throw new Error(`HTTP ${response.status}`);
	try {
		return JSON.parse(text);
	} catch {
		throw new Error('answer is not JSON (not a Prometheus API)');
	}
}

function why(error: unknown): string {
	const cause = (error as {cause?: {code?: string}}).cause?.code;
	if (cause === 'ECONNREFUSED') return 'connection refused';
	if ((error as Error).name === 'TimeoutError') return 'timeout';
	return cause ?? (error as Error).message;
}

const labelsOf = (value: unknown): Record<string, string> =>
	Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).filter(([, item]) => typeof item === 'string')) as Record<string, string>;

export function targetFacts(body: unknown): PromTargetFact[] | undefined {
	const data = (body as {status?: unknown; data?: {activeTargets?: unknown}})?.data;
	if ((body as {status?: unknown})?.status !== 'success' || !Array.isArray(data?.activeTargets)) return undefined;
	return data.activeTargets
		.map(item => {
			const labels = labelsOf((item as {labels?: unknown}).labels);
			const scrapePool = (item as {scrapePool?: unknown}).scrapePool;
			return {job: labels.job ?? (typeof scrapePool === 'string' ? scrapePool : ''), instance: labels.instance ?? '', up: (item as {health?: unknown}).health === 'up'};
		})
		.filter(target => target.job.length > 0);
}

export function nodeMemoryFacts(body: unknown): NodeMemoryFact[] {
	const result = (body as {data?: {result?: unknown}})?.data?.result;
	if (!Array.isArray(result)) return [];
	return result.flatMap(item => {
		const labels = labelsOf((item as {metric?: unknown}).metric);
		const value = Number(((item as {value?: unknown}).value as unknown[] | undefined)?.[1]);
		if (!Number.isFinite(value) || value <= 0) return [];
		const dialect = labels.__name__ === darwinMemoryMetrics.total ? 'darwin' : labels.__name__ === linuxMemoryMetrics.total ? 'linux' : undefined;
		if (!dialect) return [];
		const {__name__: _name, ...rest} = labels;
		return [{dialect, totalBytes: value, labels: rest}];
	});
}

export async function findPrometheus(candidates: string[], timeoutMs: number): Promise<PrometheusFacts> {
	const tried: Array<{url: string; reason: string}> = [];
	// Asked one after another: the usual addresses are few, and the first that answers is the one.
	for (const url of [...new Set(candidates.map(candidate => candidate.replace(/\/+$/, '')))]) {
		try {
			const targets = targetFacts(await getJson(`${url}/api/v1/targets`, timeoutMs));
			if (!targets) {
				tried.push({url, reason: '/api/v1/targets is not a Prometheus answer'});
				continue;
			}
			const query = `{__name__=~"${darwinMemoryMetrics.total}|${linuxMemoryMetrics.total}"}`;
			const nodeMemory = nodeMemoryFacts(await getJson(`${url}/api/v1/query?query=${encodeURIComponent(query)}`, timeoutMs).catch(() => undefined));
			return {state: 'found', url, targets, nodeMemory, tried: tried.map(item => item.url)};
		} catch (error) {
			tried.push({url, reason: why(error)});
		}
	}
	return {state: 'none', tried};
}
