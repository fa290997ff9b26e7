// The homelab's background life, on one timer per cluster: container restarts (some OOMKilled, some into
// CrashLoopBackOff and back), CI runner Job pods created -> running -> completed -> deleted, and pods'
// memory working set drifting (model only, for metrics; never a watch event).
import type {ClusterModel} from './cluster-model.js';
import {createWorkloadPod, type ClusterSpec, type SeedResult} from './homelab-seed.js';
import {completePod, podIsCrashLooping, podIsRunningAndReady, restartContainer, startContainer} from './pod-factory.js';

export interface LifeOptions {
	tickMs?: number;
	/** Chance per tick that some pod's container dies (default 1/30). */
	restartChance?: number;
	/** Chance per tick that a CI job starts, below `maxCiRunners` (default 1/12). */
	ciChance?: number;
	maxCiRunners?: number;
	/** Multiplies every life delay (CrashLoopBackOff recovery, job run and cleanup); tests use 0.01. */
	timeScale?: number;
}

interface Scheduled {
	atMs: number;
	run: () => void;
}

export class SimLife {
	private timer?: NodeJS.Timeout;
	private scheduled: Scheduled[] = [];
	private readonly tickMs: number;
	private readonly restartChance: number;
	private readonly ciChance: number;
	private readonly maxCiRunners: number;
	private readonly scale: number;
	private readonly ciRunners = new Set<string>();
	/** Bursty workloads aim high for a while, then low. */
	private readonly targets = new Map<string, number>();

	constructor(
		private readonly model: ClusterModel,
		private readonly spec: ClusterSpec,
		private readonly seed: SeedResult,
		options: LifeOptions = {},
	) {
		this.tickMs = options.tickMs ?? 1000;
		this.restartChance = options.restartChance ?? 1 / 30;
		this.ciChance = options.ciChance ?? 1 / 12;
		this.maxCiRunners = options.maxCiRunners ?? 2;
		this.scale = options.timeScale ?? 1;
	}

	start(): void {
		const nowMs = Date.now();
		// Jobs seeded as running finish like any other.
		if (this.spec.ciNamespace) {
			for (const pod of this.model.pods()) {
				if (pod.namespace !== this.spec.ciNamespace || !pod.labels['job-name']) continue;
				this.ciRunners.add(pod.name);
				this.finishJob(pod.name, nowMs + this.scale * (10_000 + this.seed.random.int(20_000)));
			}
		}
		this.timer = setInterval(() => this.tick(Date.now()), this.tickMs);
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
		this.scheduled = [];
	}

	tick(nowMs: number): void {
		const due = this.scheduled.filter(item => item.atMs <= nowMs);
		if (due.length > 0) {
			this.scheduled = this.scheduled.filter(item => item.atMs > nowMs);
			for (const item of due) item.run();
		}
		this.drift();
		const random = this.seed.random;
		if (random.chance(this.restartChance)) this.restartSomePod(nowMs);
		if (this.spec.ciNamespace && this.ciRunners.size < this.maxCiRunners && random.chance(this.ciChance)) this.startJob(nowMs);
	}

	private at(atMs: number, run: () => void): void {
		this.scheduled.push({atMs, run});
	}

	private drift(): void {
		const random = this.seed.random;
		for (const key of this.model.workingSetKeys()) {
			const slash = key.indexOf('/');
			const entry = this.model.entry('pods', key.slice(0, slash), key.slice(slash + 1));
			if (!entry) continue;
			const view = this.model.podView(entry.object);
			const limit = view.memoryLimitBytes || view.memoryRequestBytes || 64 * 2 ** 20;
			let target = this.targets.get(key) ?? 0.7;
			if (view.labels.app === 'ml-inference' && random.chance(0.05)) target = target > 0.6 ? 0.35 : 0.9;
			this.targets.set(key, target);
			const current = this.model.workingSetByKey(key) ?? limit * target;
			const next = current + (limit * target - current) * 0.05 + limit * 0.015 * (2 * random.next() - 1);
			this.model.setWorkingSetByKey(key, Math.min(limit * 0.98, Math.max(limit * 0.1, next)));
		}
	}

	private restartSomePod(nowMs: number): void {
		const random = this.seed.random;
		const candidates = this.model.workingSetKeys().filter(key => {
			const [namespace, name] = key.split('/') as [string, string];
			const pod = this.model.get('pods', namespace, name);
			return pod !== undefined && !pod.metadata.labels?.['job-name'] && podIsRunningAndReady(pod);
		});
		if (candidates.length === 0) return;
		const key = random.pick(candidates);
		const [namespace, name] = key.split('/') as [string, string];
		const oomKilled = random.chance(0.3);
		const crashLoop = random.chance(0.3);
		this.model.update('pods', namespace, name, pod => restartContainer(pod, {oomKilled, crashLoop, nowMs}));
		const limit = this.model.get('pods', namespace, name);
		if (limit) {
			const view = this.model.podView(limit);
			this.model.setWorkingSet(namespace, name, (view.memoryLimitBytes || view.memoryRequestBytes) * 0.4);
		}
		if (crashLoop) {
			this.at(nowMs + this.scale * (10_000 + random.int(15_000)), () => {
				const pod = this.model.get('pods', namespace, name);
				if (pod && podIsCrashLooping(pod)) this.model.update('pods', namespace, name, object => startContainer(object, Date.now()));
			});
		}
	}

	private startJob(nowMs: number): void {
		const workload = this.spec.workloads.find(item => item.kind === 'Job');
		if (!workload) return;
		const node = this.seed.random.pick(workload.nodes);
		const pod = createWorkloadPod(this.model, this.spec, this.seed, workload, 0, node, '', nowMs, true);
		const name = pod.metadata.name;
		this.ciRunners.add(name);
		this.at(nowMs + this.scale * 2000, () => this.model.update('pods', workload.namespace, name, object => startContainer(object, Date.now())));
		this.finishJob(name, nowMs + this.scale * (20_000 + this.seed.random.int(25_000)));
	}

	private finishJob(name: string, atMs: number): void {
		const namespace = this.spec.ciNamespace!;
		this.at(atMs, () => {
			this.model.update('pods', namespace, name, object => completePod(object, Date.now()));
			// A finished pod holds no memory; the Job controller removes it a little later.
			this.model.setWorkingSet(namespace, name, 0);
			this.at(atMs + this.scale * 10_000, () => {
				this.model.remove('pods', namespace, name);
				this.ciRunners.delete(name);
			});
		});
	}
}
