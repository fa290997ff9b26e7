// Milestones for the benchmarks, written only when LABWATCH_TRACE names a file: one JSON line each,
// with milliseconds since the process started (performance.now) and the wall clock. Off by default,
// and then costs one boolean test per call.
import {appendFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';

const file = process.env.LABWATCH_TRACE;

export const tracing = Boolean(file);

export function trace(event: string, data?: Record<string, unknown>): void {
	if (!file) return;
	try {
		appendFileSync(file, `${JSON.stringify({event, sinceStartMs: Math.round(performance.now() * 10) / 10, atMs: Date.now(), ...data})}\n`);
	} catch {
		// A benchmark aid must never break the program it measures.
	}
}
