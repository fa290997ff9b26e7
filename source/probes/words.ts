// A probe in one line, the same in `check` and the TUI: "OK 3.2 ms", "WARNING connection refused".
import {probeLevel} from '../store/verdicts.js';
import {formatMs} from '../phases/checklist.js';
import type {Level} from '../store/types.js';
import type {ProbeStatus} from './types.js';
import {sharesWords} from './shares.js';

const statusWords: Record<Level, string> = {ok: 'OK', warn: 'WARNING', crit: 'CRITICAL', unknown: 'UNKNOWN'};

export function probeWords(probe: ProbeStatus): string {
	const level = probeLevel(probe);
	if (!probe.last) return `${statusWords[level]} no result yet`;
	if (probe.last.ok) {
		if (probe.last.latencyMs === undefined) return `${statusWords[level]} answered (latency not measured: pod start)`;
		// Timed around `kubectl exec`: the API server and kubelet round trip is in it, and the words say so.
		return `${statusWords[level]} ${formatMs(probe.last.latencyMs)}${probe.last.latencyFrom === 'around-exec' ? ' incl. kubectl exec' : ''}`;
	}
	return `${statusWords[level]} ${probe.last.error ?? 'failed'}`;
}

/** The window as well, for the TUI: "p95 3.4 ms, 98% of 60". */
export function probeWindowWords(probe: ProbeStatus): string {
	if (probe.samples === 0) return '';
	const p95 = probe.p95Ms === undefined ? '' : `p95 ${formatMs(probe.p95Ms)}, `;
	return `${p95}${Math.round((probe.successRate ?? 0) * 100)}% of ${probe.samples}`;
}

/** The failover view in one line: "api: m2 80% · m1 20%"; undefined for a probe without a marker. */
export function failoverWords(probe: ProbeStatus, sep?: string): string | undefined {
	return probe.shares ? `${probe.name}: ${sharesWords(probe.shares, sep === undefined ? {} : {sep})}` : undefined;
}
