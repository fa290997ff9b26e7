// core/v1 Events for what the simulated homelab does (a container killed, backing off, a pod scheduled,
// deleted), recorded the way the kubelet's recorder does: a repeat of the same reason and message on the
// same object bumps `count` and `lastTimestamp` instead of adding an object. Bounded like the apiserver's
// one-hour TTL: the oldest go first.
import type {ClusterModel} from './cluster-model.js';
import type {KubeObject} from './resources.js';
import {kubeTime} from './random.js';

export interface SimEventInput {
	type: 'Normal' | 'Warning';
	reason: string;
	message: string;
	/** kubelet, default-scheduler, replicaset-controller … */
	component: string;
	host?: string;
	atMs?: number;
}

export class SimEventRecorder {
	private serial = 0;
	/** Event names, oldest first, to drop the oldest past the limit. */
	private readonly order: Array<{namespace: string; name: string}> = [];

	constructor(
		private readonly model: ClusterModel,
		private readonly limit = 400,
	) {}

	record(object: KubeObject, input: SimEventInput): void {
		const namespace = object.metadata.namespace ?? 'default';
		const nowMs = input.atMs ?? Date.now();
		const existing = this.findRepeat(object, input);
		if (existing) {
			this.model.update('events', namespace, existing, event => {
				event.count = Number(event.count ?? 1) + 1;
				event.lastTimestamp = kubeTime(nowMs);
			});
			return;
		}
		// The recorder's naming: the object's name, a dot, a hex suffix.
		const name = `${object.metadata.name}.${(nowMs * 1000 + this.serial++).toString(16)}`;
		this.model.create('events', {
			metadata: {name, namespace, uid: `ev-${this.model.name}-${this.serial}-${nowMs}`, resourceVersion: '0', creationTimestamp: kubeTime(nowMs)},
			involvedObject: {
				kind: object.kind ?? 'Pod',
				namespace: object.metadata.namespace,
				name: object.metadata.name,
				uid: object.metadata.uid,
				apiVersion: object.apiVersion ?? 'v1',
			},
			reason: input.reason,
			message: input.message,
			source: {component: input.component, ...(input.host ? {host: input.host} : {})},
			firstTimestamp: kubeTime(nowMs),
			lastTimestamp: kubeTime(nowMs),
			count: 1,
			type: input.type,
			reportingComponent: input.component,
			reportingInstance: input.host ?? '',
		});
		this.order.push({namespace, name});
		while (this.order.length > this.limit) {
			const oldest = this.order.shift()!;
			this.model.remove('events', oldest.namespace, oldest.name);
		}
	}

	private findRepeat(object: KubeObject, input: SimEventInput): string | undefined {
		// Only the last few: a repeat is what just happened again (BackOff every restart).
		for (let index = this.order.length - 1; index >= Math.max(0, this.order.length - 50); index--) {
			const {namespace, name} = this.order[index]!;
			const event = this.model.get('events', namespace, name);
			if (!event) continue;
			const about = event.involvedObject as {uid?: string};
			if (about.uid === object.metadata.uid && event.reason === input.reason && event.message === input.message) return name;
		}
		return undefined;
	}
}
