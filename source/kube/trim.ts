// Watched objects are reduced to what labwatch shows as they arrive: the informer cache would otherwise
// hold managedFields, specs and annotations for every pod, which is most of a cluster's memory cost.
import type {NodeInfo, PodInfo, PodPhase} from '../store/types.js';
import {parseQuantity} from '../config/size.js';
import {tracing} from '../trace.js';

type Json = Record<string, any>;

const keptLabels = ['app', 'app.kubernetes.io/name', 'app.kubernetes.io/component', 'component', 'job-name', 'tier'];
const restartsWorthAttention = 5;

export function trimPod(object: Json): PodInfo {
	const metadata: Json = object.metadata ?? {};
	const spec: Json = object.spec ?? {};
	const status: Json = object.status ?? {};
	const containers: Json[] = Array.isArray(spec.containers) ? spec.containers : [];
	const statuses: Json[] = Array.isArray(status.containerStatuses) ? status.containerStatuses : [];
	let requestBytes = 0;
	let limitBytes = 0;
	for (const container of containers) {
		requestBytes += parseQuantity(container.resources?.requests?.memory) ?? 0;
		limitBytes += parseQuantity(container.resources?.limits?.memory) ?? 0;
	}
	const phase = (['Pending', 'Running', 'Succeeded', 'Failed'].includes(status.phase) ? status.phase : 'Unknown') as PodPhase;
	const restarts = statuses.reduce((sum, container) => sum + (Number(container.restartCount) || 0), 0);
	const ready = phase === 'Running' && statuses.length > 0 && statuses.every(container => container.ready === true);
	const labels: Record<string, string> = {};
	for (const key of keptLabels) {
		const value = metadata.labels?.[key];
		if (typeof value === 'string') labels[key] = value;
	}
	const stamp = tracing ? Number(metadata.annotations?.['labwatch.sim/stamp']) : Number.NaN;
	return {
		...(Number.isFinite(stamp) ? {stampMs: stamp} : {}),
		uid: String(metadata.uid ?? `${metadata.namespace}/${metadata.name}`),
		namespace: String(metadata.namespace ?? ''),
		name: String(metadata.name ?? ''),
		node: spec.nodeName ? String(spec.nodeName) : undefined,
		phase,
		ready,
		restarts,
		problem: podProblem(phase, ready, restarts, statuses, status),
		createdMs: Date.parse(metadata.creationTimestamp ?? '') || 0,
		memoryRequestBytes: requestBytes,
		memoryLimitBytes: limitBytes,
		labels,
	};
}

/** The one problem a person should read first, or undefined for a healthy pod. */
function podProblem(phase: PodPhase, ready: boolean, restarts: number, statuses: Json[], status: Json): string | undefined {
	for (const container of statuses) {
		const waiting = container.state?.waiting?.reason;
		if (typeof waiting === 'string' && waiting !== 'ContainerCreating' && waiting !== 'PodInitializing') return waiting;
	}
	for (const container of statuses) {
		if (container.state?.terminated?.reason === 'OOMKilled' || container.lastState?.terminated?.reason === 'OOMKilled') {
			return 'OOMKilled';
		}
	}
	if (phase === 'Failed') return status.reason ? String(status.reason) : 'Failed';
	if (phase === 'Pending') return 'Pending';
	if (phase === 'Unknown') return 'Unknown';
	if (phase === 'Running' && !ready) return 'NotReady';
	if (restarts >= restartsWorthAttention) return 'Restarts';
	return undefined;
}

export function trimNode(object: Json): NodeInfo {
	const metadata: Json = object.metadata ?? {};
	const status: Json = object.status ?? {};
	const conditions: Json[] = Array.isArray(status.conditions) ? status.conditions : [];
	return {
		name: String(metadata.name ?? ''),
		ready: conditions.some(condition => condition.type === 'Ready' && condition.status === 'True'),
		memoryCapacityBytes: parseQuantity(status.capacity?.memory) ?? 0,
		memoryAllocatableBytes: parseQuantity(status.allocatable?.memory) ?? 0,
		createdMs: Date.parse(metadata.creationTimestamp ?? '') || 0,
	};
}
