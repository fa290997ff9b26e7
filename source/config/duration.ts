// Human durations in config and flags ("5s", "60s", "2m") as milliseconds.
import parse from 'parse-duration';

const durationPattern = /^\s*(\d+(\.\d+)?\s*(ms|s|m|h)\s*)+$/i;

/** Milliseconds for "5s" / "1m30s"; undefined when it is not a duration with units. */
export function parseDurationMs(text: string): number | undefined {
	if (!durationPattern.test(text)) return undefined;
	const value = parse(text, 'ms');
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
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
