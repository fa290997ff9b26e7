// Watch streams of one cluster: chunked HTTP, one JSON event per line. Each event's line is built once
// (SimEvent.lines) and written to every matching watcher. While the network cuts a watcher's host off,
// its stream goes silent with the socket open; on heal it gets what it missed from the history (or an
// in-stream 410 when that is gone), as a real TCP stream would deliver its backlog.
import {tableOf, type IncludeObject} from './table.js';
import type {ServerResponse} from 'node:http';
import {eventLine, jsonOf, type ClusterModel, type SimEvent, type WatchEventType} from './cluster-model.js';
import type {SimNetwork} from './network.js';
import {fieldsOf, type KubeObject, type ResourceDef} from './resources.js';
import {matchesFields, matchesLabels, type FieldSelector, type LabelSelector} from './selectors.js';
import {statusBody} from './status.js';

export interface WatchRequest {
	def: ResourceDef;
	namespace?: string;
	labels: LabelSelector;
	fields: FieldSelector;
	/** The host the client runs on (cut off or not). */
	originHost: string;
	bookmarks: boolean;
	/** Watch-list: the current state as ADDED, ended (with bookmarks allowed) by a BOOKMARK annotated k8s.io/initial-events-end. */
	sendInitialEvents?: boolean;
	timeoutMs?: number;
	resourceVersion?: string;
	/** Server-side printing (`as=Table`): each event's object is a one-row Table. */
	table?: IncludeObject;
}

export interface WatchHubOptions {
	bookmarkIntervalMs: number;
	/** The first bookmark after a watch starts (min of this and the interval). */
	firstBookmarkMs: number;
}

interface Watcher extends WatchRequest {
	res: ServerResponse;
	lastRv: number;
	paused: boolean;
	ended: boolean;
	endWhenResumed: boolean;
	timers: NodeJS.Timeout[];
	selective: boolean;
	/** A Table watch sends its column definitions once, in the first event (as the apiserver's NoHeaders after it). */
	tableHeaderSent?: boolean;
}

export class WatchHub {
	private readonly watchers = new Map<string, Set<Watcher>>();
	private readonly unsubscribe: Array<() => void>;

	constructor(
		private readonly model: ClusterModel,
		private readonly network: SimNetwork,
		private readonly options: WatchHubOptions,
	) {
		this.unsubscribe = [
			model.onChange(event => this.dispatch(event)),
			network.onChange(() => this.networkChanged()),
		];
	}

	count(): number {
		let total = 0;
		for (const set of this.watchers.values()) total += set.size;
		return total;
	}

	open(res: ServerResponse, request: WatchRequest): void {
		const watcher: Watcher = {
			...request,
			res,
			lastRv: this.model.currentRevision(),
			paused: false,
			ended: false,
			endWhenResumed: false,
			timers: [],
			selective: request.labels.length > 0 || request.fields.length > 0,
		};
		res.writeHead(200, {'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked'});
		res.flushHeaders();
		res.socket?.setNoDelay(true);

		const rvText = request.resourceVersion ?? '';
		if (request.sendInitialEvents) {
			// resourceVersionMatch=NotOlderThan: the current state is never older than the version asked for.
			const chunks: string[] = [];
			for (const entry of this.model.entries(request.def.plural)) {
				if (this.matches(watcher, entry.object)) chunks.push(this.printed(watcher, `{"type":"ADDED","object":${jsonOf(entry)}}\n`));
			}
			// Without allowWatchBookmarks the real apiserver sends the events but no end marker.
			if (request.bookmarks) chunks.push(this.bookmarkLine(watcher, {'k8s.io/initial-events-end': 'true'}));
			if (chunks.length > 0) res.write(chunks.join(''));
		} else if (rvText === '' || rvText === '0') {
			// No version: the current state as ADDED events, then the stream.
			const chunks: string[] = [];
			for (const entry of this.model.entries(request.def.plural)) {
				if (this.matches(watcher, entry.object)) chunks.push(this.printed(watcher, `{"type":"ADDED","object":${jsonOf(entry)}}\n`));
			}
			if (chunks.length > 0) res.write(chunks.join(''));
		} else {
			const rv = Number(rvText);
			const events = Number.isInteger(rv) && rv >= 0 ? this.model.eventsSince(rv) : undefined;
			if (!events) {
				this.expire(watcher, rvText);
				return;
			}
			watcher.lastRv = Math.max(rv, this.model.currentRevision());
			const chunks: string[] = [];
			for (const event of events) {
				const line = this.lineFor(watcher, event);
				if (line) chunks.push(line);
			}
			if (chunks.length > 0) res.write(chunks.join(''));
		}

		let set = this.watchers.get(request.def.plural);
		if (!set) this.watchers.set(request.def.plural, (set = new Set()));
		set.add(watcher);
		res.on('close', () => this.drop(watcher));

		if (request.timeoutMs !== undefined && request.timeoutMs > 0) {
			watcher.timers.push(setTimeout(() => {
				// A cut stream cannot deliver its end either: end it once the network is back.
				if (watcher.paused) watcher.endWhenResumed = true;
				else this.end(watcher);
			}, request.timeoutMs));
		}
		if (request.bookmarks) {
			const intervalMs = this.options.bookmarkIntervalMs;
			watcher.timers.push(setTimeout(() => this.bookmark(watcher), Math.min(this.options.firstBookmarkMs, intervalMs)));
			watcher.timers.push(setInterval(() => this.bookmark(watcher), intervalMs));
		}
		if (this.network.isCut(watcher.originHost, this.model.host)) watcher.paused = true;
	}

	/** Ends every stream (server shutdown). */
	close(): void {
		for (const set of this.watchers.values()) for (const watcher of [...set]) this.end(watcher);
		for (const unsubscribe of this.unsubscribe) unsubscribe();
	}

	private matches(watcher: Watcher, object: KubeObject): boolean {
		if (watcher.namespace !== undefined && object.metadata.namespace !== watcher.namespace) return false;
		if (!watcher.selective) return true;
		return matchesLabels(watcher.labels, object.metadata.labels) && matchesFields(watcher.fields, fieldsOf(watcher.def, object));
	}

	private lineFor(watcher: Watcher, event: SimEvent): string | undefined {
		const line = this.rawLineFor(watcher, event);
		return line === undefined ? undefined : this.printed(watcher, line);
	}

	/** For a Table watch (kubectl get -w), the event's object as a one-row Table; only the first has the columns. */
	private printed(watcher: Watcher, line: string): string {
		if (!watcher.table) return line;
		const {type, object} = JSON.parse(line) as {type: string; object: KubeObject};
		const table = tableOf(watcher.def, [object], {resourceVersion: object.metadata.resourceVersion}, watcher.table) as {columnDefinitions: unknown};
		if (watcher.tableHeaderSent) table.columnDefinitions = null;
		watcher.tableHeaderSent = true;
		return `${JSON.stringify({type, object: table})}\n`;
	}

	/** The line a watcher gets for an event; a selector turns MODIFIED into ADDED/DELETED when an object enters or leaves it. */
	private rawLineFor(watcher: Watcher, event: SimEvent): string | undefined {
		if (event.plural !== watcher.def.plural) return undefined;
		if (watcher.namespace !== undefined && event.namespace !== watcher.namespace) return undefined;
		if (!watcher.selective) return eventLine(event);
		const now = this.matches(watcher, event.entry.object);
		if (event.type !== 'MODIFIED') return now ? eventLine(event) : undefined;
		const before = event.prev ? this.matches(watcher, event.prev.object) : false;
		let type: WatchEventType | undefined;
		if (now && before) type = 'MODIFIED';
		else if (now) type = 'ADDED';
		else if (before) type = 'DELETED';
		return type ? eventLine(event, type) : undefined;
	}

	private dispatch(event: SimEvent): void {
		const set = this.watchers.get(event.plural);
		if (!set) return;
		for (const watcher of set) {
			if (watcher.paused) continue;
			if (this.network.isCut(watcher.originHost, this.model.host)) {
				watcher.paused = true;
				continue;
			}
			const line = this.lineFor(watcher, event);
			if (line) watcher.res.write(line);
			watcher.lastRv = event.rv;
		}
	}

	private bookmark(watcher: Watcher): void {
		if (watcher.paused || watcher.ended) return;
		watcher.res.write(this.bookmarkLine(watcher));
	}

	private bookmarkLine(watcher: Watcher, annotations?: Record<string, string>): string {
		const rv = this.model.currentRevision();
		watcher.lastRv = rv;
		const {kind, apiVersion} = watcher.def;
		const metadata = {resourceVersion: String(rv), ...(annotations ? {annotations} : {})};
		return `${JSON.stringify({type: 'BOOKMARK', object: {kind, apiVersion, metadata}})}\n`;
	}

	private networkChanged(): void {
		for (const set of this.watchers.values()) {
			for (const watcher of [...set]) {
				const cut = this.network.isCut(watcher.originHost, this.model.host);
				if (cut) {
					watcher.paused = true;
					continue;
				}
				if (!watcher.paused) continue;
				watcher.paused = false;
				const events = this.model.eventsSince(watcher.lastRv);
				if (!events) {
					this.expire(watcher, String(watcher.lastRv));
					continue;
				}
				const chunks: string[] = [];
				for (const event of events) {
					const line = this.lineFor(watcher, event);
					if (line) chunks.push(line);
				}
				if (chunks.length > 0) watcher.res.write(chunks.join(''));
				watcher.lastRv = this.model.currentRevision();
				if (watcher.endWhenResumed) this.end(watcher);
			}
		}
	}

	/** In-stream 410, then the end of the stream: the client lists again. */
	private expire(watcher: Watcher, rvText: string): void {
		const body = statusBody(410, `too old resource version: ${rvText} (${this.model.oldestServableRevision()})`, undefined, 'Expired');
		watcher.res.write(`${JSON.stringify({type: 'ERROR', object: body})}\n`);
		this.end(watcher);
	}

	private end(watcher: Watcher): void {
		if (!watcher.ended) {
			watcher.ended = true;
			watcher.res.end();
		}
		this.drop(watcher);
	}

	private drop(watcher: Watcher): void {
		watcher.ended = true;
		for (const timer of watcher.timers) clearTimeout(timer);
		watcher.timers = [];
		this.watchers.get(watcher.def.plural)?.delete(watcher);
	}
}
