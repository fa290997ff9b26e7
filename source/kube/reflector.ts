// List, then watch from the list's resourceVersion; on a clean end re-watch from the last version seen,
// on 410 Gone list again, on any other failure back off and retry. This is the informer's job, done here
// because client-node's informer stops for good on any non-410 error, has no request timeout, and
// caches whole objects (managedFields and all) where labwatch needs a trimmed few fields.
// Everything from the server is untrusted: lines are bounded, bad events and objects are skipped and
// counted, a watch that fails or ends at once counts as a failure for back-off, and every exit path
// closes the response.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import type {IncomingMessage} from 'node:http';
import {KubeRequestError, formatMiB, maxErrorBodyBytes, normaliseError, openRequest, readBody, statusError} from './http.js';
import {listAll} from './list.js';
import {isObject, trimOne} from './trim-each.js';

export interface ResourceKind<T> {
	/** "pods", "nodes", "gateways": for messages. */
	name: string;
	/** Cluster-wide collection path, e.g. /api/v1/pods. */
	path: string;
	trim(object: Record<string, any>): T;
	key(item: T): string;
}

export interface ReflectorSink<T> {
	/** The full set after a list: the sink replaces what it held. */
	replace(items: T[]): void;
	upsert(item: T): void;
	remove(key: string): void;
	/** The API answered 404 for this resource: not installed in this cluster (e.g. no Submariner CRDs). */
	missing(): void;
	/** Something arrived: the cluster is answering. */
	activity(): void;
	/**
	 * This resource cannot be read now. `answered`: the server answered (a 403, a 500, a broken stream),
	 * so the connection works and only this resource fails; otherwise the connection itself failed.
	 */
	failure(reason: string, answered: boolean, statusCode?: number): void;
	/** A watch has stayed open long enough to count as working again. */
	recovered(): void;
	/** Objects or events that could not be read: `fresh` after a list (the count so far is replaced). */
	skipped(count: number, fresh: boolean): void;
}

export interface ReflectorOptions {
	requestTimeoutMs: number;
	/** Back-off bounds after failures. */
	minBackoffMs?: number;
	maxBackoffMs?: number;
	/** Re-list a resource that answered 404 this often. */
	missingRetryMs?: number;
	pageSize?: number;
	/** A watch line longer than this is a broken stream (default 16 MiB). */
	maxLineBytes?: number;
	/** A watch that ends sooner than this counts as a failure; one open this long counts as working (default 1 s). */
	minHealthyWatchMs?: number;
}

export const maxWatchLineBytes = 16 * 2 ** 20;

export class Reflector<T> {
	private resourceVersion: string | undefined;
	private attempt: AbortController | undefined;
	private timer: NodeJS.Timeout | undefined;
	private stopped = true;
	private generation = 0;
	private lastLineMs = 0;
	/** Failures since a watch last stayed open: what the back-off grows with. */
	private failuresInARow = 0;
	/** The last failure was the server's answer (403, 500, a broken stream): the probe must not cut its back-off short. */
	private answeredFailure = false;

	constructor(
		private readonly kc: KubeConfig,
		private readonly kind: ResourceKind<T>,
		private readonly sink: ReflectorSink<T>,
		private readonly options: ReflectorOptions,
	) {}

	get version(): string | undefined {
		return this.resourceVersion;
	}

	start(): void {
		if (!this.stopped) return;
		this.stopped = false;
		this.run(this.generation);
	}

	stop(): void {
		this.stopped = true;
		this.generation++;
		clearTimeout(this.timer);
		this.attempt?.abort();
		this.attempt = undefined;
	}

	/**
	 * Abandon whatever is in flight (it may be hung in a partition) and watch again at once from the last
	 * version. For silent streams only: a resource the server answered with an error keeps its back-off.
	 */
	resume(): void {
		if (this.stopped || this.answeredFailure) return;
		this.generation++;
		clearTimeout(this.timer);
		this.attempt?.abort();
		this.run(this.generation);
	}

	/** Milliseconds since the watch stream last delivered anything. */
	silentForMs(nowMs = Date.now()): number {
		return this.lastLineMs === 0 ? Number.POSITIVE_INFINITY : nowMs - this.lastLineMs;
	}

	private run(generation: number): void {
		const controller = new AbortController();
		this.attempt = controller;
		const cycle = this.resourceVersion ? this.watch(controller.signal, generation) : this.list(controller.signal).then(() => this.watch(controller.signal, generation));
		cycle.then(
			() => {
				// A clean end of a watch that stayed open: re-watch from the last version at once.
				if (generation !== this.generation || this.stopped) return;
				this.run(generation);
			},
			(error: unknown) => {
				if (generation !== this.generation || this.stopped) return;
				const failure = error instanceof KubeRequestError ? error : new KubeRequestError(String((error as Error)?.message ?? error));
				if (failure.statusCode === 404) {
					this.sink.missing();
					this.schedule(generation, this.options.missingRetryMs ?? 60_000);
					return;
				}
				const gone = failure.statusCode === 410 || failure.reason === 'Expired' || failure.reason === 'Gone';
				if (gone) this.resourceVersion = undefined; // too old: list again
				this.failuresInARow++;
				// The first 410 is history moving on: list again at once. Another before a watch has
				// stayed open is a server that answers nothing else, and backs off like any failure.
				if (gone && this.failuresInARow === 1) {
					this.run(generation);
					return;
				}
				const delayMs = Math.max(this.backoffMs(), failure.retryAfterMs ?? 0);
				this.answeredFailure = failure.answered;
				this.sink.failure(gone ? `${failure.message} (again: listing again in ${seconds(delayMs)})` : failure.message, failure.answered, failure.statusCode);
				this.schedule(generation, delayMs);
			},
		);
	}

	/** min, 2×min, 4×min … up to max, with ±20 % jitter so clusters do not retry in step. */
	private backoffMs(): number {
		const minMs = this.options.minBackoffMs ?? 500;
		const maxMs = this.options.maxBackoffMs ?? 30_000;
		const exponent = Math.min(30, Math.max(0, this.failuresInARow - 1));
		return Math.min(maxMs, minMs * 2 ** exponent) * (0.8 + Math.random() * 0.4);
	}

	private schedule(generation: number, delayMs: number): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			if (generation === this.generation && !this.stopped) this.run(generation);
		}, delayMs);
		this.timer.unref?.();
	}

	private async list(signal: AbortSignal): Promise<void> {
		const {items, resourceVersion, skipped} = await listAll(this.kc, this.kind, {signal, timeoutMs: this.options.requestTimeoutMs, pageSize: this.options.pageSize});
		if (signal.aborted) throw new KubeRequestError('aborted');
		this.resourceVersion = resourceVersion;
		this.lastLineMs = Date.now();
		this.sink.replace(items);
		this.sink.skipped(skipped, true);
		this.sink.activity();
	}

	/** One watch stream; resolves when the server ends it cleanly after it stayed open. */
	private async watch(signal: AbortSignal, generation: number): Promise<void> {
		// The server ends the stream after this long; re-watching from the last version also guards
		// against a stream that went silent without an error.
		const timeoutSeconds = 240 + Math.floor(Math.random() * 240);
		const query = new URLSearchParams({
			watch: 'true',
			resourceVersion: this.resourceVersion ?? '',
			allowWatchBookmarks: 'true',
			timeoutSeconds: String(timeoutSeconds),
		});
		const response = await openRequest(this.kc, `${this.kind.path}?${query}`, {signal, timeoutMs: this.options.requestTimeoutMs});
		const openedMs = Date.now();
		const minHealthyMs = this.options.minHealthyWatchMs ?? 1000;
		let healthy: NodeJS.Timeout | undefined;
		let stall: NodeJS.Timeout | undefined;
		try {
			if (response.statusCode !== 200) {
				const body = await readBody(response, maxErrorBodyBytes).catch(() => '');
				throw statusError(response.statusCode ?? 0, body, response.headers);
			}
			this.lastLineMs = Date.now();
			this.sink.activity();
			healthy = setTimeout(() => {
				if (generation !== this.generation || this.stopped || response.destroyed) return;
				this.failuresInARow = 0;
				this.answeredFailure = false;
				this.sink.recovered();
			}, minHealthyMs);
			healthy.unref?.();
			stall = setInterval(() => {
				if (this.silentForMs() > (timeoutSeconds + 60) * 1000) response.destroy(new KubeRequestError('watch stalled'));
			}, 30_000);
			stall.unref?.();
			for await (const line of watchLines(response, this.options.maxLineBytes ?? maxWatchLineBytes)) {
				this.lastLineMs = Date.now();
				if (!line.trim()) continue;
				let event: unknown;
				try {
					event = JSON.parse(line);
				} catch {
					event = undefined;
				}
				if (!this.apply(event)) this.sink.skipped(1, false);
			}
		} catch (error) {
			if (signal.aborted) throw new KubeRequestError('aborted');
			// A stream cut mid-way is Node's "aborted" (ECONNRESET): the connection, not the server's answer.
			throw normaliseError(error as Error);
		} finally {
			clearTimeout(healthy);
			clearInterval(stall);
			// Whatever ended the loop (an ERROR event, a bad line, an abort), the socket goes with it.
			response.destroy();
		}
		if (signal.aborted) throw new KubeRequestError('aborted');
		if (!response.complete) throw new KubeRequestError('watch connection lost');
		if (Date.now() - openedMs < minHealthyMs) {
			throw new KubeRequestError('watch ended within a second of opening (the server closed it)', undefined, undefined, {answered: true});
		}
	}

	/** Applies one watch event; false when it could not be read (skipped and counted). */
	private apply(event: unknown): boolean {
		if (!isObject(event) || !isObject(event.object)) return false;
		const object = event.object;
		const metadata = isObject(object.metadata) ? object.metadata : {};
		const version = metadata.resourceVersion;
		switch (event.type) {
			case 'ADDED':
			case 'MODIFIED': {
				const item = trimOne(this.kind, object);
				if (item === undefined) return false;
				this.sink.upsert(item);
				break;
			}
			case 'DELETED': {
				const item = trimOne(this.kind, object);
				if (item === undefined) return false;
				this.sink.remove(this.kind.key(item));
				break;
			}
			case 'BOOKMARK':
				break;
			case 'ERROR': {
				const code = Number(object.code);
				const failure = statusError(Number.isInteger(code) && code > 0 ? code : 500, JSON.stringify(object));
				throw new KubeRequestError(`watch error: ${failure.message}`, failure.statusCode, failure.reason, {answered: true});
			}
			default:
				return false;
		}
		if (typeof version === 'string' && version) this.resourceVersion = version;
		this.sink.activity();
		return true;
	}
}

/** The stream's lines, each at most maxBytes: a longer one drops the stream with a reason. */
async function* watchLines(response: IncomingMessage, maxBytes: number): AsyncGenerator<string> {
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	const tooLong = () => new KubeRequestError(`watch line longer than ${formatMiB(maxBytes)}: stream dropped`, undefined, undefined, {answered: true});
	for await (const chunk of response as AsyncIterable<Buffer>) {
		let start = 0;
		for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
			const piece = chunk.subarray(start, newline);
			if (pendingBytes + piece.length > maxBytes) throw tooLong();
			const line = pending.length === 0 ? piece.toString('utf8') : Buffer.concat([...pending, piece]).toString('utf8');
			pending = [];
			pendingBytes = 0;
			start = newline + 1;
			yield line;
		}
		if (start < chunk.length) {
			pendingBytes += chunk.length - start;
			if (pendingBytes > maxBytes) throw tooLong();
			pending.push(chunk.subarray(start));
		}
	}
	if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8');
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;
