// The few writes labwatch makes (delete a pod, patch a workload's restartedAt), with the kubeconfig's TLS
// and credentials, a deadline, and the server's Status message as the error. http.ts's openRequest is a
// GET for watches and lists; this is its counterpart for a method with a body.
import http from 'node:http';
import https from 'node:https';
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {KubeRequestError, normaliseError, statusError} from './http.js';

export interface WriteOptions {
	body?: unknown;
	/** Default application/json; a restart sends application/strategic-merge-patch+json. */
	contentType?: string;
	timeoutMs: number;
}

export async function sendKubeRequest<T>(kc: KubeConfig, method: 'DELETE' | 'PATCH' | 'POST', path: string, options: WriteOptions): Promise<T> {
	const cluster = kc.getCurrentCluster();
	if (!cluster) throw new KubeRequestError('no current cluster in kubeconfig');
	const url = new URL(cluster.server.replace(/\/$/, '') + path);
	const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
	const headers: Record<string, string> = {Accept: 'application/json'};
	if (payload !== undefined) {
		headers['Content-Type'] = options.contentType ?? 'application/json';
		headers['Content-Length'] = String(Buffer.byteLength(payload));
	}
	const requestOptions: https.RequestOptions = {method, headers, agent: false};
	await kc.applyToHTTPSOptions(requestOptions);
	if (!cluster.proxyUrl) requestOptions.agent = false;
	const transport = url.protocol === 'https:' ? https : http;
	return new Promise<T>((resolve, reject) => {
		const request = transport.request(url, requestOptions, response => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('error', error => reject(normaliseError(error)));
			response.on('end', () => {
				clearTimeout(timer);
				const text = Buffer.concat(chunks).toString('utf8');
				const status = response.statusCode ?? 0;
				if (status < 200 || status >= 300) return reject(statusError(status, text));
				try {
					resolve(JSON.parse(text) as T);
				} catch {
					resolve(undefined as T);
				}
			});
		});
		const timer = setTimeout(() => request.destroy(new KubeRequestError('timeout')), options.timeoutMs);
		request.on('error', error => {
			clearTimeout(timer);
			reject(normaliseError(error));
		});
		request.end(payload);
	});
}
