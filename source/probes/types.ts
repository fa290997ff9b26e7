// What probes report: one result per run, and per probe a summary over its window for the store.

export interface ProbeResult {
	atMs: number;
	ok: boolean;
	/** Until the answer (HTTP: the response's headers; TCP: the connection), when there was one. */
	latencyMs?: number;
	/** Why it failed, in words: "connection refused", "timeout after 2s", "HTTP 500". */
	error?: string;
	/** HTTP only: the status code. */
	status?: number;
}

export interface ProbeStatus {
	name: string;
	kind: 'http' | 'tcp';
	/** The URL or host:port as configured. */
	target: string;
	/** The verdict a failing probe raises. */
	level: 'warn' | 'crit';
	/** Results in the window. */
	samples: number;
	/** Share of the window's results that succeeded, 0–1; undefined before the first result. */
	successRate?: number;
	/** Latency of the window's successful results. */
	p50Ms?: number;
	p95Ms?: number;
	maxMs?: number;
	last?: ProbeResult;
	lastError?: {atMs: number; error: string};
}
