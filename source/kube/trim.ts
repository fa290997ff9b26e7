// Watched objects are reduced to what labwatch shows as they arrive: the informer cache would otherwise
// hold managedFields, specs and annotations for every pod, which is most of a cluster's memory cost.
import type {NodeInfo, PodInfo, PodPhase} from '../store/types.js';
import {parseQuantity} from '../config/size.js';
import {tracing} from '../trace.js';

type Json = Record<string, any>;

/** An object labwatch cannot show (no name): the caller skips and counts it. */
export class MalformedObject extends Error {
	override readonly name = 'MalformedObject';
}

/** Any JSON value as an object to read fields from: {} for null, arrays, strings and numbers. */
export function objectOf(value: unknown): Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** The objects in an array, none of its nulls or scalars; [] for anything that is not an array. */
export function objectsOf(value: unknown): Json[] {
	return Array.isArray(value) ? value.filter((item): item is Json => typeof item === 'object' && item !== null && !Array.isArray(item)) : [];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined);

/** Kubernetes keeps restartCount in an int32; anything else is not a count. */
const maxRestarts = 2 ** 31 - 1;
/** No host a homelab watches has a pebibyte: a larger quantity is a broken object, not memory. */
export const maxMemoryBytes = 2 ** 50;

/** A memory quantity in bytes, 0 when absent, malformed, negative or absurd. */
export function memoryBytes(quantity: unknown): number {
	const value = typeof quantity === 'string' ? parseQuantity(quantity) : undefined;
	return value !== undefined && Number.isFinite(value) && value >= 0 && value <= maxMemoryBytes ? value : 0;
}

function nameOf(metadata: Json): string {
	const name = metadata.name;
	if (typeof name !== 'string' || name === '') throw new MalformedObject('object without metadata.name');
	return name;
}

const keptLabels = ['app', 'app.kubernetes.io/name', 'app.kubernetes.io/component', 'component', 'job-name', 'tier'];
const restartsWorthAttention = 5;

export function trimPod(object: Json): PodInfo {
	const metadata = objectOf(object?.metadata);
	const spec = objectOf(object?.spec);
	const status = objectOf(object?.status);
	const name = nameOf(metadata);
	const namespace = text(metadata.namespace) ?? '';
	const containers = objectsOf(spec.containers);
	const statuses = objectsOf(status.containerStatuses);
	let requestBytes = 0;
	let limitBytes = 0;
	for (const container of containers) {
		const resources = objectOf(container.resources);
		requestBytes += memoryBytes(objectOf(resources.requests).memory);
		limitBytes += memoryBytes(objectOf(resources.limits).memory);
	}
	const phase = (['Pending', 'Running', 'Succeeded', 'Failed'].includes(status.phase) ? status.phase : 'Unknown') as PodPhase;
	const restarts = Math.min(
		maxRestarts,
		statuses.reduce((sum, container) => {
			const count = container.restartCount;
			return sum + (Number.isInteger(count) && count >= 0 && count <= maxRestarts ? count : 0);
		}, 0),
	);
	const ready = phase === 'Running' && statuses.length > 0 && statuses.every(container => container.ready === true);
	const labels: Record<string, string> = {};
	const podLabels = objectOf(metadata.labels);
	for (const key of keptLabels) {
		const value = podLabels[key];
		if (typeof value === 'string') labels[key] = value;
	}
	const stamp = tracing ? Number(objectOf(metadata.annotations)['labwatch.sim/stamp']) : Number.NaN;
	const nodeName = text(spec.nodeName);
	return {
		...(Number.isFinite(stamp) ? {stampMs: stamp} : {}),
		uid: text(metadata.uid) || `${namespace}/${name}`,
		namespace,
		name,
		node: nodeName ? nodeName : undefined,
		phase,
		ready,
		restarts,
		problem: podProblem(phase, ready, restarts, statuses, status),
		createdMs: Date.parse(text(metadata.creationTimestamp) ?? '') || 0,
		memoryRequestBytes: requestBytes,
		memoryLimitBytes: limitBytes,
		labels,
	};
}

/** The one problem a person should read first, or undefined for a healthy pod. */
function podProblem(phase: PodPhase, ready: boolean, restarts: number, statuses: Json[], status: Json): string | undefined {
	for (const container of statuses) {
		const waiting = objectOf(objectOf(container.state).waiting).reason;
		if (typeof waiting === 'string' && waiting && waiting !== 'ContainerCreating' && waiting !== 'PodInitializing') return waiting;
	}
	for (const container of statuses) {
		const terminated = objectOf(objectOf(container.state).terminated).reason;
		const lastTerminated = objectOf(objectOf(container.lastState).terminated).reason;
		if (terminated === 'OOMKilled' || lastTerminated === 'OOMKilled') return 'OOMKilled';
	}
	if (phase === 'Failed') return text(status.reason) || 'Failed';
	if (phase === 'Pending') return 'Pending';
	if (phase === 'Unknown') return 'Unknown';
	if (phase === 'Running' && !ready) return 'NotReady';
	if (restarts >= restartsWorthAttention) return 'Restarts';
	return undefined;
}

export function trimNode(object: Json): NodeInfo {
	const metadata = objectOf(object?.metadata);
	const status = objectOf(object?.status);
	const conditions = objectsOf(status.conditions);
	return {
		name: nameOf(metadata),
		ready: conditions.some(condition => condition.type === 'Ready' && condition.status === 'True'),
		memoryCapacityBytes: memoryBytes(objectOf(status.capacity).memory),
		memoryAllocatableBytes: memoryBytes(objectOf(status.allocatable).memory),
		createdMs: Date.parse(text(metadata.creationTimestamp) ?? '') || 0,
	};
}
