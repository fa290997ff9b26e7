// The drill timeline's probe signals: each probe failing after the cut and answering again after the heal,
// and for a failover probe (a marker with a primary and a fallback) "all traffic on m1" and the primary's
// return step by step (10 → 50 → 80 %). Built like the cluster and gateway signals: read from snapshots only.
import type {ProbeTargetConfig} from '../config/schema.js';
import type {DrillTimes, Signal} from '../drill/timeline.js';
import type {LabSnapshot} from '../store/types.js';
import type {ProbeStatus} from './types.js';
import {allOn, failoverRoles, shareOf} from './shares.js';

function statusOf(snapshot: LabSnapshot, name: string): ProbeStatus | undefined {
	return snapshot.probes?.find(probe => probe.name === name);
}

/**
 * Whether a probe fails because of the cut: its latest run failed, and its run of failures began after the
 * cut (or within one timeout before it: that run was hanging when the cut came). A probe failing since
 * before the cut says nothing about it.
 */
export function probeFailing(probe: ProbeStatus | undefined, times: DrillTimes): boolean | undefined {
	if (!probe?.last) return undefined;
	if (probe.last.ok) return false;
	const recent = probe.recent ?? [probe.last];
	let start = recent.length - 1;
	while (start > 0 && !recent[start - 1]!.ok) start--;
	const firstFailure = recent[start]!;
	const hadSuccess = start > 0;
	if (!hadSuccess || firstFailure.atMs + (probe.timeoutMs ?? 0) < times.cutAtMs) return undefined;
	return true;
}

export function probeSignals(probes: ProbeTargetConfig[]): Signal[] {
	const signals: Signal[] = [];
	for (const probe of probes) {
		signals.push({
			detect: `probe ${probe.name} failing`,
			recover: `probe ${probe.name} ok`,
			recoverGoal: false,
			failing: (snapshot, times) => probeFailing(statusOf(snapshot, probe.name), times),
		});
		const failover = probe.marker ? failoverSignal(probe) : undefined;
		if (failover) signals.push(failover);
	}
	return signals;
}

/** "api: all traffic on m1", then "api: m2 back ≥ 10 %" and the further steps; undefined without both roles. */
export function failoverSignal(probe: ProbeTargetConfig): Signal | undefined {
	const marker = probe.marker!;
	const {primary, fallback} = failoverRoles(marker);
	if (primary === undefined || fallback === undefined) return undefined;
	const steps = [...new Set(marker.steps)].sort((a, b) => a - b);
	const [first, ...rest] = steps;
	const shares = (snapshot: LabSnapshot) => statusOf(snapshot, probe.name)?.shares;
	const back = (percent: number) => `${probe.name}: ${primary} back ≥ ${percent} %`;
	return {
		detect: `${probe.name}: all traffic on ${fallback}`,
		recover: first === undefined ? `${probe.name}: ${primary} answers again` : back(first),
		recoverGoal: false,
		failing: snapshot => {
			const found = shares(snapshot);
			if (!found || found.results === 0) return undefined;
			if (allOn(found, fallback)) return true;
			if (shareOf(found, primary) >= (first ?? 1) / 100 && shareOf(found, primary) > 0) return false;
			return undefined;
		},
		// The first answer of the first window answered wholly by the fallback: when traffic moved, not when
		// the window was full of it.
		detectAt: snapshot => shares(snapshot)?.sinceMs,
		// The answer that brought the primary's share over the step.
		recoverAt: snapshot => shares(snapshot)?.untilMs,
		steps: rest.map(percent => ({
			recover: back(percent),
			reached: snapshot => {
				const found = shares(snapshot);
				return found !== undefined && found.results > 0 && shareOf(found, primary) >= percent / 100;
			},
			at: snapshot => shares(snapshot)?.untilMs,
		})),
	};
}
