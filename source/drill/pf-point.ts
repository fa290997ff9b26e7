// Cut, heal and inspect at a pf enforcement point: the anchor is loaded whole from stdin (atomic), flushed whole
// on heal, and checked by listing it afterwards. The enable reference is the timer's (see pf.ts, deadman.ts).
import type {CommandRecord, EnforcementPoint, PointOutcome, Result} from './types.js';
import type {Executor} from './executors.js';
import type {PointDriver} from './iptables-point.js';
import {pfDrillIds, pfFlushArgs, pfListArgs, pfLoadArgs, pfRuleLines, pfRules, verifyPfCut} from './pf.js';

function firstLine(text: string): string {
	return text.trim().split('\n')[0] || 'failed';
}

export function pfDriver(point: EnforcementPoint, executor: Executor): PointDriver {
	const anchor = point.anchor!;
	const run = async (records: CommandRecord[], args: string[], input?: string) => {
		const result = await executor.run(args, input);
		const record: CommandRecord = {argv: executor.argv(args), exitCode: result.exitCode};
		if (result.exitCode !== 0 && result.stderr.trim()) record.stderr = firstLine(result.stderr);
		records.push(record);
		return result;
	};
	const list = async (records: CommandRecord[]): Promise<Result<string[]>> => {
		const result = await run(records, pfListArgs(anchor));
		if (result.exitCode !== 0) return {ok: false, error: `cannot list the anchor ${anchor}: ${firstLine(result.stderr)}`};
		return {ok: true, value: pfRuleLines(result.stdout)};
	};
	return {
		point,

		async cut(drillId, _ttlMs, schedule) {
			const records: CommandRecord[] = [];
			// The timer enables pf and arms the heal before the rules go in: no instant without a heal.
			const timer = await schedule();
			if (!timer.ok) return {point: point.label, ok: false, commands: records, error: timer.error};
			const fail = (error: string, left?: string[]): PointOutcome => ({point: point.label, ok: false, commands: records, error, left, applied: true, timer: timer.value});
			const loaded = await run(records, pfLoadArgs(anchor), pfRules(point.peers, drillId));
			if (loaded.exitCode !== 0) return fail(`cannot load the anchor ${anchor}: ${firstLine(loaded.stderr)}`);
			const after = await list(records);
			if (!after.ok) return fail(after.error);
			const problems = verifyPfCut(after.value, point.peers, drillId);
			if (problems.length > 0) return fail(`cut not verified: ${problems[0]}`, problems);
			return {point: point.label, ok: true, commands: records, timer: timer.value, applied: true};
		},

		async heal() {
			const records: CommandRecord[] = [];
			const before = await list(records);
			if (!before.ok) return {point: point.label, ok: false, commands: records, error: before.error};
			if (before.value.length > 0) await run(records, pfFlushArgs(anchor));
			const after = await list(records);
			if (!after.ok) return {point: point.label, ok: false, commands: records, error: after.error};
			if (after.value.length > 0)
				return {point: point.label, ok: false, commands: records, error: `heal not verified: still in ${anchor}: ${after.value.join('; ')}`, left: after.value, applied: true};
			return {point: point.label, ok: true, commands: records, applied: before.value.length > 0};
		},

		async inspect() {
			const listing = await list([]);
			if (!listing.ok) return listing;
			return {ok: true, value: {present: listing.value.length > 0, drillIds: pfDrillIds(listing.value)}};
		},

		async preview() {
			const listing = await list([]);
			if (!listing.ok) return listing;
			return {
				ok: true,
				value: {drillIds: pfDrillIds(listing.value), found: listing.value, commands: listing.value.length > 0 ? [executor.argv(pfFlushArgs(anchor))] : []},
			};
		},
	};
}
