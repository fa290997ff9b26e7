// A probe's recent results (a bounded ring) and what they add up to.
import type {ProbeTargetConfig} from '../config/schema.js';
import type {ProbeResult, ProbeStatus} from './types.js';
import {failoverShares} from './shares.js';
import {fromWords} from './from-cluster.js';

/** Results kept per probe: five minutes at the default 5 s interval. */
export const probeWindowSize = 60;

export class ProbeWindow {
	private readonly results: ProbeResult[] = [];
	private lastError: {atMs: number; error: string} | undefined;

	private readonly size: number;

	constructor(
		readonly probe: ProbeTargetConfig,
		size = probeWindowSize,
	) {
		// A failover probe's share window fits inside what is kept.
		this.size = Math.max(size, probe.marker?.window ?? 0);
	}

	add(result: ProbeResult): void {
		this.results.push(result);
		if (this.results.length > this.size) this.results.splice(0, this.results.length - this.size);
		if (!result.ok) this.lastError = {atMs: result.atMs, error: result.error ?? 'failed'};
	}

	status(): ProbeStatus {
		return probeStatus(this.probe, this.results, this.lastError);
	}
}

export function probeStatus(probe: ProbeTargetConfig, results: ProbeResult[], lastError?: {atMs: number; error: string}): ProbeStatus {
	const latencies = results.filter(result => result.ok && result.latencyMs !== undefined).map(result => result.latencyMs!).sort((a, b) => a - b);
	const succeeded = results.filter(result => result.ok).length;
	const last = results.at(-1);
	return {
		name: probe.name,
		kind: probe.http !== undefined ? 'http' : 'tcp',
		target: probe.http ?? probe.tcp!,
		level: probe.level,
		samples: results.length,
		successRate: results.length > 0 ? succeeded / results.length : undefined,
		p50Ms: percentile(latencies, 0.5),
		p95Ms: percentile(latencies, 0.95),
		maxMs: latencies.at(-1),
		last,
		...(lastError ? {lastError} : {}),
		recent: results.map(result => (result.latencyMs === undefined ? {atMs: result.atMs, ok: result.ok} : {atMs: result.atMs, ok: result.ok, latencyMs: result.latencyMs})),
		timeoutMs: probe.timeout,
		...(probe.marker ? {shares: failoverShares(probe.marker, results)} : {}),
		...(probe.from ? {from: fromWords(probe.from)} : {}),
	};
}

/** Nearest-rank percentile of sorted values; undefined when there are none. */
export function percentile(sorted: number[], fraction: number): number | undefined {
	if (sorted.length === 0) return undefined;
	const rank = Math.ceil(fraction * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
