// Asks Prometheus the catalogue's queries every `prometheus.interval`. Polls never overlap: the next one is
// scheduled when the previous one has finished, so a slow Prometheus is asked less often, not more.
import type {PrometheusConfig} from '../config/schema.js';
import {historyPoints} from '../budget/types.js';
import {createPromClient, PromRequestError, type PromClient, type PromResult} from './client.js';
import {historyStepSeconds, historyWindowMs, queries} from './catalogue.js';
import {promErrorReason} from './errors.js';
import type {PromData, PromSample, PromSeries} from './types.js';

/** A Retry-After is honoured up to this; a server asking for an hour is not waited on for an hour. */
export const maxRetryAfterMs = 5 * 60_000;

export interface PromPollerOptions {
	config: PrometheusConfig;
	onData: (data: PromData) => void;
	/** Sparkline width in samples; the range query's step follows it. */
	historyPoints?: number;
	now?: () => number;
	/** Tests pass a client of their own; default: createPromClient(config). */
	client?: PromClient;
}

function labelsOf(metric: unknown): Record<string, string> {
	const labels: Record<string, string> = {};
	if (typeof metric !== 'object' || metric === null) return labels;
	for (const [key, value] of Object.entries(metric)) if (typeof value === 'string') labels[key] = value;
	return labels;
}

/** A sample value as Prometheus writes it: [unix seconds, "number"]; undefined when it is not one. */
function samplePoint(value: unknown): {atMs: number; value: number} | undefined {
	if (!Array.isArray(value) || value.length !== 2 || typeof value[1] !== 'string') return undefined;
	const atS = Number(value[0]);
	return Number.isFinite(atS) ? {atMs: atS * 1000, value: Number(value[1])} : undefined;
}

// Whatever shape the answer has, a bad item is skipped, never fatal.
function vector(answer: PromResult): PromSample[] {
	if (answer.resultType !== 'vector' || !Array.isArray(answer.result)) return [];
	const samples: PromSample[] = [];
	for (const item of answer.result as unknown[]) {
		const point = samplePoint((item as {value?: unknown} | null)?.value);
		if (point) samples.push({labels: labelsOf((item as {metric?: unknown}).metric), value: point.value});
	}
	return samples;
}

function matrix(answer: PromResult): PromSeries[] {
	if (answer.resultType !== 'matrix' || !Array.isArray(answer.result)) return [];
	const series: PromSeries[] = [];
	for (const item of answer.result as unknown[]) {
		const values = (item as {values?: unknown} | null)?.values;
		if (!Array.isArray(values)) continue;
		const points = values.map(samplePoint).filter((point): point is {atMs: number; value: number} => point !== undefined);
		series.push({labels: labelsOf((item as {metric?: unknown}).metric), points});
	}
	return series;
}

export class PromPoller {
	readonly #config: PrometheusConfig;
	readonly #onData: (data: PromData) => void;
	readonly #now: () => number;
	readonly #client: PromClient;
	#historyPoints: number;
	#timer: NodeJS.Timeout | undefined;
	#running = false;
	#inFlight: Promise<PromData> | undefined;
	#history: PromSeries[] = [];
	#historyAtMs = 0;
	#historyStepS = 0;

	constructor(options: PromPollerOptions) {
		this.#config = options.config;
		this.#onData = options.onData;
		this.#now = options.now ?? Date.now;
		this.#historyPoints = options.historyPoints ?? historyPoints;
		this.#client = options.client ?? createPromClient(options.config);
	}

	get url(): string {
		return this.#config.url;
	}

	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#schedule(0);
	}

	/** Clears the timer, aborts requests in flight and drops their answers. */
	stop(): void {
		this.#running = false;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#client.abortAll();
	}

	setHistoryPoints(points: number): void {
		if (points !== this.#historyPoints) {
			this.#historyPoints = points;
			this.#historyAtMs = 0;
		}
	}

	/** One poll; when a poll is already running, its result (no second request). */
	pollOnce(): Promise<PromData> {
		this.#inFlight ??= this.#poll().finally(() => {
			this.#inFlight = undefined;
		});
		return this.#inFlight;
	}

	#schedule(delayMs: number): void {
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			const startedMs = this.#now();
			void this.pollOnce().then(data => {
				if (!this.#running) return;
				try {
					this.#onData(data);
				} finally {
					// A throwing listener must not end polling for good.
					if (this.#running) this.#schedule(nextPollDelayMs(this.#config.interval, this.#now() - startedMs, data.retryAfterMs));
				}
			});
		}, delayMs);
	}

	async #poll(): Promise<PromData> {
		const atMs = this.#now();
		const client = this.#client;
		const evalTimeout = `${Math.max(1, Math.ceil(this.#config.timeout / 1000))}s`;
		const instant = (promql: string) => client.instantQuery(promql, atMs, evalTimeout);
		const stepS = historyStepSeconds(this.#historyPoints);
		// The sparkline moves one step at a time: ask again only when a new step has begun.
		const wantHistory = stepS !== this.#historyStepS || atMs - this.#historyAtMs >= stepS * 1000;
		const [hostMemory, workingSets, up, history] = await Promise.allSettled([
			instant(queries.hostMemory.promql),
			instant(queries.workingSets.promql),
			instant(queries.up.promql),
			wantHistory
				? client.rangeQuery(queries.hostUsedBytes.promql, atMs - historyWindowMs, atMs, stepS, evalTimeout)
				: Promise.resolve(undefined),
		]);
		const data: PromData = {
			atMs,
			url: this.#config.url,
			reachable: true,
			queryErrors: {},
			hostMemory: [],
			workingSets: [],
			up: [],
			usedHistory: this.#history,
		};
		const reasons: string[] = [];
		const take = <T>(name: string, outcome: PromiseSettledResult<T>): T | undefined => {
			if (outcome.status === 'fulfilled') return outcome.value;
			const failure = outcome.reason instanceof PromRequestError ? outcome.reason.failure : undefined;
			if (failure?.kind === 'http' && failure.retryAfterMs !== undefined) {
				data.retryAfterMs = Math.max(data.retryAfterMs ?? 0, Math.min(maxRetryAfterMs, failure.retryAfterMs));
			}
			const reason = promErrorReason(outcome.reason, this.#config.timeout);
			data.queryErrors[name] = reason;
			reasons.push(reason);
			return undefined;
		};
		const hostMemoryResult = take(queries.hostMemory.name, hostMemory);
		const workingSetResult = take(queries.workingSets.name, workingSets);
		const upResult = take(queries.up.name, up);
		const historyResult = take(queries.hostUsedBytes.name, history);
		if (hostMemoryResult) data.hostMemory = vector(hostMemoryResult);
		if (workingSetResult) data.workingSets = vector(workingSetResult);
		if (upResult) data.up = vector(upResult);
		if (historyResult) {
			this.#history = matrix(historyResult);
			this.#historyAtMs = atMs;
			this.#historyStepS = stepS;
			data.usedHistory = this.#history;
		}
		// Every instant query failed: Prometheus itself is the problem, not one series.
		if (!hostMemoryResult && !workingSetResult && !upResult) {
			data.reachable = false;
			data.error = reasons[0] ?? 'no answer';
			data.queryErrors = {};
			data.usedHistory = [];
		}
		return data;
	}
}

/** When the next poll starts: one interval after this one started, or later when the server asked to wait. */
export function nextPollDelayMs(intervalMs: number, elapsedMs: number, retryAfterMs?: number): number {
	return Math.max(0, intervalMs - elapsedMs, Math.min(maxRetryAfterMs, retryAfterMs ?? 0));
}
