// What the controllers and the kubelet of a real cluster do in answer to changes, enough for labwatch's
// actions to be seen working: a deleted pod owned by a ReplicaSet, StatefulSet or DaemonSet comes back
// (a new name for a ReplicaSet's, the same name for a StatefulSet's), a Deployment or StatefulSet whose
// pod template gets `kubectl.kubernetes.io/restartedAt` replaces its pods, and Events record it all:
// Scheduled, Pulled, Created, Started, Killing, BackOff. Reacts to the model's changes, so life, tests
// and the HTTP API all get the same behaviour.
import type {ClusterModel, SimEvent} from './cluster-model.js';
import {fillerNamespace, createWorkloadPod, type ClusterSpec, type SeedResult} from './homelab-seed.js';
import {startContainer} from './pod-factory.js';
import type {KubeObject} from './resources.js';
import {SimEventRecorder} from './events.js';

import {restartedAtAnnotation} from '../kube/restart.js';

interface ContainerStatus {
	name: string;
	restartCount?: number;
	state?: {waiting?: {reason?: string}; running?: unknown};
	lastState?: {terminated?: {reason?: string; exitCode?: number}};
}

const statusesOf = (pod: KubeObject) => ((pod.status as {containerStatuses?: ContainerStatus[]} | undefined)?.containerStatuses ?? []);
const ownerOf = (pod: KubeObject) => (pod.metadata.ownerReferences as Array<{kind: string; name: string}> | undefined)?.[0];

export interface ControllerOptions {
	/** Multiplies the delays (replacement appears, container starts); tests use 0.01. */
	timeScale?: number;
}

export class SimController {
	readonly events: SimEventRecorder;
	private readonly unsubscribe: () => void;
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly scale: number;

	constructor(
		private readonly model: ClusterModel,
		private readonly spec: ClusterSpec,
		private readonly seed: SeedResult,
		options: ControllerOptions = {},
	) {
		this.scale = options.timeScale ?? 1;
		this.events = new SimEventRecorder(model);
		this.unsubscribe = model.onChange(event => this.changed(event));
	}

	stop(): void {
		this.unsubscribe();
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	private later(ms: number, run: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms * this.scale);
		this.timers.add(timer);
	}

	private changed(event: SimEvent): void {
		if (event.plural === 'pods') {
			if (event.namespace === fillerNamespace) return;
			if (event.type === 'ADDED') this.podAdded(event.entry.object);
			else if (event.type === 'MODIFIED' && event.prev) this.podModified(event.prev.object, event.entry.object);
			else if (event.type === 'DELETED') this.podDeleted(event.entry.object);
		} else if ((event.plural === 'deployments' || event.plural === 'statefulsets') && event.type === 'MODIFIED' && event.prev) {
			const annotation = (object: KubeObject) => ((object.spec as {template?: {metadata?: {annotations?: Record<string, string>}}} | undefined)?.template?.metadata?.annotations ?? {})[restartedAtAnnotation];
			if (annotation(event.entry.object) !== annotation(event.prev.object)) this.rollOut(event.entry.object);
		}
	}

	private podAdded(pod: KubeObject): void {
		const node = (pod.spec as {nodeName?: string}).nodeName;
		if (node) this.events.record(pod, {type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, component: 'default-scheduler'});
	}

	private podModified(before: KubeObject, after: KubeObject): void {
		const node = (after.spec as {nodeName?: string}).nodeName;
		const image = (after.spec as {containers?: Array<{image?: string}>}).containers?.[0]?.image ?? '';
		const previous = new Map(statusesOf(before).map(status => [status.name, status]));
		for (const status of statusesOf(after)) {
			const old = previous.get(status.name);
			const wasRunning = Boolean(old?.state?.running);
			const restarted = (status.restartCount ?? 0) > (old?.restartCount ?? 0);
			const waiting = status.state?.waiting?.reason;
			if (restarted && status.lastState?.terminated?.reason === 'OOMKilled') {
				this.events.record(after, {type: 'Warning', reason: 'OOMKilled', message: `Container ${status.name} was OOM-killed (exit code 137): memory limit reached`, component: 'kubelet', host: node});
			}
			if (waiting === 'CrashLoopBackOff') {
				this.events.record(after, {type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${status.name} in pod ${after.metadata.name}_${after.metadata.namespace}(${after.metadata.uid})`, component: 'kubelet', host: node});
			} else if (status.state?.running && (restarted || !wasRunning)) {
				this.events.record(after, {type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine`, component: 'kubelet', host: node});
				this.events.record(after, {type: 'Normal', reason: 'Created', message: `Created container ${status.name}`, component: 'kubelet', host: node});
				this.events.record(after, {type: 'Normal', reason: 'Started', message: `Started container ${status.name}`, component: 'kubelet', host: node});
			}
		}
	}

	private podDeleted(pod: KubeObject): void {
		const node = (pod.spec as {nodeName?: string}).nodeName;
		for (const status of statusesOf(pod)) {
			if (status.state?.running) this.events.record(pod, {type: 'Normal', reason: 'Killing', message: `Stopping container ${status.name}`, component: 'kubelet', host: node});
		}
		const owner = ownerOf(pod);
		if (!owner || !node || !['ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(owner.kind)) return;
		const workload = this.spec.workloads.find(item => item.app === pod.metadata.labels?.app && item.namespace === pod.metadata.namespace);
		if (!workload) return;
		const index = Number(/-(\d+)$/.exec(pod.metadata.name)?.[1] ?? 0);
		const hash = pod.metadata.labels?.['pod-template-hash'] ?? '';
		this.later(1000, () => {
			// A StatefulSet pod comes back under its own name, once the old one is gone.
			if (workload.kind === 'StatefulSet' && this.model.get('pods', workload.namespace, pod.metadata.name)) return;
			const created = createWorkloadPod(this.model, this.spec, this.seed, workload, index, node, hash, Date.now(), true);
			// Pending while the container is created, then running.
			this.later(2000, () => {
				if (this.model.get('pods', workload.namespace, created.metadata.name)?.metadata.uid !== created.metadata.uid) return;
				this.model.update('pods', workload.namespace, created.metadata.name, object => {
					(object.spec as {restartPolicy?: string}).restartPolicy = 'Always';
					startContainer(object, Date.now());
				});
			});
		});
	}

	/** A restart: every pod of the workload is replaced (all at once: the homelab runs one replica each). */
	private rollOut(workload: KubeObject): void {
		const namespace = workload.metadata.namespace;
		const app = workload.metadata.labels?.app ?? workload.metadata.name;
		for (const pod of this.model.pods()) {
			if (pod.namespace === namespace && pod.labels.app === app) this.model.remove('pods', pod.namespace, pod.name);
		}
	}
}
