// core/v1 Events, trimmed to what the events view and describe show, and merged across clusters:
// newest first; with a filter, Warnings first. Fetched on demand (the view polls while it is open).
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {getJson} from './http.js';

type Json = Record<string, any>;

export interface EventInfo {
	cluster: string;
	/** Pod, Node, Gateway … */
	kind: string;
	namespace: string;
	name: string;
	uid: string;
	type: 'Normal' | 'Warning' | string;
	reason: string;
	message: string;
	count: number;
	/** lastTimestamp (or eventTime, or creation) in ms. */
	lastMs: number;
	firstMs: number;
	source: string;
}

/** Untrusted text from a server: one line, no control characters, bounded. */
export function cleanText(text: unknown, max = 2000): string {
	const value = typeof text === 'string' ? text : text === undefined || text === null ? '' : String(text);
	// eslint-disable-next-line no-control-regex
	return value.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '').replace(/\n/g, ' ').slice(0, max);
}

export function trimEvent(object: Json, cluster: string): EventInfo {
	const about: Json = object.involvedObject ?? object.regarding ?? {};
	const time = (value: unknown) => Date.parse(typeof value === 'string' ? value : '') || 0;
	const lastMs = time(object.lastTimestamp) || time(object.eventTime) || time(object.series?.lastObservedTime) || time(object.metadata?.creationTimestamp);
	return {
		cluster,
		kind: cleanText(about.kind, 60),
		namespace: cleanText(about.namespace ?? object.metadata?.namespace, 120),
		name: cleanText(about.name, 250),
		uid: cleanText(about.uid, 80),
		type: cleanText(object.type, 20) || 'Normal',
		reason: cleanText(object.reason, 120),
		message: cleanText(object.message ?? object.note),
		count: Number(object.count ?? object.series?.count ?? 1) || 1,
		lastMs,
		firstMs: time(object.firstTimestamp) || lastMs,
		source: cleanText(object.source?.component ?? object.reportingController ?? object.reportingComponent, 120),
	};
}

interface EventList {
	metadata?: {continue?: string};
	items?: Json[];
}

/**
 * A cluster's events (or one object's, with a field selector), page by page: the apiserver lists them in
 * key order, not by time, so one page of a busy cluster could miss the newest. At most `max` are read.
 */
export async function listEvents(kc: KubeConfig, cluster: string, options: {timeoutMs: number; signal?: AbortSignal; namespace?: string; fieldSelector?: string; pageSize?: number; max?: number}): Promise<EventInfo[]> {
	const path = options.namespace ? `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/events` : '/api/v1/events';
	const events: EventInfo[] = [];
	const max = options.max ?? 5000;
	let continueToken: string | undefined;
	do {
		const query = new URLSearchParams({limit: String(options.pageSize ?? 500)});
		if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
		if (continueToken) query.set('continue', continueToken);
		const page = await getJson<EventList>(kc, `${path}?${query}`, {timeoutMs: options.timeoutMs, signal: options.signal});
		for (const item of page.items ?? []) events.push(trimEvent(item, cluster));
		continueToken = page.metadata?.continue || undefined;
	} while (continueToken && events.length < max);
	return events;
}

/** The events of one object: by uid when known (a recreated pod keeps its name, not its history). */
export function eventsOf(events: EventInfo[], object: {kind: string; namespace?: string; name: string; uid?: string}): EventInfo[] {
	return events.filter(event => event.kind === object.kind && event.name === object.name && (object.namespace === undefined || event.namespace === object.namespace || event.namespace === '') && (!object.uid || !event.uid || event.uid === object.uid));
}

export function eventMatches(event: EventInfo, filter: string): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return `${event.cluster} ${event.namespace}/${event.name} ${event.kind} ${event.reason} ${event.message}`.toLowerCase().includes(needle);
}

/** Newest first; with a filter, Warnings before Normal events (a person filtering is looking for trouble). */
export function mergeEvents(lists: EventInfo[][], filter = ''): EventInfo[] {
	const all = lists.flat().filter(event => eventMatches(event, filter));
	return all.sort((a, b) => {
		if (filter) {
			const warn = Number(b.type === 'Warning') - Number(a.type === 'Warning');
			if (warn !== 0) return warn;
		}
		return b.lastMs - a.lastMs;
	});
}
