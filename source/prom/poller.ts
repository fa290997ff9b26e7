// Asks Prometheus the catalogue's queries every `prometheus.interval`. Polls never overlap: the next one is
// scheduled when the previous one has finished, so a slow Prometheus is asked less often, not more.
import type {PrometheusConfig} from '../config/schema.js';
import {historyPoints} from '../budget/types.js';
import {createDriver, type DriverHandle} from './client.js';
import {historyStepSeconds, historyWindowMs, queries} from './catalogue.js';
import {promErrorReason} from './errors.js';
import type {PromData, PromSample, PromSeries} from './types.js';

export interface PromPollerOptions {
	config: PrometheusConfig;
	onData: (data: PromData) => void;
	/** Sparkline width in samples; the range query's step follows it. */
	historyPoints?: number;
	now?: () => number;
	/** Tests pass a driver of their own; default: createDriver(config). */
	driver?: DriverHandle;
}

type RawLabels = {name?: string; labels?: object};

function labelsOf(metric: RawLabels | undefined): Record<string, string> {
	const labels: Record<string, string> = {};
	for (const [key, value] of Object.entries(metric?.labels ?? {})) labels[key] = String(value);
	if (metric?.name) labels.__name__ = metric.name;
	return labels;
}

function vector(result: {resultType: string; result: unknown[]}): PromSample[] {
	if (result.resultType !== 'vector') return [];
	return (result.result as Array<{metric?: RawLabels; value?: {value?: number}}>).map(item => ({
		labels: labelsOf(item.metric),
		value: Number(item.value?.value),
	}));
}

function matrix(result: {resultType: string; result: unknown[]}): PromSeries[] {
	if (result.resultType !== 'matrix') return [];
	return (result.result as Array<{metric?: RawLabels; values?: Array<{time: Date; value: number}>}>).map(item => ({
		labels: labelsOf(item.metric),
		points: (item.values ?? []).map(point => ({atMs: point.time.getTime(), value: Number(point.value)})),
	}));
}

export class PromPoller {
	readonly #config: PrometheusConfig;
	readonly #onData: (data: PromData) => void;
	readonly #now: () => number;
	readonly #handle: DriverHandle;
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
		this.#handle = options.driver ?? createDriver(options.config);
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
		this.#handle.abortAll();
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
					if (this.#running) this.#schedule(Math.max(0, this.#config.interval - (this.#now() - startedMs)));
				}
			});
		}, delayMs);
	}

	async #poll(): Promise<PromData> {
		const atMs = this.#now();
		const {driver} = this.#handle;
		const evalTimeout = `${Math.max(1, Math.ceil(this.#config.timeout / 1000))}s`;
		const instant = (promql: string) => driver.instantQuery(promql, atMs, evalTimeout);
		const stepS = historyStepSeconds(this.#historyPoints);
		// The sparkline moves one step at a time: ask again only when a new step has begun.
		const wantHistory = stepS !== this.#historyStepS || atMs - this.#historyAtMs >= stepS * 1000;
		const [hostMemory, workingSets, up, history] = await Promise.allSettled([
			instant(queries.hostMemory.promql),
			instant(queries.workingSets.promql),
			instant(queries.up.promql),
			wantHistory
				? driver.rangeQuery(queries.hostUsedBytes.promql, atMs - historyWindowMs, atMs, stepS, evalTimeout)
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
