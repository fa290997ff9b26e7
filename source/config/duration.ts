// Human durations in config and flags ("5s", "60s", "2m") as milliseconds.
import parse from 'parse-duration';

const durationPattern = /^\s*(\d+(\.\d+)?\s*(ms|s|m|h)\s*)+$/i;

/** Milliseconds for "5s" / "1m30s"; undefined when it is not a duration with units. */
export function parseDurationMs(text: string): number | undefined {
	if (!durationPattern.test(text)) return undefined;
	const value = parse(text, 'ms');
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** "4s", "2m05s", "1h02m": compact ages for narrow columns. */
export function formatAge(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
	return `${Math.floor(hours / 24)}d${hours % 24}h`;
}
