// core/v1 Events, trimmed to what the events view and describe show, and merged across clusters:
// newest first; with a filter, Warnings first. Fetched on demand (the view polls while it is open).
import type {KubeConfig} from '@kubernetes/client-node';
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
	items?: Json[];
}

/** Every cluster's events (one page of at most `limit`), or the objects' own events with a field selector. */
export async function listEvents(kc: KubeConfig, cluster: string, options: {timeoutMs: number; signal?: AbortSignal; namespace?: string; fieldSelector?: string; limit?: number}): Promise<EventInfo[]> {
	const query = new URLSearchParams({limit: String(options.limit ?? 500)});
	if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
	const path = options.namespace ? `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/events` : '/api/v1/events';
	const list = await getJson<EventList>(kc, `${path}?${query}`, {timeoutMs: options.timeoutMs, signal: options.signal});
	return (list.items ?? []).map(item => trimEvent(item, cluster));
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
