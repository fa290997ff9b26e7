// Requests to a cluster's API with the kubeconfig's TLS and credentials, over node:http(s) so every
// request has a deadline and can be aborted. (client-node 1.4's Watch awaits the response headers
// before handing back its AbortController, so a request into a silent partition could never be cancelled.)
import http from 'node:http';
import https from 'node:https';
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {noteServerDate} from '../submariner/server-clock.js';

export class KubeRequestError extends Error {
	constructor(
		message: string,
		readonly statusCode?: number,
		readonly reason?: string,
	) {
		super(message);
		this.name = 'KubeRequestError';
	}
}

export interface OpenOptions {
	signal?: AbortSignal;
	/** Deadline for the response headers (and, with readAll, the body). */
	timeoutMs: number;
	/** A keep-alive agent for frequent small requests; default: a fresh connection each time. */
	agent?: http.Agent;
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
	const chunks: Buffer[] = [];
	try {
		for await (const chunk of response) chunks.push(chunk as Buffer);
	} catch (error) {
		throw signal.aborted && deadline.aborted ? new KubeRequestError('timeout') : normaliseError(error as Error);
	}
	const text = Buffer.concat(chunks).toString('utf8');
	const status = response.statusCode ?? 0;
	if (status < 200 || status >= 300) throw statusError(status, text);
	try {
		return JSON.parse(text) as T;
	} catch {
		throw new KubeRequestError(`HTTP ${status}: response is not JSON`, status);
	}
}

export function statusError(statusCode: number, body: string): KubeRequestError {
	let reason: string | undefined;
	let message = '';
	try {
		const parsed = JSON.parse(body);
		reason = typeof parsed.reason === 'string' ? parsed.reason : undefined;
		message = typeof parsed.message === 'string' ? parsed.message : '';
	} catch {
		message = body.slice(0, 120);
	}
	return new KubeRequestError(`HTTP ${statusCode}${reason ? ` ${reason}` : ''}${message ? `: ${message}` : ''}`, statusCode, reason);
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
