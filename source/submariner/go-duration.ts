// Submariner writes latencyRTT as Go's time.Duration.String(): "447.358µs", "1.203417ms", "1m2.5s".
const unitMs: Record<string, number> = {ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000};
// Go writes µs as U+00B5 (and U+03BC is accepted): escaped so the bundle stays ASCII-only.
const part = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/gy;

/** Milliseconds for a Go duration string; undefined when it is not one. */
export function parseGoDurationMs(text: string | undefined): number | undefined {
	if (!text) return undefined;
	let rest = text.trim();
	let sign = 1;
	if (rest.startsWith('-')) {
		sign = -1;
		rest = rest.slice(1);
	}
	if (rest === '0') return 0;
	part.lastIndex = 0;
	let total = 0;
	let consumed = 0;
	for (let match = part.exec(rest); match; match = part.exec(rest)) {
		total += Number(match[1]) * unitMs[match[2]!]!;
		consumed = part.lastIndex;
	}
	// Nanoseconds are the finest unit Go prints: round away float noise below them.
	return consumed === rest.length && consumed > 0 ? (sign * Math.round(total * 1e6)) / 1e6 : undefined;
}

/** "0.69 ms", "12 ms", "1.2 s" for an RTT column. */
export function formatRtt(ms: number | undefined): string {
	if (ms === undefined) return '—';
	if (ms < 10) return `${ms.toFixed(2)}ms`;
	if (ms < 1000) return `${Math.round(ms)}ms`;
	return `${(ms / 1000).toFixed(1)}s`;
}
