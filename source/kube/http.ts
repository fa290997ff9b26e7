// Requests to a cluster's API with the kubeconfig's TLS and credentials, over node:http(s) so every
// request has a deadline and can be aborted. (client-node 1.4's Watch awaits the response headers
// before handing back its AbortController, so a request into a silent partition could never be cancelled.)
import http from 'node:http';
import https from 'node:https';
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {noteServerDate} from '../submariner/server-clock.js';

export interface KubeRequestErrorDetails {
	/** The server answered (an HTTP status, a Status object, a malformed stream): the connection works. */
	answered?: boolean;
	/** A 429 or 503's Retry-After, in milliseconds. */
	retryAfterMs?: number;
	/** A 410 on a paged list carries a fresh continue token. */
	continueToken?: string;
}

export class KubeRequestError extends Error {
	readonly answered: boolean;
	readonly retryAfterMs?: number;
	readonly continueToken?: string;

	constructor(
		message: string,
		readonly statusCode?: number,
		readonly reason?: string,
		details: KubeRequestErrorDetails = {},
	) {
		super(message);
		this.name = 'KubeRequestError';
		this.answered = details.answered ?? statusCode !== undefined;
		this.retryAfterMs = details.retryAfterMs;
		this.continueToken = details.continueToken;
	}
}

/** Largest answer read into memory: one list page, one error body. Past it the answer is dropped. */
export const maxBodyBytes = 64 * 2 ** 20;
/** Error bodies and probe answers are short; a server that sends more is not read further. */
export const maxErrorBodyBytes = 64 * 2 ** 10;

export interface OpenOptions {
	signal?: AbortSignal;
	/** Deadline for the response headers (and, with readAll, the body). */
	timeoutMs: number;
	/** A keep-alive agent for frequent small requests; default: a fresh connection each time. */
	agent?: http.Agent;
	/** With getJson: the largest body read (default maxBodyBytes). */
	maxBytes?: number;
	/** With getJson: told the size of the body read. */
	onBytes?: (bytes: number) => void;
}

/** Opens a GET and resolves with the response once its headers arrive. */
export async function openRequest(kc: KubeConfig, path: string, options: OpenOptions): Promise<http.IncomingMessage> {
	const cluster = kc.getCurrentCluster();
	if (!cluster) throw new KubeRequestError('no current cluster in kubeconfig');
	const url = new URL(cluster.server.replace(/\/$/, '') + path);
	const requestOptions: https.RequestOptions = {method: 'GET', headers: {Accept: 'application/json'}, agent: options.agent ?? false};
	await kc.applyToHTTPSOptions(requestOptions);
	// client-node replaces the agent with a new one on every call (its TLS options are also set on the
	// request itself), so nothing would ever be reused: put ours back, unless it made a proxy agent.
	if (!cluster.proxyUrl) requestOptions.agent = options.agent ?? false;
	const transport = url.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const request = transport.request(url, requestOptions);
		const timer = setTimeout(() => request.destroy(new KubeRequestError('timeout')), options.timeoutMs);
		const onAbort = () => request.destroy(new KubeRequestError('aborted'));
		options.signal?.addEventListener('abort', onAbort, {once: true});
		const settle = () => {
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
		};
		request.on('response', response => {
			settle();
			// The API server's clock, to read Submariner's update-timestamp on (source/submariner/server-clock.ts).
			noteServerDate(cluster.server, response.headers.date);
			// Once streaming, the caller owns the socket; an abort still ends it.
			if (options.signal) {
				if (options.signal.aborted) response.destroy();
				else options.signal.addEventListener('abort', () => response.destroy(), {once: true});
			}
			resolve(response);
		});
		request.on('error', error => {
			settle();
			reject(normaliseError(error));
		});
		request.end();
	});
}

/** A keep-alive agent (one socket) for a cluster's server: the probe asks every second, and a TLS
 * handshake each time would cost both sides more than the question. A timed-out request destroys its
 * socket, so a dead connection is never reused. */
export function keepAliveAgentFor(kc: KubeConfig): http.Agent {
	const server = kc.getCurrentCluster()?.server ?? '';
	const options = {keepAlive: true, maxSockets: 1, maxFreeSockets: 1, keepAliveMsecs: 30_000};
	return server.startsWith('https:') ? new https.Agent(options) : new http.Agent(options);
}

/** GET and parse a JSON body; non-2xx answers become a KubeRequestError carrying the Status reason. */
export async function getJson<T>(kc: KubeConfig, path: string, options: OpenOptions): Promise<T> {
	const deadline = AbortSignal.timeout(options.timeoutMs);
	const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
	const response = await openRequest(kc, path, {signal, timeoutMs: options.timeoutMs});
	const status = response.statusCode ?? 0;
	const ok = status >= 200 && status < 300;
	let text: string;
	try {
		text = await readBody(response, ok ? (options.maxBytes ?? maxBodyBytes) : maxErrorBodyBytes);
	} catch (error) {
		throw signal.aborted && deadline.aborted ? new KubeRequestError('timeout') : normaliseError(error as Error);
	}
	options.onBytes?.(Buffer.byteLength(text));
	if (!ok) throw statusError(status, text, response.headers);
	try {
		return JSON.parse(text) as T;
	} catch {
		throw new KubeRequestError(`HTTP ${status}: response is not JSON`, status);
	}
}

/** The whole body as text, or a KubeRequestError (and the response destroyed) once it passes maxBytes. */
export async function readBody(response: http.IncomingMessage, maxBytes: number): Promise<string> {
	const chunks: Buffer[] = [];
	let total = 0;
	try {
		for await (const chunk of response) {
			total += (chunk as Buffer).length;
			if (total > maxBytes) {
				throw new KubeRequestError(`answer larger than ${formatMiB(maxBytes)}: dropped`, undefined, undefined, {answered: true});
			}
			chunks.push(chunk as Buffer);
		}
	} finally {
		response.destroy();
	}
	return Buffer.concat(chunks).toString('utf8');
}

export const formatMiB = (bytes: number) => (bytes >= 2 ** 20 ? `${Math.round(bytes / 2 ** 20)} MiB` : `${Math.round(bytes / 2 ** 10)} KiB`);

/** Words for an HTTP status the apiserver sends, as a person reads them: "forbidden: <message>". */
const statusWords: Record<number, string> = {
	400: 'bad request',
	401: 'unauthorized',
	403: 'forbidden',
	404: 'not found',
	405: 'method not allowed',
	410: 'expired',
	429: 'too many requests',
	500: 'internal error',
	502: 'bad gateway',
	503: 'service unavailable',
	504: 'gateway timeout',
};

/**
 * A non-2xx answer as one readable line: the Status object's `message` after a word for the code
 * ("forbidden: pods is forbidden: User …"), never the raw JSON. Untrusted text: control characters
 * are dropped and the line is bounded.
 */
export function statusError(statusCode: number, body: string, headers: http.IncomingHttpHeaders = {}): KubeRequestError {
	let reason: string | undefined;
	let message = '';
	let continueToken: string | undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		parsed = undefined;
	}
	if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
		const status = parsed as Record<string, unknown>;
		reason = typeof status.reason === 'string' ? plainText(status.reason, 40) : undefined;
		message = typeof status.message === 'string' ? status.message : '';
		const metadata = status.metadata as Record<string, unknown> | undefined;
		if (metadata && typeof metadata === 'object' && typeof metadata.continue === 'string' && metadata.continue) continueToken = metadata.continue;
	} else if (parsed === undefined) {
		// Not JSON (a proxy's HTML page, plain text): its first non-empty line.
		message = body.split('\n').find(line => line.trim()) ?? '';
	}
	const word = statusWords[statusCode] ?? `HTTP ${statusCode}`;
	const text = plainText(message, 300);
	// "Unauthorized" alone says no more than the word; "too many requests, please…" already starts with it.
	const line = !text || text.toLowerCase() === word ? word : text.toLowerCase().startsWith(word) ? text : `${word}: ${text}`;
	return new KubeRequestError(line, statusCode, reason, {retryAfterMs: retryAfterMs(headers['retry-after']), continueToken});
}

/** Retry-After in seconds or as an HTTP date; bounded to ten minutes. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return undefined;
	const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - Date.now();
	return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 600_000) : undefined;
}

/** Server text for a line: control characters (C0, C1, DEL) removed, whitespace collapsed, bounded. */
export function plainText(text: string, maxChars: number): string {
	// eslint-disable-next-line no-control-regex
	const clean = text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?|[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim();
	return clean.length > maxChars ? `${clean.slice(0, maxChars - 1)}…` : clean;
}

/** Socket errors in the words a person expects to read: "connection refused", "timeout". */
export function normaliseError(error: Error & {code?: string}): KubeRequestError {
	if (error instanceof KubeRequestError) return error;
	const byCode: Record<string, string> = {
		ECONNREFUSED: 'connection refused',
		ECONNRESET: 'connection reset',
		EHOSTUNREACH: 'host unreachable',
		ENETUNREACH: 'network unreachable',
		ETIMEDOUT: 'timeout',
		ENOTFOUND: 'unknown host',
		EAI_AGAIN: 'DNS lookup failed',
		EPIPE: 'connection closed',
		DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: self-signed certificate',
		CERT_HAS_EXPIRED: 'TLS: certificate expired',
	};
	const text = (error.code && byCode[error.code]) ?? (error.message || String(error));
	return new KubeRequestError(text);
}
