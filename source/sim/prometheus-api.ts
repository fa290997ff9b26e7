// A minimal Prometheus HTTP query API over the simulator, so the demo shows budgets without a real
// Prometheus: GET/POST /api/v1/query and /api/v1/query_range, GET /api/v1/targets (and /-/ready), answering the PromQL subset of
// prometheus-api-eval.ts over the scrape targets' current samples.
//
// Each target is what a real Prometheus would scrape: samples get `job` and `instance` labels, `up` is 1
// or 0, and a target that is down has no other series (Prometheus marks them stale). There is no TSDB:
// the handler keeps a snapshot of all samples at most every `snapshotEveryMs` (10 s) when asked, for 35
// minutes, and a range query evaluates each step against the newest snapshot at or before it (5-minute
// lookback, like Prometheus); the newest step uses the live samples. So the 30-minute sparkline fills in
// as the demo runs.
//
// Paths are matched by their end (…/api/v1/query, …/-/ready), so the API can live under any prefix. On a
// cluster server it must not be at /api/v1 itself, which is the kube API. Prometheus runs on m1, so:
//   const api = createPrometheusApiHandler(homelabPrometheusSource(sim));
//   sim.clusters[0].server.route('/prometheus', (req, res) => { if (!api(req, res)) res.writeHead(404).end(); });
//   labwatch config: prometheus.url = `${sim.clusters[0].url}/prometheus`, prometheus.jobs {m1: 'm1', m2: 'm2'},
//   hosts.<h>.nodeExporter = {label: 'host', value: '<h>'} (see metrics.ts).
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {SimMetricsModel} from './metrics.js';
import {simMetricSamples} from './metrics.js';
import {evaluateSimPromql, parseSimPromql, SimPromqlError, type SimSeries, type SimValue} from './prometheus-api-eval.js';

export interface SimPromTarget {
	job: string;
	instance: string;
	up(): boolean;
	samples(): Array<{name: string; labels: Record<string, string>; value: number}>;
}

export interface PrometheusApiSource {
	targets(): SimPromTarget[];
}

export interface PrometheusApiOptions {
	now?: () => number;
	snapshotEveryMs?: number;
	/**
	 * Invent this much host-memory history before the first query (a gentle wave around today's values),
	 * so a fresh demo's 30-minute sparkline has a shape at once. Only node_memory_* series: cheap at any size.
	 */
	backfillMs?: number;
}

const lookbackMs = 5 * 60_000;
const keepMs = 35 * 60_000;
const maxPoints = 11_000;

/** What the homelab sim offers (SimClusterHandle and HomelabSim fit this). */
export interface SimClusterLike {
	name: string;
	host: string;
	url: string;
	model: SimMetricsModel;
}

/**
 * One target per cluster: job = cluster name, instance = its server's host:port. Prometheus sits on the
 * first cluster's host; while the sim is partitioned, targets on other hosts are down.
 */
export function homelabPrometheusSource(sim: {clusters: SimClusterLike[]; isPartitioned?: () => boolean}): PrometheusApiSource {
	const viewerHost = sim.clusters[0]?.host;
	const targets = sim.clusters.map(
		(cluster): SimPromTarget => ({
			job: cluster.name,
			instance: cluster.url.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, ''),
			up: () => !(sim.isPartitioned?.() ?? false) || cluster.host === viewerHost,
			samples: () => simMetricSamples(cluster.model),
		}),
	);
	return {targets: () => targets};
}

function formatValue(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return '+Inf';
	if (value === -Infinity) return '-Inf';
	return String(value);
}

/** Unix seconds (float) or RFC 3339, as Prometheus accepts; ms since epoch out. */
function parseTime(text: string | null, fallbackMs: number): number {
	if (text === null || text === '') return fallbackMs;
	const seconds = Number(text);
	if (Number.isFinite(seconds)) return seconds * 1000;
	const parsed = Date.parse(text);
	if (Number.isFinite(parsed)) return parsed;
	throw new SimPromqlError(`cannot parse ${JSON.stringify(text)} to a valid timestamp`);
}

const durationUnits: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000};

function parseStepMs(text: string | null): number {
	if (text === null || text === '') throw new SimPromqlError('invalid parameter "step": missing');
	const seconds = Number(text);
	if (Number.isFinite(seconds)) return seconds * 1000;
	let totalMs = 0;
	const pattern = /(\d+)(ms|s|m|h|d|w|y)/gy;
	let consumed = 0;
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
		totalMs += Number(match[1]) * (durationUnits[match[2]!] ?? 0);
		consumed = pattern.lastIndex;
	}
	if (consumed !== text.length || totalMs === 0) throw new SimPromqlError(`invalid parameter "step": cannot parse ${JSON.stringify(text)}`);
	return totalMs;
}

function send(res: ServerResponse, status: number, body: object): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)});
	res.end(text);
}

function badData(res: ServerResponse, error: string): void {
	send(res, 400, {status: 'error', errorType: 'bad_data', error});
}

/** GET /api/v1/targets as Prometheus answers it (the fields labwatch init reads, and a few more). */
function activeTargets(source: PrometheusApiSource): object[] {
	return source.targets().map(target => {
		const up = target.up();
		return {
			discoveredLabels: {__address__: target.instance, __metrics_path__: '/metrics', __scheme__: 'http', job: target.job},
			labels: {instance: target.instance, job: target.job},
			scrapePool: target.job,
			scrapeUrl: `http://${target.instance}/metrics`,
			globalUrl: `http://${target.instance}/metrics`,
			lastError: up ? '' : `Get "http://${target.instance}/metrics": context deadline exceeded`,
			lastScrape: new Date().toISOString(),
			lastScrapeDuration: 0.002,
			health: up ? 'up' : 'down',
			scrapeInterval: '5s',
			scrapeTimeout: '3s',
		};
	});
}

/** Answers the query API; returns false for paths it does not serve (the caller 404s them). */
export function createPrometheusApiHandler(source: PrometheusApiSource, options: PrometheusApiOptions = {}): (req: IncomingMessage, res: ServerResponse) => boolean {
	const now = options.now ?? Date.now;
	const snapshotEveryMs = options.snapshotEveryMs ?? 10_000;
	const snapshots: Array<{atMs: number; samples: SimSeries[]}> = [];

	const liveSamples = (): SimSeries[] => {
		const samples: SimSeries[] = [];
		for (const target of source.targets()) {
			const up = target.up();
			samples.push({labels: {__name__: 'up', job: target.job, instance: target.instance}, value: up ? 1 : 0});
			if (!up) continue;
			for (const sample of target.samples()) {
				samples.push({labels: {...sample.labels, __name__: sample.name, job: target.job, instance: target.instance}, value: sample.value});
			}
		}
		return samples;
	};

	const backfill = (nowMs: number, samples: SimSeries[]): void => {
		const hostSeries = samples.filter(series => series.labels.__name__?.startsWith('node_memory_') || series.labels.__name__ === 'up');
		// Each host breathes at its own pace: the wave's phase and period come from its labels.
		const offsetOf = (labels: Record<string, string>) => [...JSON.stringify(labels)].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 1000, 7);
		for (let atMs = nowMs - (options.backfillMs ?? 0); atMs < nowMs - snapshotEveryMs / 2; atMs += snapshotEveryMs) {
			snapshots.push({
				atMs,
				samples: hostSeries.map(series => {
					const name = series.labels.__name__!;
					// Totals stay put; what is free breathes (more free is less used).
					const fixed = name === 'up' || /total_bytes$|MemTotal/.test(name);
					if (fixed) return series;
					const offset = offsetOf({host: series.labels.host ?? '', job: series.labels.job ?? ''});
					const phase = ((nowMs - atMs) / ((10 + (offset % 7)) * 60_000)) * 2 * Math.PI + offset;
					const wave = 1 + 0.06 * Math.sin(phase) + 0.01 * Math.sin(phase * 5.3);
					return {labels: series.labels, value: Math.round(series.value * wave)};
				}),
			});
		}
	};

	/** Live samples for this request, recorded as a snapshot when the last one is old enough. */
	const current = (nowMs: number): SimSeries[] => {
		const samples = liveSamples();
		if (snapshots.length === 0 && options.backfillMs) backfill(nowMs, samples);
		const last = snapshots.at(-1);
		if (!last || nowMs - last.atMs >= snapshotEveryMs) {
			snapshots.push({atMs: nowMs, samples});
			while (snapshots.length && snapshots[0]!.atMs < nowMs - keepMs) snapshots.shift();
		}
		return samples;
	};

	const samplesAt = (atMs: number, nowMs: number, live: () => SimSeries[]): SimSeries[] => {
		if (atMs >= nowMs - snapshotEveryMs / 2) return live();
		for (let index = snapshots.length - 1; index >= 0; index--) {
			const snapshot = snapshots[index]!;
			if (snapshot.atMs <= atMs) return snapshot.atMs > atMs - lookbackMs ? snapshot.samples : [];
		}
		return [];
	};

	const answer = (path: string, params: URLSearchParams, res: ServerResponse): void => {
		const query = params.get('query');
		if (!query) return badData(res, 'invalid parameter "query": missing');
		try {
			const expr = parseSimPromql(query);
			const nowMs = now();
			let liveCache: SimSeries[] | undefined;
			const live = () => (liveCache ??= current(nowMs));
			if (path === '/api/v1/query') {
				const atMs = parseTime(params.get('time'), nowMs);
				const value: SimValue = evaluateSimPromql(expr, samplesAt(atMs, nowMs, live));
				const atS = atMs / 1000;
				const data =
					value.kind === 'scalar'
						? {resultType: 'scalar', result: [atS, formatValue(value.value)]}
						: {resultType: 'vector', result: value.series.map(series => ({metric: series.labels, value: [atS, formatValue(series.value)]}))};
				return send(res, 200, {status: 'success', data});
			}
			const startMs = parseTime(params.get('start'), Number.NaN);
			const endMs = parseTime(params.get('end'), Number.NaN);
			const stepMs = parseStepMs(params.get('step'));
			if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return badData(res, 'invalid parameter "start"/"end": missing');
			if (endMs < startMs) return badData(res, 'end timestamp must not be before start time');
			if (stepMs <= 0) return badData(res, 'zero or negative query resolution step widths are not accepted. Try a positive integer');
			if ((endMs - startMs) / stepMs > maxPoints) {
				return badData(res, 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
			}
			live();
			const bySignature = new Map<string, {metric: Record<string, string>; values: Array<[number, string]>}>();
			for (let atMs = startMs; atMs <= endMs; atMs += stepMs) {
				const value = evaluateSimPromql(expr, samplesAt(atMs, nowMs, live));
				const series = value.kind === 'scalar' ? [{labels: {}, value: value.value}] : value.series;
				for (const item of series) {
					const key = JSON.stringify(Object.entries(item.labels).sort());
					let entry = bySignature.get(key);
					if (!entry) {
						entry = {metric: item.labels, values: []};
						bySignature.set(key, entry);
					}
					entry.values.push([atMs / 1000, formatValue(item.value)]);
				}
			}
			return send(res, 200, {status: 'success', data: {resultType: 'matrix', result: [...bySignature.values()]}});
		} catch (error) {
			if (error instanceof SimPromqlError) return badData(res, error.message);
			return send(res, 500, {status: 'error', errorType: 'internal', error: (error as Error).message});
		}
	};

	return (req, res) => {
		const url = new URL(req.url ?? '/', 'http://sim');
		const pathname = url.pathname.replace(/\/+$/, '');
		if (pathname.endsWith('/-/ready') || pathname.endsWith('/-/healthy')) {
			res.writeHead(200, {'content-type': 'text/plain'}).end('Prometheus Server is Ready.\n');
			return true;
		}
		if (pathname.endsWith('/api/v1/targets')) {
			if (req.method !== 'GET') {
				res.writeHead(405, {allow: 'GET'}).end();
				return true;
			}
			send(res, 200, {status: 'success', data: {activeTargets: activeTargets(source), droppedTargets: []}});
			return true;
		}
		const path = pathname.endsWith('/api/v1/query') ? '/api/v1/query' : pathname.endsWith('/api/v1/query_range') ? '/api/v1/query_range' : undefined;
		if (!path) return false;
		if (req.method === 'POST') {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
				for (const [key, value] of url.searchParams) if (!params.has(key)) params.set(key, value);
				answer(path, params, res);
			});
			return true;
		}
		if (req.method !== 'GET') {
			res.writeHead(405, {allow: 'GET, POST'}).end();
			return true;
		}
		answer(path, url.searchParams, res);
		return true;
	};
}
