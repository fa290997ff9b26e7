// One probe run: an HTTP(S) GET or a TCP connect, bounded in time and in the body it reads. Node's own
// http/https/net only: nothing is executed, no argument is built.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type {ProbeTargetConfig} from '../config/schema.js';
import {formatDurationMs} from '../config/duration.js';
import type {ProbeResult} from './types.js';
import {terminalSafe} from '../text/terminal-safe.js';
import type {ProbeMarkerConfig} from '../config/probe-options.js';
import {markerReading} from './marker.js';
import {runFromCluster, type KubectlTarget} from './from-cluster.js';

/** A health endpoint's answer is small; a server streaming more is cut off here, never buffered. */
export const maxProbeBodyBytes = 64 * 1024;

export interface RunOptions {
	/** Overrides the probe's own timeout (check's deadline may leave less). */
	timeoutMs?: number;
	clock?: () => number;
	/** For probes with from: the cluster's kubeconfig context (and file) that kubectl is run against. */
	kubectl?: (cluster: string) => KubectlTarget | undefined;
}

export function runProbeOnce(probe: ProbeTargetConfig, options: RunOptions = {}): Promise<ProbeResult> {
	const timeoutMs = Math.max(1, Math.min(probe.timeout, options.timeoutMs ?? probe.timeout));
	const clock = options.clock ?? Date.now;
	if (probe.from) return runFromCluster(probe, probe.from, timeoutMs, {clock, target: options.kubectl?.(probe.from.cluster)});
	return probe.http !== undefined ? httpProbe(probe.http, timeoutMs, clock, probe.marker) : tcpProbe(probe.tcp!, timeoutMs, clock);
}

/** Node's error codes in words a person reads in a status line. */
export function probeErrorWords(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	switch (code) {
		case 'ECONNREFUSED':
			return 'connection refused';
		case 'ECONNRESET':
			return 'connection reset';
		case 'EHOSTUNREACH':
			return 'host unreachable';
		case 'ENETUNREACH':
			return 'network unreachable';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'name not found';
		case 'EPIPE':
			return 'connection closed';
		default: {
			const message = (error as Error | undefined)?.message ?? String(error);
			// A TLS or parse error can quote what the server sent: no escape sequence passes.
			return terminalSafe((code ? `${code}: ${message}` : message).split('\n')[0]!.slice(0, 200));
		}
	}
}

function httpProbe(target: string, timeoutMs: number, clock: () => number, marker?: ProbeMarkerConfig): Promise<ProbeResult> {
	const startedMs = clock();
	const started = performance.now();
	return new Promise<ProbeResult>(resolve => {
		let settled = false;
		let request: http.ClientRequest | undefined;
		let answered: {latencyMs: number; status: number} | undefined;
		const finish = (result: Omit<ProbeResult, 'atMs'>) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			request?.destroy();
			resolve({atMs: startedMs, ...result});
		};
		const timer = setTimeout(
			() => finish({ok: false, ...answered, error: `timeout after ${formatDurationMs(timeoutMs)}${answered ? ' reading the body' : ''}`}),
			timeoutMs,
		);
		let url: URL;
		try {
			url = new URL(target);
		} catch {
			finish({ok: false, error: 'not a URL'});
			return;
		}
		const client = url.protocol === 'https:' ? https : http;
		// No keep-alive agent: every run opens its own connection, so its time includes the connect.
		request = client.get(url, {agent: false, headers: {'user-agent': 'labwatch-probe', accept: '*/*'}}, response => {
			const latencyMs = elapsedMs(started);
			const status = response.statusCode ?? 0;
			answered = {latencyMs, status};
			let bytes = 0;
			// Kept only when a JSON marker needs it, and never past the bound.
			const chunks: Buffer[] | undefined = marker?.json !== undefined ? [] : undefined;
			const done = () => {
				if (!(status >= 200 && status < 400)) return finish({ok: false, latencyMs, status, error: `HTTP ${status}`});
				const reading = marker
					? markerReading(marker, {headers: response.headers, body: chunks ? Buffer.concat(chunks).subarray(0, maxProbeBodyBytes).toString('utf8') : undefined, bodyCut: bytes >= maxProbeBodyBytes})
					: {};
				finish({ok: true, latencyMs, status, ...reading});
			};
			response.on('data', (chunk: Buffer) => {
				bytes += chunk.length;
				chunks?.push(chunk);
				// Enough read to know the server answers: the rest is not waited on.
				if (bytes >= maxProbeBodyBytes) done();
			});
			response.on('end', done);
			response.on('error', error => finish({ok: false, latencyMs, status, error: probeErrorWords(error)}));
		});
		request.on('error', error => finish({ok: false, error: probeErrorWords(error)}));
	});
}

function tcpProbe(target: string, timeoutMs: number, clock: () => number): Promise<ProbeResult> {
	const startedMs = clock();
	const started = performance.now();
	const colon = target.lastIndexOf(':');
	const host = target.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
	const port = Number(target.slice(colon + 1));
	return new Promise<ProbeResult>(resolve => {
		let settled = false;
		const socket = net.connect({host, port});
		const finish = (result: Omit<ProbeResult, 'atMs'>) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			socket.destroy();
			resolve({atMs: startedMs, ...result});
		};
		const timer = setTimeout(() => finish({ok: false, error: `timeout after ${formatDurationMs(timeoutMs)}`}), timeoutMs);
		socket.once('connect', () => finish({ok: true, latencyMs: elapsedMs(started)}));
		socket.once('error', error => finish({ok: false, error: probeErrorWords(error)}));
	});
}

/** Microseconds are the most a timer on this side of the event loop can claim. */
function elapsedMs(started: number): number {
	return Math.round((performance.now() - started) * 1000) / 1000;
}
