// A probe in one line, the same in `check` and the TUI: "OK 3.2 ms", "WARNING connection refused".
import {probeLevel} from '../store/verdicts.js';
import {formatMs} from '../phases/checklist.js';
import type {Level} from '../store/types.js';
import type {ProbeStatus} from './types.js';

const statusWords: Record<Level, string> = {ok: 'OK', warn: 'WARNING', crit: 'CRITICAL', unknown: 'UNKNOWN'};

export function probeWords(probe: ProbeStatus): string {
	const level = probeLevel(probe);
	if (!probe.last) return `${statusWords[level]} no result yet`;
	if (probe.last.ok) return `${statusWords[level]} ${formatMs(probe.last.latencyMs ?? 0)}`;
	return `${statusWords[level]} ${probe.last.error ?? 'failed'}`;
}

/** The window as well, for the TUI: "p95 3.4 ms, 98% of 60". */
export function probeWindowWords(probe: ProbeStatus): string {
	if (probe.samples === 0) return '';
	const p95 = probe.p95Ms === undefined ? '' : `p95 ${formatMs(probe.p95Ms)}, `;
	return `${p95}${Math.round((probe.successRate ?? 0) * 100)}% of ${probe.samples}`;
}
