// Go's time.Duration.String() for latencyRTT strings ("612.804µs", "1.203417ms", "2.5s", "1m2.5s").
// The simulator writes what a real Submariner gateway writes; µ is U+00B5 as in Go.

function trimFraction(whole: number, fraction: number, digits: number): string {
	if (fraction === 0) return String(whole);
	const text = String(fraction).padStart(digits, '0').replace(/0+$/, '');
	return `${whole}.${text}`;
}

export function formatGoDuration(nanoseconds: number): string {
	const ns = Math.round(nanoseconds);
	if (ns === 0) return '0s';
	if (ns < 0) return `-${formatGoDuration(-ns)}`;
	if (ns < 1_000) return `${ns}ns`;
	if (ns < 1_000_000) return `${trimFraction(Math.floor(ns / 1_000), ns % 1_000, 3)}\u00b5s`;
	if (ns < 1_000_000_000) return `${trimFraction(Math.floor(ns / 1_000_000), ns % 1_000_000, 6)}ms`;
	const hours = Math.floor(ns / 3_600_000_000_000);
	const minutes = Math.floor((ns % 3_600_000_000_000) / 60_000_000_000);
	const secondsNs = ns % 60_000_000_000;
	const seconds = `${trimFraction(Math.floor(secondsNs / 1_000_000_000), secondsNs % 1_000_000_000, 9)}s`;
	if (hours > 0) return `${hours}h${minutes}m${seconds}`;
	if (minutes > 0) return `${minutes}m${seconds}`;
	return seconds;
}
