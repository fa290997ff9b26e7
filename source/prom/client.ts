// A PrometheusDriver set up from the `prometheus:` config: HTTP timeout, basic auth or bearer token, TLS.
import {readFileSync} from 'node:fs';
import {Agent as HttpAgent} from 'node:http';
import {Agent} from 'node:https';
import {PrometheusDriver} from 'prometheus-query';
import type {PrometheusConfig} from '../config/schema.js';

export interface DriverHandle {
	driver: PrometheusDriver;
	/** Aborts every request in flight (stop() must not leave sockets behind). */
	abortAll(): void;
}

/** `tls.ca` is a PEM file path, or the PEM text itself. */
function readCa(ca: string): string {
	return ca.trimStart().startsWith('-----BEGIN') ? ca : readFileSync(ca, 'utf8');
}

export function createDriver(config: PrometheusConfig): DriverHandle {
	let controller = new AbortController();
	// Kept-alive connections: a poll every few seconds should not open (and TLS-handshake) new ones each time.
	const keepAlive = {keepAlive: true, maxSockets: 4, maxFreeSockets: 4};
	const httpsAgent = config.url.startsWith('https:')
		? new Agent({
				...keepAlive,
				...(config.tls ? {rejectUnauthorized: !config.tls.insecureSkipVerify} : {}),
				...(config.tls?.ca ? {ca: readCa(config.tls.ca)} : {}),
			})
		: undefined;
	const httpAgent = httpsAgent ? undefined : new HttpAgent(keepAlive);
	const driver = new PrometheusDriver({
		endpoint: config.url,
		timeout: config.timeout,
		...(config.basicAuth ? {auth: {username: config.basicAuth.username, password: config.basicAuth.password}} : {}),
		...(config.bearerToken ? {headers: {Authorization: `Bearer ${config.bearerToken}`}} : {}),
		requestInterceptor: {
			onFulfilled: request => {
				// Prometheus is on the LAN: an HTTP(S)_PROXY meant for the internet must not capture it.
				request.proxy = false;
				request.signal = controller.signal;
				if (httpsAgent) request.httpsAgent = httpsAgent;
				if (httpAgent) request.httpAgent = httpAgent;
				return request;
			},
		},
		responseInterceptor: {
			onFulfilled: response => response,
			// A proxy in front of Prometheus answers errors as text or HTML; the driver would call that an
			// "unexpected client error" and lose the status. Give it the shape of a Prometheus error instead.
			onRejected: (error: unknown) => {
				const response = (error as {response?: {data?: unknown; statusText?: string}}).response;
				if (response && (typeof response.data !== 'object' || response.data === null)) {
					const body = typeof response.data === 'string' ? response.data.replace(/<[^>]*>/g, ' ').trim() : '';
					response.data = {status: 'error', errorType: 'http', error: body || response.statusText || 'no body'};
				}
				return Promise.reject(error);
			},
		},
	});
	return {
		driver,
		abortAll() {
			controller.abort();
			controller = new AbortController();
			httpAgent?.destroy();
			httpsAgent?.destroy();
		},
	};
}
