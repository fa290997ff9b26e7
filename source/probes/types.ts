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
	/** With a marker: the gateway that answered (a name under marker.values, or the marker's own value). */
	gateway?: string;
	/** With a marker: why the answer named no gateway ("no header x-served-by", "body is not JSON"). */
	markerError?: string;
	/** Where latencyMs was measured: inside the pod (the check's own timing) or here, around `kubectl exec`. */
	latencyFrom?: 'inside' | 'around-exec';
}

/** One result, as much as a sparkline needs. */
export interface ProbeSample {
	atMs: number;
	ok: boolean;
	latencyMs?: number;
}

/** A failover probe's share window: its last `window` results, by the gateway that answered. */
export interface FailoverShares {
	/** Results in the share window (at most marker.window). */
	results: number;
	window: number;
	/** Gateways that answered, the configured ones first (in values order), then by count. */
	gateways: Array<{gateway: string; count: number; share: number}>;
	/** Results without an answer (the probe failed). */
	failed: number;
	/** Answers that named no gateway (the marker missing or an unknown value). */
	unmarked: number;
	primary?: string;
	fallback?: string;
	/** When the window's oldest and newest results were sent. */
	sinceMs?: number;
	untilMs?: number;
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
	/** The window's results, oldest first (for the sparkline). */
	recent?: ProbeSample[];
	/** With a marker: who answered the last marker.window results. */
	shares?: FailoverShares;
	/** With from: where the check runs, in words: "exec m2 data/toolbox", "pod m2 busybox:1.36". */
	from?: string;
	/** The probe's own timeout (a failure started more than this before a cut was not caused by it). */
	timeoutMs?: number;
}
