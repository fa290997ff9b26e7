// Load for benchmarks: `churnPerSecond` MODIFIED pod events, spread round-robin over the pods (filler
// pods when there are any). Each churned pod carries `labwatch.sim/stamp: <ms epoch>` of the change,
// so a benchmark can measure event-to-screen latency. O(1) work per event besides the object clone.
import type {ClusterModel} from './cluster-model.js';

export const stampAnnotation = 'labwatch.sim/stamp';

export class SimChurn {
	private timer?: NodeJS.Timeout;
	private budget = 0;
	private lastMs = 0;
	private index = 0;
	private keys: string[];

	constructor(
		private readonly model: ClusterModel,
		private readonly perSecond: number,
		private readonly fillerKeys: string[],
		private readonly tickMs = 10,
	) {
		this.keys = fillerKeys;
	}

	start(): void {
		if (this.perSecond <= 0) return;
		this.lastMs = Date.now();
		this.timer = setInterval(() => this.tick(), this.tickMs);
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}

	private tick(): void {
		const nowMs = Date.now();
		this.budget = Math.min(this.budget + (this.perSecond * (nowMs - this.lastMs)) / 1000, this.perSecond);
		this.lastMs = nowMs;
		while (this.budget >= 1) {
			this.budget--;
			this.churnOne();
		}
	}

	private churnOne(): void {
		for (let attempt = 0; attempt < 3; attempt++) {
			if (this.index >= this.keys.length) {
				this.index = 0;
				// Without filler, walk a fresh snapshot of whatever pods exist now.
				if (this.fillerKeys.length === 0) this.keys = [...this.model.sortedKeys('pods')];
				if (this.keys.length === 0) return;
			}
			const key = this.keys[this.index++]!;
			const slash = key.indexOf('/');
			const stampMs = Date.now();
			const done = this.model.update('pods', key.slice(0, slash), key.slice(slash + 1), pod => {
				pod.metadata.annotations = {...pod.metadata.annotations, [stampAnnotation]: String(stampMs)};
			});
			if (done) return;
		}
	}
}
