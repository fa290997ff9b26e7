// Server-side printing: a meta.k8s.io/v1 Table when the client asks for one (`Accept: …;as=Table;…`),
// as kubectl does for `get`. Pods get the apiserver's columns (NAME READY STATUS RESTARTS AGE, and
// IP NODE NOMINATED NODE READINESS GATES at priority 1 for -o wide); events their own; Gateways their CRD's
// printer column (NAME HA STATUS); the rest NAME AGE.
import type {KubeObject, ResourceDef} from './resources.js';

export function wantsTable(accept: string | undefined): boolean {
	return /;\s*as=Table/.test(accept ?? '');
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectFrom(value: string | null): IncludeObject {
	return value === 'None' || value === 'Object' ? value : 'Metadata';
}

interface Column {
	name: string;
	type: string;
	format: string;
	description: string;
	priority: number;
}

const column = (name: string, priority = 0, type = 'string', format = ''): Column => ({name, type, format, description: name, priority});

function ageOf(timestamp: string | undefined, nowMs: number): string {
	const ms = nowMs - (Date.parse(timestamp ?? '') || nowMs);
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds < 120) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 10) return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
	if (minutes < 180) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return `${hours}h`;
	const days = Math.floor(hours / 24);
	return hours % 24 && days < 8 ? `${days}d${hours % 24}h` : `${days}d`;
}

interface ContainerStatus {
	ready?: boolean;
	restartCount?: number;
	state?: {waiting?: {reason?: string}; terminated?: {reason?: string; exitCode?: number}; running?: unknown};
	lastState?: {terminated?: {finishedAt?: string}};
}

/** kubectl's STATUS: a waiting or terminated reason wins over the phase; Terminating while deleting. */
export function podStatusText(pod: KubeObject): string {
	const status = (pod.status ?? {}) as {phase?: string; reason?: string; containerStatuses?: ContainerStatus[]};
	let text = status.reason ?? status.phase ?? 'Unknown';
	for (const container of status.containerStatuses ?? []) {
		if (container.state?.waiting?.reason) text = container.state.waiting.reason;
		else if (container.state?.terminated?.reason) text = container.state.terminated.reason;
		else if (container.state?.terminated) text = `ExitCode:${container.state.terminated.exitCode ?? 0}`;
	}
	if (pod.metadata.deletionTimestamp) text = 'Terminating';
	return text;
}

function podCells(pod: KubeObject, nowMs: number): unknown[] {
	const statuses = ((pod.status as {containerStatuses?: ContainerStatus[]} | undefined)?.containerStatuses ?? []);
	const containers = ((pod.spec as {containers?: unknown[]} | undefined)?.containers ?? []).length;
	const ready = statuses.filter(item => item.ready).length;
	const restarts = statuses.reduce((sum, item) => sum + (item.restartCount ?? 0), 0);
	const lastRestart = statuses.map(item => Date.parse(item.lastState?.terminated?.finishedAt ?? '') || 0).reduce((a, b) => Math.max(a, b), 0);
	const restartText = restarts > 0 && lastRestart > 0 ? `${restarts} (${ageOf(new Date(lastRestart).toISOString(), nowMs)} ago)` : String(restarts);
	const status = pod.status as {podIP?: string} | undefined;
	return [
		pod.metadata.name,
		`${ready}/${containers}`,
		podStatusText(pod),
		restartText,
		ageOf(pod.metadata.creationTimestamp, nowMs),
		status?.podIP ?? '<none>',
		(pod.spec as {nodeName?: string} | undefined)?.nodeName ?? '<none>',
		'<none>',
		'<none>',
	];
}

function eventCells(event: KubeObject, nowMs: number): unknown[] {
	const about = (event.involvedObject ?? {}) as {kind?: string; name?: string};
	return [
		ageOf(String(event.lastTimestamp ?? event.metadata.creationTimestamp), nowMs),
		event.type ?? '',
		event.reason ?? '',
		`${String(about.kind ?? '').toLowerCase()}/${about.name ?? ''}`,
		event.message ?? '',
	];
}

function layoutFor(def: ResourceDef): {columns: Column[]; cells: (object: KubeObject, nowMs: number) => unknown[]} {
	if (def.plural === 'pods') {
		return {
			columns: [column('Name', 0, 'string', 'name'), column('Ready'), column('Status'), column('Restarts', 0, 'string'), column('Age'), column('IP', 1), column('Node', 1), column('Nominated Node', 1), column('Readiness Gates', 1)],
			cells: podCells,
		};
	}
	if (def.plural === 'events') {
		return {columns: [column('Last Seen'), column('Type'), column('Reason'), column('Object'), column('Message')], cells: eventCells};
	}
	if (def.plural === 'gateways') {
		// The Gateway CRD's additionalPrinterColumns: HA Status only, so no AGE (the apiserver adds none then).
		return {
			columns: [column('Name', 0, 'string', 'name'), column('HA Status')],
			cells: object => [object.metadata.name, (object.status as {haStatus?: string} | undefined)?.haStatus ?? null],
		};
	}
	if (def.plural === 'serviceimports') {
		// The MCS CRD's printer columns: Type (.spec.type), IP (.spec.ips), Age.
		return {
			columns: [column('Name', 0, 'string', 'name'), column('Type'), column('IP'), column('Age', 0, 'date')],
			cells: (object, nowMs) => {
				const spec = (object.spec ?? {}) as {type?: string; ips?: string[]};
				return [object.metadata.name, spec.type ?? null, spec.ips ? JSON.stringify(spec.ips) : null, ageOf(object.metadata.creationTimestamp, nowMs)];
			},
		};
	}
	return {columns: [column('Name', 0, 'string', 'name'), column('Age')], cells: (object, nowMs) => [object.metadata.name, ageOf(object.metadata.creationTimestamp, nowMs)]};
}

function rowObject(def: ResourceDef, object: KubeObject, include: IncludeObject): unknown {
	if (include === 'None') return undefined;
	if (include === 'Object') return object;
	return {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata};
}

export function tableOf(def: ResourceDef, objects: KubeObject[], meta: {resourceVersion: string; continue?: string}, include: IncludeObject, nowMs = Date.now()): object {
	const {columns, cells} = layoutFor(def);
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: {resourceVersion: meta.resourceVersion, ...(meta.continue ? {continue: meta.continue} : {})},
		columnDefinitions: columns,
		rows: objects.map(object => ({cells: cells(object, nowMs), object: rowObject(def, object, include)})),
	};
}
