// A multicluster.x-k8s.io/v1alpha1 ServiceExport trimmed to the three conditions Lighthouse's agent writes
// (submariner.md §3; lighthouse pkg/agent/controller): `Valid` (the Service exists and can be exported),
// `Ready` (synced to the broker; older agents called it `Synced`) and `Conflict` (absent until a conflict;
// several reasons comma-joined, their messages newline-joined). Both condition shapes are read: mcs-api
// v0.1's (reason and message may be empty) and v0.2's metav1.Condition (reason required).
import {MalformedObject, objectOf, objectsOf} from '../kube/trim.js';

export interface ExportCondition {
	/** "True", "False" or "Unknown" (anything else is kept as sent). */
	status: string;
	reason: string;
	message: string;
}

export interface ServiceExportInfo {
	namespace: string;
	name: string;
	valid?: ExportCondition;
	ready?: ExportCondition;
	conflict?: ExportCondition;
	createdMs: number;
}

/** A message longer than this is cut: the view shows a line, the describe a paragraph. */
export const maxConditionMessageChars = 1024;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function condition(conditions: Array<Record<string, any>>, ...types: string[]): ExportCondition | undefined {
	for (const type of types) {
		const found = conditions.find(item => item.type === type);
		if (found) return {status: text(found.status) || 'Unknown', reason: text(found.reason).slice(0, 256), message: text(found.message).slice(0, maxConditionMessageChars)};
	}
	return undefined;
}

export function trimServiceExport(object: Record<string, any>): ServiceExportInfo {
	const metadata = objectOf(object?.metadata);
	if (typeof metadata.name !== 'string' || !metadata.name) throw new MalformedObject('serviceexport without metadata.name');
	const conditions = objectsOf(objectOf(object?.status).conditions);
	const valid = condition(conditions, 'Valid');
	// Lighthouse still accepts the legacy `Synced` wherever it looks for `Ready`.
	const ready = condition(conditions, 'Ready', 'Synced');
	const conflict = condition(conditions, 'Conflict');
	return {
		namespace: text(metadata.namespace),
		name: metadata.name,
		...(valid ? {valid} : {}),
		...(ready ? {ready} : {}),
		...(conflict ? {conflict} : {}),
		createdMs: Date.parse(text(metadata.creationTimestamp)) || 0,
	};
}

export function serviceExportKey(item: Pick<ServiceExportInfo, 'namespace' | 'name'>): string {
	return `${item.namespace}/${item.name}`;
}

export type ExportState = 'exported' | 'invalid' | 'conflict' | 'pending';

/**
 * subctl's healthy export: Valid=True, Ready=True, Conflict absent or False. Otherwise the first thing wrong:
 * a conflict, an invalid export, or one the agent has not (yet) synced to the broker.
 */
export function exportState(item: ServiceExportInfo): ExportState {
	if (item.conflict?.status === 'True') return 'conflict';
	if (item.valid && item.valid.status !== 'True') return 'invalid';
	if (item.valid?.status === 'True' && item.ready?.status === 'True') return 'exported';
	return 'pending';
}

/** One line: "Valid, Ready", "Conflict: PortConflict: …", "not Valid: NoService: Service to be exported doesn't exist". */
export function exportWords(item: ServiceExportInfo): string {
	const why = (condition: ExportCondition | undefined) => {
		if (!condition) return '';
		const parts = [condition.reason, condition.message.split('\n').join('; ')].filter(Boolean);
		return parts.length > 0 ? `: ${parts.join(': ')}` : '';
	};
	switch (exportState(item)) {
		case 'conflict':
			return `Conflict${why(item.conflict)}`;
		case 'invalid':
			return `not Valid${why(item.valid)}`;
		case 'exported':
			return 'Valid, Ready';
		case 'pending':
			if (!item.valid) return 'no status yet (is the Lighthouse agent running?)';
			if (!item.ready) return 'Valid, not Ready yet';
			return `Valid, not Ready${why(item.ready)}`;
	}
}
