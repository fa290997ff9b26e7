// Pod objects as a kind cluster's kubelet reports them, and the status transitions life applies
// (restart, CrashLoopBackOff, OOMKilled, job completion). Plain data in, plain objects out.
import type {KubeObject} from './resources.js';
import {kubeTime} from './random.js';

export interface PodSpecInput {
	name: string;
	namespace: string;
	uid: string;
	node: string;
	labels: Record<string, string>;
	image: string;
	containerName: string;
	requestMemory: string;
	limitMemory: string;
	requestCpu?: string;
	createdMs: number;
	podIP: string;
	hostIP: string;
	ownerKind?: string;
	ownerName?: string;
	/** Job pods start Pending and have restartPolicy Never. */
	pending?: boolean;
	hostNetwork?: boolean;
	/** Filler pods carry the minimum a client needs, to keep 10,000 of them lean. */
	lean?: boolean;
}

interface ContainerStatus {
	name: string;
	image?: string;
	imageID?: string;
	containerID?: string;
	ready: boolean;
	started?: boolean;
	restartCount: number;
	state: Record<string, Record<string, unknown>>;
	lastState: Record<string, Record<string, unknown>>;
}

interface PodStatus {
	phase: string;
	conditions: Array<{type: string; status: string; lastProbeTime: null; lastTransitionTime: string; reason?: string}>;
	containerStatuses: ContainerStatus[];
	hostIP?: string;
	podIP?: string;
	podIPs?: Array<{ip: string}>;
	startTime?: string;
	qosClass?: string;
}

function containerId(seed: string): string {
	let hash = 0;
	let text = '';
	for (let round = 0; text.length < 64; round++) {
		for (const char of seed + round) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
		text += hash.toString(16).padStart(8, '0');
	}
	return `containerd://${text.slice(0, 64)}`;
}

export function makePod(input: PodSpecInput): KubeObject {
	const created = kubeTime(input.createdMs);
	const started = kubeTime(input.createdMs + 2000);
	const running = !input.pending;
	const ownerReferences = input.ownerKind
		? [{apiVersion: input.ownerKind === 'Job' ? 'batch/v1' : input.ownerKind === 'Node' ? 'v1' : 'apps/v1', kind: input.ownerKind, name: input.ownerName ?? input.name, uid: input.uid.replace(/^.{8}/, 'b0b0b0b0'), controller: true, blockOwnerDeletion: true}]
		: undefined;
	const container: ContainerStatus = {
		name: input.containerName,
		ready: running,
		restartCount: 0,
		state: running ? {running: {startedAt: started}} : {waiting: {reason: 'ContainerCreating'}},
		lastState: {},
	};
	if (!input.lean) {
		container.image = input.image;
		container.imageID = `${input.image.split(':')[0]}@sha256:${containerId(input.image).slice(13, 77)}`;
		if (running) container.containerID = containerId(input.uid);
		container.started = running;
	}
	const guaranteed = input.requestMemory === input.limitMemory;
	const status: PodStatus = {
		phase: running ? 'Running' : 'Pending',
		conditions: [
			{type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: created},
			{type: 'Ready', status: running ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: started, ...(running ? {} : {reason: 'ContainersNotReady'})},
			{type: 'ContainersReady', status: running ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: started, ...(running ? {} : {reason: 'ContainersNotReady'})},
			{type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: created},
		],
		containerStatuses: [container],
		hostIP: input.hostIP,
		podIP: input.podIP,
		startTime: created,
	};
	if (!input.lean) {
		status.podIPs = [{ip: input.podIP}];
		status.qosClass = guaranteed ? 'Guaranteed' : 'Burstable';
	}
	const resources = {
		requests: {...(input.requestCpu ? {cpu: input.requestCpu} : {}), memory: input.requestMemory},
		limits: {memory: input.limitMemory},
	};
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name: input.name,
			namespace: input.namespace,
			uid: input.uid,
			resourceVersion: '0',
			creationTimestamp: created,
			labels: input.labels,
			...(ownerReferences ? {ownerReferences} : {}),
		},
		spec: {
			containers: [{name: input.containerName, image: input.image, resources, ...(input.lean ? {} : {imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File'})}],
			nodeName: input.node,
			restartPolicy: input.pending ? 'Never' : 'Always',
			...(input.hostNetwork ? {hostNetwork: true} : {}),
			...(input.lean ? {} : {dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', serviceAccountName: 'default', terminationGracePeriodSeconds: 30}),
		},
		status,
	};
}

function podStatus(pod: KubeObject): PodStatus {
	return pod.status as PodStatus;
}

function setReady(status: PodStatus, ready: boolean, nowMs: number): void {
	for (const condition of status.conditions) {
		if (condition.type !== 'Ready' && condition.type !== 'ContainersReady') continue;
		const value = ready ? 'True' : 'False';
		if (condition.status !== value) condition.lastTransitionTime = kubeTime(nowMs);
		condition.status = value;
		if (ready) delete condition.reason;
		else condition.reason = 'ContainersNotReady';
	}
}

/** The container died (OOMKilled or Error) and either restarts at once or waits in CrashLoopBackOff. */
export function restartContainer(pod: KubeObject, options: {oomKilled: boolean; crashLoop: boolean; nowMs: number}): void {
	const status = podStatus(pod);
	const container = status.containerStatuses[0];
	if (!container) return;
	const startedAt = (container.state.running?.startedAt as string | undefined) ?? kubeTime(options.nowMs - 60_000);
	container.restartCount++;
	container.lastState = {
		terminated: {
			exitCode: options.oomKilled ? 137 : 1,
			reason: options.oomKilled ? 'OOMKilled' : 'Error',
			startedAt,
			finishedAt: kubeTime(options.nowMs),
			...(container.containerID ? {containerID: container.containerID} : {}),
		},
	};
	if (options.crashLoop) {
		const backoffSeconds = Math.min(300, 10 * 2 ** Math.min(5, container.restartCount - 1));
		container.state = {
			waiting: {
				reason: 'CrashLoopBackOff',
				message: `back-off ${backoffSeconds}s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
			},
		};
		container.ready = false;
		if (container.started !== undefined) container.started = false;
		setReady(status, false, options.nowMs);
	} else {
		container.state = {running: {startedAt: kubeTime(options.nowMs)}};
		container.ready = true;
		if (container.started !== undefined) container.started = true;
		setReady(status, true, options.nowMs);
	}
}

/** Back from CrashLoopBackOff (or ContainerCreating): running and ready. */
export function startContainer(pod: KubeObject, nowMs: number): void {
	const status = podStatus(pod);
	status.phase = 'Running';
	for (const container of status.containerStatuses) {
		container.state = {running: {startedAt: kubeTime(nowMs)}};
		container.ready = true;
		if (container.started !== undefined) container.started = true;
	}
	setReady(status, true, nowMs);
}

/** A job pod's container exited 0: Succeeded, not ready. */
export function completePod(pod: KubeObject, nowMs: number): void {
	const status = podStatus(pod);
	status.phase = 'Succeeded';
	for (const container of status.containerStatuses) {
		const startedAt = (container.state.running?.startedAt as string | undefined) ?? kubeTime(nowMs);
		container.state = {terminated: {exitCode: 0, reason: 'Completed', startedAt, finishedAt: kubeTime(nowMs)}};
		container.ready = false;
		if (container.started !== undefined) container.started = false;
	}
	setReady(status, false, nowMs);
	const ready = status.conditions.find(condition => condition.type === 'Ready');
	if (ready) ready.reason = 'PodCompleted';
}

export function podIsRunningAndReady(pod: KubeObject): boolean {
	const status = podStatus(pod);
	return status.phase === 'Running' && status.containerStatuses.every(container => container.ready);
}

export function podIsCrashLooping(pod: KubeObject): boolean {
	return podStatus(pod).containerStatuses.some(container => container.state.waiting?.reason === 'CrashLoopBackOff');
}
