// The simulator's network model as an enforcement point (the demo drill, no root). The simulator is another
// part of labwatch; its control API is POST <url>/_sim/partition, POST <url>/_sim/heal, GET <url>/_sim/state.
// It has no timer of its own, so the dead-man's switch for sim points lives in this process only.
import type {CommandRecord, EnforcementPoint, PointOutcome, Result} from './types.js';
import type {PointDriver} from './iptables-point.js';

const requestTimeoutMs = 3000;

async function call(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{status: number; json?: unknown; error?: string}> {
	try {
		const response = await fetch(url, {
			method,
			headers: body === undefined ? {} : {'content-type': 'application/json'},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(requestTimeoutMs),
		});
		const text = await response.text();
		let json: unknown;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		return {status: response.status, json};
	} catch (error) {
		return {status: -1, error: error instanceof Error ? error.message : String(error)};
	}
}

/** Reads the simulator's state tolerantly: {active|partitioned|partition: boolean, drillId?}. */
export function parseSimState(json: unknown): {present: boolean; drillIds: string[]} {
	if (typeof json !== 'object' || json === null) return {present: false, drillIds: []};
	const record = json as Record<string, unknown>;
	const flag = [record.active, record.partitioned, record.partition].find(value => typeof value === 'boolean');
	const nested = typeof record.partition === 'object' && record.partition !== null ? (record.partition as Record<string, unknown>) : undefined;
	const drillId = typeof record.drillId === 'string' ? record.drillId : typeof nested?.drillId === 'string' ? nested.drillId : undefined;
	const present = flag === true || (nested !== undefined && nested.active !== false) || (flag === undefined && drillId !== undefined);
	return {present, drillIds: present && drillId ? [drillId] : []};
}

export function simDriver(point: EnforcementPoint): PointDriver {
	const base = point.url!;
	const record = (method: string, url: string, status: number, error?: string): CommandRecord => ({
		argv: [method, url],
		exitCode: status >= 200 && status < 300 ? 0 : status,
		...(error ? {stderr: error} : {}),
	});
	const state = async (commands: CommandRecord[]): Promise<Result<{present: boolean; drillIds: string[]}>> => {
		const response = await call('GET', `${base}/_sim/state`);
		commands.push(record('GET', `${base}/_sim/state`, response.status, response.error));
		if (response.status < 200 || response.status >= 300) return {ok: false, error: `simulator at ${base}: ${response.error ?? `HTTP ${response.status}`}`};
		return {ok: true, value: parseSimState(response.json)};
	};
	return {
		point,
		async cut(drillId, ttlMs, schedule) {
			const commands: CommandRecord[] = [];
			const timer = await schedule();
			if (!timer.ok) return {point: point.label, ok: false, commands, error: timer.error};
			const response = await call('POST', `${base}/_sim/partition`, {drillId, host: point.host, peers: point.peers, ttlMs});
			commands.push(record('POST', `${base}/_sim/partition`, response.status, response.error));
			if (response.status < 200 || response.status >= 300)
				return {point: point.label, ok: false, commands, timer: timer.value, applied: true, error: `simulator refused the cut: ${response.error ?? `HTTP ${response.status}`}`};
			const after = await state(commands);
			if (!after.ok) return {point: point.label, ok: false, commands, timer: timer.value, applied: true, error: after.error};
			if (!after.value.present) return {point: point.label, ok: false, commands, timer: timer.value, applied: true, error: 'cut not verified: the simulator reports no partition'};
			return {point: point.label, ok: true, commands, timer: timer.value, applied: true};
		},
		async heal() {
			const commands: CommandRecord[] = [];
			const response = await call('POST', `${base}/_sim/heal`, {});
			commands.push(record('POST', `${base}/_sim/heal`, response.status, response.error));
			if (response.status < 200 || response.status >= 300)
				return {point: point.label, ok: false, commands, error: `simulator refused the heal: ${response.error ?? `HTTP ${response.status}`}`};
			const after = await state(commands);
			if (!after.ok) return {point: point.label, ok: false, commands, error: after.error};
			if (after.value.present) return {point: point.label, ok: false, commands, error: 'heal not verified: the simulator still reports a partition', left: ['partition']};
			return {point: point.label, ok: true, commands, applied: true};
		},
		async inspect() {
			return state([]);
		},
		async preview() {
			const found = await state([]);
			if (!found.ok) return found;
			if (!found.value.present) return {ok: true, value: {drillIds: [], found: [], commands: []}};
			return {
				ok: true,
				value: {drillIds: found.value.drillIds, found: [`simulated partition${found.value.drillIds.length > 0 ? ` (drill ${found.value.drillIds.join(', ')})` : ''}`], commands: [['POST', `${base}/_sim/heal`]]},
			};
		},
	};
}
