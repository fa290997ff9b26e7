// Runs every configured probe on its own interval and hands the window's summary to a listener (the
// store). A run never overlaps the previous one of the same probe: the next is scheduled after it ends.
import type {ProbeTargetConfig} from '../config/schema.js';
import {runProbeOnce, type RunOptions} from './run-once.js';
import type {ProbeResult, ProbeStatus} from './types.js';
import {ProbeWindow} from './window.js';
import type {KubectlTarget} from './from-cluster.js';

export interface ProbeRunnerOptions {
	probes: ProbeTargetConfig[];
	onChange: (statuses: ProbeStatus[]) => void;
	/** Tests pass their own; default: runProbeOnce. */
	run?: (probe: ProbeTargetConfig, options?: RunOptions) => Promise<ProbeResult>;
	windowSize?: number;
	/** For probes with from: the cluster's kubeconfig context (see kubectlTargets). */
	kubectl?: (cluster: string) => KubectlTarget | undefined;
}

export class ProbeRunner {
	private readonly windows: ProbeWindow[];
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly run: NonNullable<ProbeRunnerOptions['run']>;
	private stopped = true;

	constructor(private readonly options: ProbeRunnerOptions) {
		this.windows = options.probes.map(probe => new ProbeWindow(probe, options.windowSize));
		this.run = options.run ?? ((probe, runOptions) => runProbeOnce(probe, {...runOptions, kubectl: options.kubectl}));
	}

	start(): void {
		if (!this.stopped) return;
		this.stopped = false;
		for (const window of this.windows) void this.loop(window);
	}

	stop(): void {
		this.stopped = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	statuses(): ProbeStatus[] {
		return this.windows.map(window => window.status());
	}

	/** Every probe once, concurrently, each bounded by `timeoutMs` at most (`check`'s one look). */
	async runAllOnce(timeoutMs?: number): Promise<ProbeStatus[]> {
		await Promise.all(this.windows.map(async window => window.add(await this.run(window.probe, {timeoutMs}))));
		const statuses = this.statuses();
		this.options.onChange(statuses);
		return statuses;
	}

	private async loop(window: ProbeWindow): Promise<void> {
		if (this.stopped) return;
		const result = await this.run(window.probe);
		if (this.stopped) return;
		window.add(result);
		this.options.onChange(this.statuses());
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			void this.loop(window);
		}, window.probe.interval);
		this.timers.add(timer);
	}
}
