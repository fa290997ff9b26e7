// A small Prometheus HTTP API client over node:http(s), set up from the `prometheus:` config (basic auth or
// bearer token, TLS). Every answer is bounded in time AND size: `prometheus.timeout` covers the headers and
// the whole body (a server dripping one byte a second is cut off at the deadline), and a body larger than
// maxAnswerBytes is dropped as soon as it passes the cap. (prometheus-query over axios bounded neither.)
import {readFileSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {PrometheusConfig} from '../config/schema.js';

/** No answer labwatch asks for comes near this: 2 000 pods' working sets are about half a megabyte. */
export const maxAnswerBytes = 16 * 2 ** 20;

/** What went wrong with one request, in words promErrorReason turns into one line. */
export type PromFailure =
	| {kind: 'timeout'}
	| {kind: 'too-large'; limitBytes: number}
	| {kind: 'aborted'}
	| {kind: 'network'; code?: string; message: string}
	| {kind: 'http'; status: number; errorType?: string; detail?: string; retryAfterMs?: number}
	| {kind: 'not-prometheus'; detail: string};

export class PromRequestError extends Error {
	override readonly name = 'PromRequestError';
	constructor(readonly failure: PromFailure) {
		super(failure.kind);
	}
}

/** The `data` of a successful answer: `{resultType, result}` as Prometheus sent it (not yet trusted). */
export interface PromResult {
	resultType: unknown;
	result: unknown;
}

export interface PromClient {
	instantQuery(promql: string, atMs: number, evalTimeout: string): Promise<PromResult>;
	rangeQuery(promql: string, startMs: number, endMs: number, stepS: number, evalTimeout: string): Promise<PromResult>;
	/** Aborts every request in flight (stop() must not leave sockets behind). */
	abortAll(): void;
}

/** `tls.ca` is a PEM file path, or the PEM text itself. */
function readCa(ca: string): string {
	return ca.trimStart().startsWith('-----BEGIN') ? ca : readFileSync(ca, 'utf8');
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (!text) return undefined;
	if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Number(text) * 1000;
	const atMs = Date.parse(text);
	return Number.isFinite(atMs) ? Math.max(0, atMs - nowMs) : undefined;
}

function field(value: unknown, key: string): unknown {
	return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** What a failed answer says: Prometheus' `error`, a proxy's `message`, or its text without HTML. */
function errorDetail(body: string, contentType: string | undefined): {errorType?: string; detail?: string} {
	try {
		if (/json/i.test(contentType ?? '') || /^\s*[{[]/.test(body)) {
			const parsed: unknown = JSON.parse(body);
			const error = field(parsed, 'error') ?? field(parsed, 'message');
			const errorType = field(parsed, 'errorType');
			// JSON without a message of either kind says nothing a person can read: the status alone.
			return {
				...(typeof errorType === 'string' ? {errorType} : {}),
				...(typeof error === 'string' && error.trim() ? {detail: error} : {}),
			};
		}
	} catch {
		// Not JSON after all: read it as text.
	}
	const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
	return text ? {detail: text} : {};
}

export function createPromClient(config: PrometheusConfig, options: {maxBytes?: number} = {}): PromClient {
	const maxBytes = options.maxBytes ?? maxAnswerBytes;
	let controller = new AbortController();
	const base = new URL(config.url.replace(/\/+$/, '') + '/');
	const secure = base.protocol === 'https:';
	// Kept-alive connections: a poll every few seconds should not open (and TLS-handshake) new ones each time.
	const keepAlive = {keepAlive: true, maxSockets: 4, maxFreeSockets: 4};
	const agent = secure
		? new https.Agent({
				...keepAlive,
				...(config.tls ? {rejectUnauthorized: !config.tls.insecureSkipVerify} : {}),
				...(config.tls?.ca ? {ca: readCa(config.tls.ca)} : {}),
			})
		: new http.Agent(keepAlive);
	const headers: Record<string, string> = {Accept: 'application/json'};
	if (config.basicAuth) headers.Authorization = `Basic ${Buffer.from(`${config.basicAuth.username}:${config.basicAuth.password}`).toString('base64')}`;
	if (config.bearerToken) headers.Authorization = `Bearer ${config.bearerToken}`;

	const get = (path: string, params: Record<string, string>): Promise<PromResult> => {
		const url = new URL(path, base);
		for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
		const signal = controller.signal;
		return new Promise<PromResult>((resolve, reject) => {
			if (signal.aborted) {
				reject(new PromRequestError({kind: 'aborted'}));
				return;
			}
			let settled = false;
			const request = (secure ? https : http).request(url, {method: 'GET', headers, agent});
			const fail = (failure: PromFailure) => {
				if (settled) return;
				finish();
				// Destroying drops the socket: a half-read or dripping body never goes back into the pool.
				request.destroy();
				reject(new PromRequestError(failure));
			};
			// One deadline for the headers and the whole body.
			const timer = setTimeout(() => fail({kind: 'timeout'}), config.timeout);
			const onAbort = () => fail({kind: 'aborted'});
			signal.addEventListener('abort', onAbort, {once: true});
			const finish = () => {
				settled = true;
				clearTimeout(timer);
				signal.removeEventListener('abort', onAbort);
			};
			request.on('error', (error: NodeJS.ErrnoException) => fail({kind: 'network', ...(error.code ? {code: error.code} : {}), message: error.message}));
			request.on('response', response => {
				const status = response.statusCode ?? 0;
				const declared = Number(response.headers['content-length']);
				if (Number.isFinite(declared) && declared > maxBytes) {
					fail({kind: 'too-large', limitBytes: maxBytes});
					return;
				}
				const chunks: Buffer[] = [];
				let received = 0;
				response.on('data', (chunk: Buffer) => {
					received += chunk.length;
					if (received > maxBytes) fail({kind: 'too-large', limitBytes: maxBytes});
					else chunks.push(chunk);
				});
				response.on('error', (error: NodeJS.ErrnoException) => fail({kind: 'network', ...(error.code ? {code: error.code} : {}), message: error.message}));
				response.on('end', () => {
					if (settled) return;
					const body = Buffer.concat(chunks).toString('utf8');
					if (status < 200 || status >= 300) {
						const retryAfterMs = status === 429 || status === 503 ? parseRetryAfterMs(response.headers['retry-after']) : undefined;
						finish();
						reject(
							new PromRequestError({
								kind: 'http',
								status,
								...errorDetail(body, response.headers['content-type']),
								...(retryAfterMs !== undefined ? {retryAfterMs} : {}),
							}),
						);
						return;
					}
					let parsed: unknown;
					try {
						parsed = JSON.parse(body);
					} catch {
						fail({kind: 'not-prometheus', detail: 'not JSON'});
						return;
					}
					const data = field(parsed, 'data');
					if (field(parsed, 'status') !== 'success' || typeof data !== 'object' || data === null) {
						fail({kind: 'not-prometheus', detail: 'no status "success" with data'});
						return;
					}
					finish();
					resolve({resultType: field(data, 'resultType'), result: field(data, 'result')});
				});
			});
			request.end();
		});
	};

	return {
		instantQuery: (promql, atMs, evalTimeout) => get('api/v1/query', {query: promql, time: String(atMs / 1000), timeout: evalTimeout}),
		rangeQuery: (promql, startMs, endMs, stepS, evalTimeout) =>
			get('api/v1/query_range', {query: promql, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepS), timeout: evalTimeout}),
		abortAll() {
			controller.abort();
			controller = new AbortController();
			agent.destroy();
		},
	};
}
