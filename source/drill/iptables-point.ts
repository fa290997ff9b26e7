// Cut, heal and inspect at one iptables enforcement point. Both cut and heal bring the point to a state (not a
// sequence of blind appends), so running either twice changes nothing, and both are checked by listing afterwards.
import type {CommandRecord, EnforcementPoint, HealTimer, PointOutcome, Result} from './types.js';
import type {Executor} from './executors.js';
import {
	builtinChains,
	chainState,
	createChainArgs,
	deleteChainArgs,
	deleteJumpArgs,
	dropRuleArgs,
	flushChainArgs,
	insertJumpArgs,
	jumpChains,
	listArgs,
	parseListing,
	verifyCut,
	verifyHeal,
	type RuleListing,
} from './rules.js';
import {pointRoutes} from './plan.js';

/** A runaway loop guard: no sane table holds this many jumps to our chain. */
const maxJumpDeletes = 64;

export interface PointDriver {
	readonly point: EnforcementPoint;
	/** Applies the cut, schedules the heal timer (before the jumps go live) and verifies. */
	cut(drillId: string, ttlMs: number, schedule: () => Promise<Result<HealTimer>>): Promise<PointOutcome>;
	heal(): Promise<PointOutcome>;
	/** The drill ids found at the point; empty with present=false when nothing of ours is there. */
	inspect(): Promise<Result<{present: boolean; drillIds: string[]}>>;
	/** What heal() would remove and the commands it would run, from a listing alone (heal --dry-run). */
	preview(): Promise<Result<HealPreview>>;
}

export interface HealPreview {
	drillIds: string[];
	/** The rules found, as the point lists them. */
	found: string[];
	/** Full argv, in order, as heal() would run them. */
	commands: string[][];
}

class Recorder {
	readonly commands: CommandRecord[] = [];
	constructor(private readonly executor: Executor) {}

	async run(args: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> {
		const result = await this.executor.run(args);
		const record: CommandRecord = {argv: this.executor.argv(args), exitCode: result.exitCode};
		if (result.exitCode !== 0 && result.stderr.trim()) record.stderr = result.stderr.trim().split('\n')[0];
		this.commands.push(record);
		return result;
	}

	async list(): Promise<Result<RuleListing>> {
		const result = await this.run(listArgs());
		if (result.exitCode !== 0) return {ok: false, error: `cannot list rules: ${firstLine(result.stderr)}`};
		return {ok: true, value: parseListing(result.stdout)};
	}
}

function firstLine(text: string): string {
	return text.trim().split('\n')[0] || 'failed';
}

export function iptablesDriver(point: EnforcementPoint, chain: string, executor: Executor): PointDriver {
	const routes = pointRoutes(point);

	async function removeJumps(recorder: Recorder, builtins: readonly string[]): Promise<string | undefined> {
		for (const builtin of builtins) {
			// -D removes one match per call: repeat until iptables says there is none left.
			for (let count = 0; count < maxJumpDeletes; count++) {
				const result = await recorder.run(deleteJumpArgs(builtin, chain));
				if (result.exitCode !== 0) break;
			}
		}
		return undefined;
	}

	return {
		point,

		async cut(drillId, ttlMs, schedule) {
			const recorder = new Recorder(executor);
			// Anything after the first listing may have changed the table.
			const fail = (error: string, left?: string[]): PointOutcome => ({
				point: point.label,
				ok: false,
				commands: recorder.commands,
				error,
				left,
				applied: recorder.commands.length > 1,
			});
			// The timer is armed before the first change at the point: from then on, whatever step a kill -9 lands
			// on, the timer removes what is there (its script also heals a chain not yet tagged by any drill).
			const timer = await schedule();
			if (!timer.ok) return fail(timer.error);
			const withTimer = (outcome: PointOutcome): PointOutcome => ({...outcome, timer: timer.value});
			const before = await recorder.list();
			if (!before.ok) return withTimer(fail(before.error));
			const state = chainState(before.value, chain);
			if (!state.exists) {
				const created = await recorder.run(createChainArgs(chain));
				if (created.exitCode !== 0) return withTimer(fail(`cannot create ${chain}: ${firstLine(created.stderr)}`));
			} else if (state.rules.length > 0) {
				// Our own chain only: the rules are rewritten with this drill's tag, so a second cut leaves one set.
				const flushed = await recorder.run(flushChainArgs(chain));
				if (flushed.exitCode !== 0) return withTimer(fail(`cannot flush ${chain}: ${firstLine(flushed.stderr)}`));
			}
			for (const args of dropRuleArgs(chain, point.peers, drillId)) {
				const added = await recorder.run(args);
				if (added.exitCode !== 0) return withTimer(fail(`cannot add a rule to ${chain}: ${firstLine(added.stderr)}`));
			}
			for (const builtin of jumpChains(routes)) {
				const jumps = state.jumps.filter(rule => rule.chain === builtin);
				const first = before.value.rules.find(rule => rule.chain === builtin);
				if (jumps.length === 1 && first === jumps[0]) continue;
				if (jumps.length > 0) await removeJumps(recorder, [builtin]);
				const inserted = await recorder.run(insertJumpArgs(builtin, chain));
				if (inserted.exitCode !== 0) return withTimer(fail(`cannot insert the jump in ${builtin}: ${firstLine(inserted.stderr)}`));
			}
			const after = await recorder.list();
			if (!after.ok) return withTimer(fail(after.error));
			const problems = verifyCut(after.value, chain, point.peers, drillId, routes);
			if (problems.length > 0) return withTimer(fail(`cut not verified: ${problems[0]}`, problems));
			return {point: point.label, ok: true, commands: recorder.commands, timer: timer.value, applied: true};
		},

		async heal() {
			const recorder = new Recorder(executor);
			const before = await recorder.list();
			if (!before.ok) return {point: point.label, ok: false, commands: recorder.commands, error: before.error};
			const state = chainState(before.value, chain);
			if (state.exists || state.jumps.length > 0) {
				await removeJumps(recorder, builtinChains);
				// Jumps iptables -D could not match by "-j CHAIN" alone (extra matches): delete them by their own spec.
				const middle = await recorder.list();
				if (middle.ok) {
					for (const rule of chainState(middle.value, chain).jumps) await recorder.run(['-w', '-D', rule.chain, ...rule.spec]);
				}
				if (state.exists) {
					await recorder.run(flushChainArgs(chain));
					await recorder.run(deleteChainArgs(chain));
				}
			}
			const after = await recorder.list();
			if (!after.ok) return {point: point.label, ok: false, commands: recorder.commands, error: after.error};
			const left = verifyHeal(after.value, chain);
			if (left.length > 0)
				return {point: point.label, ok: false, commands: recorder.commands, error: `heal not verified: still there: ${left.join('; ')}`, left, applied: true};
			return {point: point.label, ok: true, commands: recorder.commands, applied: state.exists || state.jumps.length > 0};
		},

		async preview() {
			const listing = await new Recorder(executor).list();
			if (!listing.ok) return listing;
			const state = chainState(listing.value, chain);
			const commands = [
				...state.jumps.map(rule => executor.argv(['-w', '-D', rule.chain, ...rule.spec])),
				...(state.exists ? [executor.argv(flushChainArgs(chain)), executor.argv(deleteChainArgs(chain))] : []),
			];
			return {ok: true, value: {drillIds: state.drillIds, found: verifyHeal(listing.value, chain), commands}};
		},

		async inspect() {
			const recorder = new Recorder(executor);
			const listing = await recorder.list();
			if (!listing.ok) return listing;
			const state = chainState(listing.value, chain);
			return {ok: true, value: {present: state.exists || state.jumps.length > 0, drillIds: state.drillIds}};
		},
	};
}
