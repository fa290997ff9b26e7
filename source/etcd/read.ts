// One look at one etcd member through its own endpoints: GET /metrics (Prometheus text) and the gRPC gateway's
// POST /v3/maintenance/status (leader id, raftTerm, raftIndex). Bounded in time and size; every string that
// comes back is untrusted and is reduced to what is used (numbers, decimal ids, a cleaned version).
import http from 'node:http';
import https from 'node:https';
import {readFileSync} from 'node:fs';
import type {EtcdConfig, EtcdMemberConfig} from '../config/schema.js';
import type {EtcdMemberState} from './types.js';
import {terminalSafe} from '../text/terminal-safe.js';

/** /metrics of etcd 3.4 is about 100 KiB; anything much larger is not etcd. */
const maxBodyBytes = 2 * 1024 * 1024;

export interface HttpAnswer {
	status: number;
	body: string;
}

export interface TlsFiles {
	ca?: Buffer;
	cert?: Buffer;
	key?: Buffer;
	rejectUnauthorized: boolean;
}

export function tlsFiles(tls: EtcdConfig['tls']): TlsFiles | undefined {
	if (!tls) return undefined;
	const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path));
	return {ca: read(tls.ca), cert: read(tls.cert), key: read(tls.key), rejectUnauthorized: !tls.insecureSkipVerify};
}

/** One request, never throws: a refusal, a timeout or an oversized answer comes back as an error in words. */
export function request(url: string, options: {method?: 'GET' | 'POST'; body?: string; timeoutMs: number; tls?: TlsFiles}): Promise<HttpAnswer | {error: string}> {
	return new Promise(resolve => {
		let settled = false;
		const done = (value: HttpAnswer | {error: string}) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			resolve(value);
		};
		let parsed: URL;
		try {
			parsed = new URL(url);
		} catch {
			return done({error: 'invalid URL'});
		}
		const secure = parsed.protocol === 'https:';
		const client = secure ? https : http;
		const req = client.request(
			parsed,
			{
				method: options.method ?? 'GET',
				headers: options.body === undefined ? {} : {'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body)},
				agent: false,
				...(secure && options.tls ? {ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key, rejectUnauthorized: options.tls.rejectUnauthorized} : {}),
			},
			response => {
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > maxBodyBytes) {
						req.destroy();
						done({error: `answer over ${maxBodyBytes / 1024 / 1024} MiB`});
						return;
					}
					chunks.push(chunk);
				});
				response.on('end', () => done({status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}));
				response.on('error', error => done({error: words(error)}));
			},
		);
		// The whole exchange, not each socket event: a member that accepts and never answers (SIGSTOP, a
		// partition) is down after timeoutMs.
		const timer = setTimeout(() => {
			req.destroy();
			done({error: `timeout after ${formatSeconds(options.timeoutMs)}`});
		}, options.timeoutMs);
		req.on('error', error => done({error: words(error)}));
		if (options.body !== undefined) req.write(options.body);
		req.end();
	});
}

function formatSeconds(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function words(error: Error & {code?: string}): string {
	if (error.code === 'ECONNREFUSED') return 'connection refused';
	if (error.code === 'ECONNRESET') return 'connection reset';
	if (error.code === 'EHOSTUNREACH') return 'host unreachable';
	// OpenSSL's message is a paragraph with file names; its code says it in a few words.
	if (error.code?.startsWith('ERR_SSL_')) return `TLS: ${error.code.replace(/^ERR_SSL_(SSLV3_|TLSV1_|SSL\/TLS_)?/, '').toLowerCase().replaceAll('_', ' ')}`;
	if (error.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(error.code)) return `TLS: ${error.code.replace(/^ERR_TLS_/, '').toLowerCase().replaceAll('_', ' ')}`;
	return terminalSafe(error.message.split('\n')[0] ?? 'failed').slice(0, 160);
}

/** The unlabelled (or first) sample of each named series in Prometheus text format. */
export function parseMetrics(text: string, names: readonly string[]): Map<string, number> {
	const wanted = new Set(names);
	const found = new Map<string, number>();
	for (const line of text.split('\n')) {
		if (line.startsWith('#') || line.length === 0) continue;
		const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
		if (!match || !wanted.has(match[1]!) || found.has(match[1]!)) continue;
		const value = Number(match[3]);
		if (Number.isFinite(value)) found.set(match[1]!, value);
	}
	return found;
}

export const etcdSeries = [
	'etcd_server_is_leader',
	'etcd_server_has_leader',
	'etcd_server_leader_changes_seen_total',
	'etcd_server_proposals_committed_total',
] as const;

/** A decimal uint64 as the gateway prints ids and counters (a JSON string); anything else is dropped. */
function decimal(value: unknown): string | undefined {
	if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
	return undefined;
}

function count(value: unknown): number | undefined {
	const text = decimal(value);
	if (text === undefined) return undefined;
	const number = Number(text);
	return Number.isSafeInteger(number) ? number : undefined;
}

export interface StatusFacts {
	memberId?: string;
	leaderId?: string;
	term?: number;
	raftIndex?: number;
	version?: string;
	noLeader: boolean;
}

/** The fields of a /v3/maintenance/status answer that labwatch uses, checked one by one. */
export function parseStatus(body: string): StatusFacts | undefined {
	let data: unknown;
	try {
		data = JSON.parse(body);
	} catch {
		return undefined;
	}
	if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
	const record = data as Record<string, unknown>;
	const header = typeof record.header === 'object' && record.header !== null ? (record.header as Record<string, unknown>) : {};
	const leaderId = decimal(record.leader);
	const errors = Array.isArray(record.errors) ? record.errors.filter((error): error is string => typeof error === 'string') : [];
	const version = typeof record.version === 'string' && /^[0-9A-Za-z.+-]{1,32}$/.test(record.version) ? record.version : undefined;
	return {
		memberId: decimal(header.member_id),
		// The gateway leaves out zero values: no "leader" means no leader (id 0).
		leaderId: leaderId === '0' ? undefined : leaderId,
		term: count(record.raftTerm),
		raftIndex: count(record.raftIndex),
		version,
		noLeader: leaderId === undefined || leaderId === '0' || errors.some(error => /no leader/i.test(error)),
	};
}

/** Polls one member: /metrics and the status, concurrently, each within timeoutMs. */
export async function readMember(member: EtcdMemberConfig, options: {timeoutMs: number; tls?: TlsFiles; nowMs?: () => number}): Promise<EtcdMemberState> {
	const base = member.url.replace(/\/+$/, '');
	const metricsUrl = member.metricsUrl ? member.metricsUrl.replace(/\/+$/, '').replace(/(\/metrics)?$/, '/metrics') : `${base}/metrics`;
	const [metrics, status] = await Promise.all([
		request(metricsUrl, {timeoutMs: options.timeoutMs, tls: options.tls}),
		request(`${base}/v3/maintenance/status`, {method: 'POST', body: '{}', timeoutMs: options.timeoutMs, tls: options.tls}),
	]);
	const atMs = options.nowMs?.() ?? Date.now();
	const state: EtcdMemberState = {name: member.name, url: member.url, up: false, atMs};
	const metricsOk = !('error' in metrics) && metrics.status === 200;
	const statusOk = !('error' in status) && status.status === 200;
	if (!metricsOk && !statusOk) {
		const failed = 'error' in status ? status.error : `HTTP ${status.status}`;
		return {...state, error: failed};
	}
	state.up = true;
	if (metricsOk) {
		const series = parseMetrics(metrics.body, etcdSeries);
		const isLeader = series.get('etcd_server_is_leader');
		const hasLeader = series.get('etcd_server_has_leader');
		if (isLeader !== undefined) state.isLeader = isLeader === 1;
		if (hasLeader !== undefined) state.hasLeader = hasLeader === 1;
		state.leaderChanges = series.get('etcd_server_leader_changes_seen_total');
		state.raftIndex = series.get('etcd_server_proposals_committed_total');
	}
	if (statusOk) {
		const facts = parseStatus(status.body);
		if (facts) {
			state.memberId = facts.memberId;
			state.leaderId = facts.leaderId;
			state.term = facts.term;
			if (facts.raftIndex !== undefined) state.raftIndex = facts.raftIndex;
			state.version = facts.version;
			// The status is read at the same moment: it decides when the two disagree mid-election.
			state.hasLeader = !facts.noLeader;
			if (facts.memberId !== undefined) state.isLeader = !facts.noLeader && facts.leaderId === facts.memberId;
		}
	}
	return state;
}

/**
 * A linearizable read of the key "labwatch" (POST /v3/kv/range, nothing written): it answers only through a
 * leader with a quorum, so it says whether etcd serves the API server now.
 */
export async function readWorks(url: string, options: {timeoutMs: number; tls?: TlsFiles}): Promise<{ok: boolean; error?: string}> {
	const answer = await request(`${url.replace(/\/+$/, '')}/v3/kv/range`, {method: 'POST', body: JSON.stringify({key: Buffer.from('labwatch').toString('base64')}), timeoutMs: options.timeoutMs, tls: options.tls});
	if ('error' in answer) return {ok: false, error: answer.error};
	if (answer.status !== 200) return {ok: false, error: `HTTP ${answer.status}`};
	try {
		const body = JSON.parse(answer.body) as {header?: unknown; error?: unknown};
		if (typeof body === 'object' && body !== null && typeof body.header === 'object') return {ok: true};
	} catch {
		// falls through
	}
	return {ok: false, error: 'not an etcd answer'};
}
