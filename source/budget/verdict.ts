// A host's verdict against what it can give Kubernetes: usable = limit − reserved (the part macOS keeps).
//  WARN: actual ≥ 85 % of usable, or the pods' memory limits add up to more than usable (over-commit).
//  CRIT: actual ≥ 95 % of usable, or actual > usable.
//  unknown: no actual at all (no exporter, no working sets, no pods known).
//  Requests are a plan, not a measurement: when they stand in for use, the verdict stops at WARN.
import {formatBytes} from '../config/size.js';
import type {Level, Verdict} from '../store/types.js';
import type {HostBudget} from './types.js';

export const warnRatio = 0.85;
export const critRatio = 0.95;

const rank: Record<Level, number> = {ok: 0, unknown: 1, warn: 2, crit: 3};

type Inputs = Pick<HostBudget, 'host' | 'limitBytes' | 'reservedBytes' | 'limitsBytes' | 'actualBytes' | 'actualSource' | 'sourceNote' | 'waiting'>;

export function budgetVerdict(budget: Inputs): Verdict {
	const {host} = budget;
	const usableBytes = budget.limitBytes - budget.reservedBytes;
	const found: Array<{level: Level; reason: string}> = [];
	if (usableBytes <= 0) {
		return {level: 'crit', reasons: [`${host} has no usable memory: reserved ${formatBytes(budget.reservedBytes)} of ${formatBytes(budget.limitBytes)}`]};
	}
	const actual = budget.actualBytes;
	if (budget.waiting?.length) {
		// Half an answer is no answer: requests without all pods, or use without Prometheus, would mislead.
		return {level: 'unknown', reasons: [`${host} memory: waiting for ${budget.waiting.join(', ')}`]};
	}
	if (actual === undefined) {
		found.push({level: 'unknown', reason: `no memory data for ${host}${budget.sourceNote ? `: ${budget.sourceNote}` : ''}`});
	} else {
		const ratio = actual / usableBytes;
		const estimated = budget.actualSource === 'requests';
		const basis = estimated ? ' (by requests)' : budget.actualSource === 'working-set' ? ' (working sets)' : '';
		const severe: Level = estimated ? 'warn' : 'crit';
		if (actual > usableBytes) {
			found.push({level: severe, reason: `${host} over budget: ${formatBytes(actual)} of ${formatBytes(usableBytes)} usable${basis}`});
		} else if (ratio >= warnRatio) {
			// Floor, so a host shown "94%" is never CRIT and one shown "85%" is WARN.
			const percent = Math.floor(ratio * 100);
			found.push({level: ratio >= critRatio ? severe : 'warn', reason: `${host} at ${percent}% of ${formatBytes(usableBytes)} usable${basis}`});
		}
	}
	if (budget.limitsBytes > usableBytes) {
		found.push({level: 'warn', reason: `limits over-commit ${host} by ${formatBytes(budget.limitsBytes - usableBytes)}`});
	}
	found.sort((a, b) => rank[b.level] - rank[a.level]);
	return {level: found[0]?.level ?? 'ok', reasons: found.map(item => item.reason)};
}
