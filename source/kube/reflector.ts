// List, then watch from the list's resourceVersion; on a clean end re-watch from the last version seen,
// on 410 Gone list again, on any other failure back off and retry. This is the informer's job, done here
// because client-node 1.4's informer stops for good on any non-410 error, has no request timeout, and
// caches whole objects (managedFields and all) where labwatch needs a trimmed few fields.
import {createInterface} from 'node:readline';
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {KubeRequestError, openRequest, statusError} from './http.js';
import {listAll} from './list.js';

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
	failure(reason: string): void;
}

export interface ReflectorOptions {
	requestTimeoutMs: number;
	/** Back-off bounds after failures. */
	minBackoffMs?: number;
	maxBackoffMs?: number;
	/** Re-list a resource that answered 404 this often. */
	missingRetryMs?: number;
	pageSize?: number;
}

export class Reflector<T> {
	private resourceVersion: string | undefined;
	private attempt: AbortController | undefined;
	private timer: NodeJS.Timeout | undefined;
	private backoffMs: number;
	private stopped = true;
	private generation = 0;
	private lastLineMs = 0;

	constructor(
		private readonly kc: KubeConfig,
		private readonly kind: ResourceKind<T>,
		private readonly sink: ReflectorSink<T>,
		private readonly options: ReflectorOptions,
	) {
		this.backoffMs = options.minBackoffMs ?? 500;
	}

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

	/** Abandon whatever is in flight (it may be hung in a partition) and watch again at once from the last version. */
	resume(): void {
		if (this.stopped) return;
		this.generation++;
		clearTimeout(this.timer);
		this.attempt?.abort();
		this.backoffMs = this.options.minBackoffMs ?? 500;
		this.run(this.generation);
	}

	/** Milliseconds since the watch stream last delivered anything. */
	silentForMs(nowMs = Date.now()): number {
		return this.lastLineMs === 0 ? Number.POSITIVE_INFINITY : nowMs - this.lastLineMs;
	}

	private run(generation: number): void {
		const controller = new AbortController();
		this.attempt = controller;
		const cycle = this.resourceVersion ? this.watch(controller.signal) : this.list(controller.signal).then(() => this.watch(controller.signal));
		cycle.then(
			() => {
				if (generation !== this.generation || this.stopped) return;
				this.backoffMs = this.options.minBackoffMs ?? 500;
				this.run(generation);
			},
			(error: unknown) => {
				if (generation !== this.generation || this.stopped) return;
				const failure = error instanceof KubeRequestError ? error : new KubeRequestError(String((error as Error)?.message ?? error));
				if (failure.statusCode === 410 || failure.reason === 'Expired' || failure.reason === 'Gone') {
					this.resourceVersion = undefined; // too old: list again, at once
					this.run(generation);
					return;
				}
				if (failure.statusCode === 404) {
					this.sink.missing();
					this.schedule(generation, this.options.missingRetryMs ?? 60_000);
					return;
				}
				this.sink.failure(failure.message);
				this.schedule(generation, this.backoffMs);
				const maxMs = this.options.maxBackoffMs ?? 30_000;
				this.backoffMs = Math.min(maxMs, this.backoffMs * 2) * (0.8 + Math.random() * 0.4);
			},
		);
	}

	private schedule(generation: number, delayMs: number): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			if (generation === this.generation && !this.stopped) this.run(generation);
		}, delayMs);
		this.timer.unref?.();
	}

	private async list(signal: AbortSignal): Promise<void> {
		const {items, resourceVersion} = await listAll(this.kc, this.kind, {signal, timeoutMs: this.options.requestTimeoutMs, pageSize: this.options.pageSize});
		if (signal.aborted) throw new KubeRequestError('aborted');
		this.resourceVersion = resourceVersion;
		this.lastLineMs = Date.now();
		this.sink.replace(items);
		this.sink.activity();
	}

	/** One watch stream; resolves when the server ends it cleanly. */
	private async watch(signal: AbortSignal): Promise<void> {
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
		if (response.statusCode !== 200) {
			const chunks: Buffer[] = [];
			for await (const chunk of response) chunks.push(chunk as Buffer);
			throw statusError(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
		}
		this.lastLineMs = Date.now();
		this.sink.activity();
		const lines = createInterface({input: response, crlfDelay: Number.POSITIVE_INFINITY});
		const stall = setInterval(() => {
			if (this.silentForMs() > (timeoutSeconds + 60) * 1000) response.destroy(new KubeRequestError('watch stalled'));
		}, 30_000);
		stall.unref?.();
		try {
			for await (const line of lines) {
				if (!line) continue;
				this.lastLineMs = Date.now();
				let event: {type?: string; object?: Record<string, any>};
				try {
					event = JSON.parse(line);
				} catch {
					continue;
				}
				this.apply(event);
			}
		} catch (error) {
			if (signal.aborted) throw new KubeRequestError('aborted');
			throw error instanceof KubeRequestError ? error : new KubeRequestError((error as Error).message || 'watch failed');
		} finally {
			clearInterval(stall);
		}
		if (signal.aborted) throw new KubeRequestError('aborted');
		if (!response.complete) throw new KubeRequestError('watch connection lost');
	}

	private apply(event: {type?: string; object?: Record<string, any>}): void {
		const object = event.object ?? {};
		const version = object.metadata?.resourceVersion;
		switch (event.type) {
			case 'ADDED':
			case 'MODIFIED':
				this.sink.upsert(this.kind.trim(object));
				break;
			case 'DELETED':
				this.sink.remove(this.kind.key(this.kind.trim(object)));
				break;
			case 'BOOKMARK':
				break;
			case 'ERROR': {
				const code = Number(object.code);
				throw new KubeRequestError(`watch error: ${object.message ?? 'unknown'}`, code || undefined, object.reason);
			}
			default:
				return;
		}
		if (typeof version === 'string' && version) this.resourceVersion = version;
		this.sink.activity();
	}
}
