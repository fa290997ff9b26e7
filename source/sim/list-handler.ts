// LIST answers, with limit/continue paging done the apiserver's way: a continue token holds the list's
// resourceVersion and the last key, each page shows the objects as they were at that version (rebuilt
// from the event history), and a token older than the history answers 410 Expired. A page with more after
// it says how many (remainingItemCount) unless a selector filters the list, as the real apiserver does.
// A list at an exact resourceVersion is rebuilt the same way (410 once compacted, 504 for a future one).
import {jsonOf, type ClusterModel, type SimEntry} from './cluster-model.js';
import {fieldsOf, type KubeObject, type ResourceDef} from './resources.js';
import {matchesFields, matchesLabels, type FieldSelector, type LabelSelector} from './selectors.js';
import {statusBody} from './status.js';

export interface ListRequest {
	def: ResourceDef;
	namespace?: string;
	labels: LabelSelector;
	fields: FieldSelector;
	limit?: number;
	continueToken?: string;
	/** Serve the list as it was at this version (`resourceVersionMatch=Exact`, or `limit` with a version). */
	exactRv?: number;
}

export interface ListAnswer {
	code: number;
	body: string;
}

interface ContinueToken {
	rv: number;
	start: string;
}

function encodeToken(token: ContinueToken): string {
	return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string): ContinueToken | undefined {
	try {
		const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<ContinueToken>;
		return typeof value.rv === 'number' && typeof value.start === 'string' ? {rv: value.rv, start: value.start} : undefined;
	} catch {
		return undefined;
	}
}

function matcher(request: ListRequest): (object: KubeObject) => boolean {
	const selective = request.labels.length > 0 || request.fields.length > 0;
	return object => {
		if (request.namespace !== undefined && object.metadata.namespace !== request.namespace) return false;
		if (!selective) return true;
		return matchesLabels(request.labels, object.metadata.labels) && matchesFields(request.fields, fieldsOf(request.def, object));
	};
}

function envelope(def: ResourceDef, rv: number, items: string[], continueToken?: string, remaining?: number): string {
	const metadata: Record<string, unknown> = {resourceVersion: String(rv)};
	if (continueToken) metadata.continue = continueToken;
	if (remaining !== undefined && remaining > 0) metadata.remainingItemCount = remaining;
	return `{"kind":"${def.listKind}","apiVersion":"${def.apiVersion}","metadata":${JSON.stringify(metadata)},"items":[${items.join(',')}]}`;
}

export function answerList(model: ClusterModel, request: ListRequest): ListAnswer {
	const matches = matcher(request);
	const {def} = request;
	if (!request.limit && !request.continueToken && request.exactRv === undefined) {
		const items: string[] = [];
		for (const entry of model.entries(def.plural)) if (matches(entry.object)) items.push(jsonOf(entry));
		return {code: 200, body: envelope(def, model.currentRevision(), items)};
	}

	let listRv = model.currentRevision();
	let start = '';
	// Keys whose object differs at listRv from the current one (undefined: did not exist then).
	const past = new Map<string, SimEntry | undefined>();
	let events: ReturnType<ClusterModel['eventsSince']> = [];
	if (request.continueToken) {
		const token = decodeToken(request.continueToken);
		if (!token) return {code: 400, body: JSON.stringify(statusBody(400, 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'))};
		events = model.eventsSince(token.rv);
		if (!events) {
			const message = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';
			return {code: 410, body: JSON.stringify(statusBody(410, message, undefined, 'Expired'))};
		}
		listRv = token.rv;
		start = token.start;
	} else if (request.exactRv !== undefined) {
		if (request.exactRv > listRv) {
			// The real apiserver waits up to 3 s for the version to arrive, then answers this.
			const body = statusBody(504, `Timeout: Too large resource version: ${request.exactRv}, current: ${listRv}`, {causes: [{reason: 'ResourceVersionTooLarge', message: 'Too large resource version'}], retryAfterSeconds: 1}, 'Timeout');
			return {code: 504, body: JSON.stringify(body)};
		}
		events = model.eventsSince(request.exactRv);
		if (!events) return {code: 410, body: JSON.stringify(statusBody(410, 'The resourceVersion for the provided list is too old.', undefined, 'Expired'))};
		listRv = request.exactRv;
	}
	if (events.length > 0) {
		for (let index = events.length - 1; index >= 0; index--) {
			const event = events[index]!;
			if (event.plural === def.plural) past.set(event.key, event.prev);
		}
	}

	let keys = model.sortedKeys(def.plural);
	const extra = [...past.keys()].filter(key => !model.entryByKey(def.plural, key));
	if (extra.length > 0) keys = [...keys, ...extra].sort();

	let index = 0;
	if (start) {
		let low = 0;
		let high = keys.length;
		while (low < high) {
			const middle = (low + high) >> 1;
			if (keys[middle]! <= start) low = middle + 1;
			else high = middle;
		}
		index = low;
	}
	const limit = request.limit && request.limit > 0 ? request.limit : Number.POSITIVE_INFINITY;
	const items: string[] = [];
	let lastKey = start;
	let more = false;
	for (; index < keys.length; index++) {
		const key = keys[index]!;
		const entry = past.has(key) ? past.get(key) : model.entryByKey(def.plural, key);
		if (!entry || !matches(entry.object)) continue;
		if (items.length >= limit) {
			more = true;
			break;
		}
		items.push(jsonOf(entry));
		lastKey = key;
	}
	// The apiserver counts what is left only when no selector filters it (etcd counts keys, not matches).
	let remaining: number | undefined;
	if (more && request.labels.length === 0 && request.fields.length === 0) {
		remaining = 0;
		for (; index < keys.length; index++) {
			const key = keys[index]!;
			const entry = past.has(key) ? past.get(key) : model.entryByKey(def.plural, key);
			if (entry && matches(entry.object)) remaining++;
		}
	}
	return {code: 200, body: envelope(def, listRv, items, more ? encodeToken({rv: listRv, start: lastKey}) : undefined, remaining)};
}
