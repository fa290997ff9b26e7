// The budget source: owns the Prometheus poller, recomputes budgets from the latest poll and the current
// cluster snapshots, and reports {hosts, prometheus} whenever that result changes.
import type {Config} from '../config/schema.js';
import type {PromClient} from '../prom/client.js';
import {PromPoller} from '../prom/poller.js';
import type {PromData} from '../prom/types.js';
import type {ClusterSnapshot} from '../store/types.js';
import {computeBudgets} from './compute.js';
import {prometheusStatus} from './status.js';
import type {BudgetUpdate} from './types.js';

export interface BudgetSourceOptions {
	config: Config;
	/** The current cluster snapshots (the store's); called on every recompute. */
	clusters: () => ClusterSnapshot[];
	onChange: (update: BudgetUpdate) => void;
	now?: () => number;
	/** Sparkline width in samples (default 60). */
	historyPoints?: number;
	/** Without Prometheus, how often requests and limits are recomputed (default 5 s). */
	recomputeMs?: number;
	/** Tests inject a client; default: one built from config.prometheus. */
	client?: PromClient;
}

export class BudgetSource {
	readonly #options: BudgetSourceOptions;
	readonly #now: () => number;
	readonly #poller: PromPoller | undefined;
	#timer: NodeJS.Timeout | undefined;
	#promData: PromData | undefined;
	#lastSuccessMs: number | undefined;
	#current: BudgetUpdate | undefined;
	#currentJson = '';

	constructor(options: BudgetSourceOptions) {
		this.#options = options;
		this.#now = options.now ?? Date.now;
		const prometheus = options.config.prometheus;
		if (prometheus) {
			this.#poller = new PromPoller({
				config: prometheus,
				now: this.#now,
				onData: data => this.#accept(data),
				...(options.historyPoints !== undefined ? {historyPoints: options.historyPoints} : {}),
				...(options.client ? {client: options.client} : {}),
			});
		}
	}

	start(): void {
		this.refresh();
		if (this.#poller) {
			this.#poller.start();
		} else if (!this.#timer) {
			this.#timer = setInterval(() => this.refresh(), this.#options.recomputeMs ?? 5000);
		}
	}

	stop(): void {
		this.#poller?.stop();
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = undefined;
	}

	/** Recompute now from the last poll (call when the clusters change); reports only if the result changed. */
	refresh(): BudgetUpdate {
		const nowMs = this.#now();
		const hosts = computeBudgets(this.#options.config, this.#options.clusters(), this.#promData, nowMs);
		const prometheus = prometheusStatus(this.#options.config, this.#promData, hosts, this.#lastSuccessMs);
		const update: BudgetUpdate = {hosts, prometheus};
		const json = JSON.stringify(update);
		if (json !== this.#currentJson) {
			this.#current = update;
			this.#currentJson = json;
			this.#options.onChange(update);
		}
		return this.#current ?? update;
	}

	/** Poll Prometheus once now (tests, a refresh key), then recompute. */
	async pollNow(): Promise<BudgetUpdate> {
		if (this.#poller) this.#accept(await this.#poller.pollOnce());
		return this.refresh();
	}

	current(): BudgetUpdate | undefined {
		return this.#current;
	}

	setHistoryPoints(points: number): void {
		this.#poller?.setHistoryPoints(points);
	}

	#accept(data: PromData): void {
		this.#promData = data;
		if (data.reachable) this.#lastSuccessMs = data.atMs;
		this.refresh();
	}
}
