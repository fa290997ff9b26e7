// One container's log as a bounded stream: GET …/pods/{name}/log with tailLines, follow and previous,
// over http.ts's openRequest (a deadline for the headers, an abort that always works). The text goes
// into a LogBuffer (bounded in lines and bytes); close() aborts the request and frees the socket.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {openRequest, statusError, normaliseError} from './http.js';
import type {LogBuffer} from '../store/log-buffer.js';

export interface LogTarget {
	namespace: string;
	pod: string;
	container?: string;
}

export interface LogStreamOptions {
	previous: boolean;
	follow: boolean;
	tailLines: number;
	/** Deadline for the response headers. */
	timeoutMs: number;
	/** New text arrived (the buffer holds it). */
	onData: () => void;
	/** The stream ended: cleanly (error undefined) or with the server's or the socket's reason. */
	onEnd: (error?: string) => void;
}

export function logPath(target: LogTarget, options: {previous: boolean; follow: boolean; tailLines: number}): string {
	const query = new URLSearchParams({tailLines: String(options.tailLines)});
	if (options.follow) query.set('follow', 'true');
	if (options.previous) query.set('previous', 'true');
	if (target.container) query.set('container', target.container);
	return `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log?${query}`;
}

/** Starts reading; returns the function that stops it (idempotent). */
export function streamLogs(kc: KubeConfig, target: LogTarget, buffer: LogBuffer, options: LogStreamOptions): () => void {
	const controller = new AbortController();
	let finished = false;
	const end = (error?: string) => {
		if (finished) return;
		finished = true;
		buffer.flush();
		options.onEnd(error);
	};
	void (async () => {
		try {
			const response = await openRequest(kc, logPath(target, options), {signal: controller.signal, timeoutMs: options.timeoutMs});
			const status = response.statusCode ?? 0;
			if (status < 200 || status >= 300) {
				let body = '';
				for await (const chunk of response) {
					if (body.length < 65_536) body += String(chunk);
				}
				return end(statusError(status, body).message);
			}
			response.setEncoding('utf8');
			for await (const chunk of response) {
				buffer.push(chunk as string);
				options.onData();
			}
			end();
		} catch (error) {
			if (controller.signal.aborted) return end();
			end(normaliseError(error as Error).message);
		}
	})();
	return () => {
		if (!controller.signal.aborted) controller.abort();
		finished = true;
	};
}
