// Human durations in config and flags ("5s", "60s", "2m") as milliseconds.
import parse from 'parse-duration';

const durationPattern = /^\s*(\d+(\.\d+)?\s*(ms|s|m|h)\s*)+$/i;

/** Milliseconds for "5s" / "1m30s"; undefined when it is not a duration with units. */
export function parseDurationMs(text: string): number | undefined {
	if (!durationPattern.test(text)) return undefined;
	const value = parse(text, 'ms');
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The least and the most each duration may be. Node's timers overflow past 2^31−1 ms (24.8 days) and fire
 * at once, and a poll every microsecond is a busy loop: every duration is checked against its range when
 * the config is loaded or the flag is read. */
export const durationRanges = {
	'prometheus.interval': {minMs: 1000, maxMs: 3_600_000},
	'prometheus.timeout': {minMs: 100, maxMs: 300_000},
	'probe.interval': {minMs: 100, maxMs: 600_000},
	'probe.timeout': {minMs: 100, maxMs: 60_000},
	'probes.interval': {minMs: 1000, maxMs: 3_600_000},
	'probes.timeout': {minMs: 100, maxMs: 60_000},
	'phases.httpP95': {minMs: 1, maxMs: 60_000},
	'phases.partitionDetect': {minMs: 100, maxMs: 600_000},
	'drill.ttl': {minMs: 1000, maxMs: 3_600_000},
	'etcd.interval': {minMs: 100, maxMs: 600_000},
	'etcd.timeout': {minMs: 100, maxMs: 60_000},
	'etcd.ttl': {minMs: 1000, maxMs: 3_600_000},
	'--timeout': {minMs: 100, maxMs: 3_600_000},
	'--ttl': {minMs: 1000, maxMs: 3_600_000},
} as const satisfies Record<string, {minMs: number; maxMs: number}>;

export type DurationKey = keyof typeof durationRanges;

/** "100ms", "1s", "10m", "1h": a range's ends as a person writes them. */
export function formatDurationMs(ms: number): string {
	if (ms < 1000) return `${ms}ms`;
	if (ms < 60_000) return `${ms / 1000}s`;
	if (ms < 3_600_000) return `${ms / 60_000}m`;
	return `${ms / 3_600_000}h`;
}

/**
 * Milliseconds for a config value or flag of `key`, or the one-line reason it is refused. A bare number
 * is seconds for flags (`--timeout 5`) and refused in the config file, where units are required.
 */
export function parseDurationIn(key: DurationKey, value: string | number): {ms: number} | {error: string} {
	const {minMs, maxMs} = durationRanges[key];
	const flag = key.startsWith('--');
	const text = String(value);
	const ms = typeof value === 'number' && !flag ? undefined : parseDurationMs(flag && /^\s*\d+(\.\d+)?\s*$/.test(text) ? `${text}s` : text);
	const range = `from ${formatDurationMs(minMs)} to ${formatDurationMs(maxMs)}`;
	if (ms === undefined) return {error: `expected a duration like ${flag ? '5s' : formatDurationMs(Math.max(minMs, 5000))} (${range}), got ${JSON.stringify(text)}`};
	if (ms < minMs || ms > maxMs) return {error: `expected a duration ${range}, got ${JSON.stringify(text)}`};
	return {ms};
}

/**
 * Ages much as kubectl prints them ("95s", "4m", "45m", "3h12m", "31h", "2d3h", "12d"), but with seconds
 * only below two minutes (kubectl keeps them to ten): every second shown is a frame a second, and a pane
 * is left open for days next to CI jobs that start every few minutes.
 */
export function formatAge(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds < 120) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	const hours = Math.floor(minutes / 60);
	if (hours < 3) return `${minutes}m`;
	if (hours < 8) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
	if (hours < 48) return `${hours}h`;
	const days = Math.floor(hours / 24);
	if (days < 8) return `${days}d${hours % 24}h`;
	return `${days}d`;
}

/** A pod's age in a list: under two minutes in 10 s steps, so a young pod (a CI job) costs a frame every
 * 10 s rather than every second; outages and countdowns keep formatAge's seconds. */
export function formatPodAge(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds < 120) return `${seconds - (seconds % podAgeStepSeconds)}s`;
	return formatAge(ms);
}

export const podAgeStepSeconds = 10;

/** Ages below this are shown to the second (see formatAge). */
export const secondsShownBelowMs = 2 * 60_000;
