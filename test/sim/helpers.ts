// Small HTTP helpers for the simulator tests: plain node:http, so a hang is seen as a hang.
import {get, type IncomingMessage} from 'node:http';

export async function getJson(url: string): Promise<{status: number; body: any; headers: IncomingMessage['headers']}> {
	const response = await fetch(url);
	const text = await response.text();
	return {status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text, headers: Object.fromEntries(response.headers)};
}

export interface WatchStream {
	status: number;
	/** The next parsed line; rejects after `timeoutMs`. */
	next(timeoutMs?: number): Promise<any>;
	/** Resolves when the server ends the stream. */
	ended: Promise<void>;
	close(): void;
	/** Bytes received so far (to prove silence). */
	bytes(): number;
}

export function openWatch(url: string, headers: Record<string, string> = {}): Promise<WatchStream> {
	return new Promise((resolve, reject) => {
		const request = get(url, {headers}, response => {
			let buffer = '';
			let received = 0;
			const queue: any[] = [];
			const waiters: Array<(value: any) => void> = [];
			let endResolve: () => void;
			const ended = new Promise<void>(done => (endResolve = done));
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				received += Buffer.byteLength(chunk);
				buffer += chunk;
				let newline;
				while ((newline = buffer.indexOf('\n')) >= 0) {
					const line = buffer.slice(0, newline);
					buffer = buffer.slice(newline + 1);
					if (!line.trim()) continue;
					const value = JSON.parse(line);
					const waiter = waiters.shift();
					if (waiter) waiter(value);
					else queue.push(value);
				}
			});
			response.on('end', () => endResolve());
			response.on('close', () => endResolve());
			resolve({
				status: response.statusCode ?? 0,
				next(timeoutMs = 5000) {
					const queued = queue.shift();
					if (queued !== undefined) return Promise.resolve(queued);
					return new Promise((done, fail) => {
						const timer = setTimeout(() => {
							waiters.splice(waiters.indexOf(wrapped), 1);
							fail(new Error(`no watch event within ${timeoutMs} ms`));
						}, timeoutMs);
						const wrapped = (value: any) => {
							clearTimeout(timer);
							done(value);
						};
						waiters.push(wrapped);
					});
				},
				ended,
				close: () => request.destroy(),
				bytes: () => received,
			});
		});
		request.on('error', reject);
	});
}

/** GET that reports 'timeout' when nothing answers within `timeoutMs` (and 'refused'/'reset' otherwise). */
export function probe(url: string, timeoutMs: number): Promise<{outcome: 'answered' | 'timeout' | 'error'; code?: string; status?: number}> {
	return new Promise(resolve => {
		const request = get(url, {timeout: timeoutMs}, response => {
			response.resume();
			resolve({outcome: 'answered', status: response.statusCode});
		});
		request.on('timeout', () => {
			request.destroy();
			resolve({outcome: 'timeout'});
		});
		request.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'ECONNRESET' && request.destroyed) return;
			resolve({outcome: 'error', code: error.code});
		});
	});
}

export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string, stepMs = 50): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise(done => setTimeout(done, stepMs));
	}
}
