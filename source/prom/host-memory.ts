// Which node_exporter series is which host, which dialect it speaks, and how much of the host is used.
import type {HostConfig} from '../config/schema.js';
import {darwinMemoryMetrics, linuxMemoryMetrics} from './catalogue.js';
import type {PromSample} from './types.js';
import {formatBytes} from '../config/size.js';

export type HostMemoryReading =
	| {state: 'ok'; dialect: 'linux' | 'darwin'; instance: string; totalBytes: number; usedBytes: number}
	| {state: 'missing'; reason: string};

type Labels = Record<string, string>;

/** The host part of an instance label: "192.168.1.20:9100" -> "192.168.1.20", "[::1]:9100" -> "::1". */
export function instanceHost(instance: string): string {
	const bare = instance.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
	const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(bare);
	if (bracketed) return bracketed[1] ?? bare;
	return bare.replace(/:\d+$/, '');
}

/**
 * Whether a series belongs to the host's exporter. `hosts.<h>.nodeExporter` names the value of the
 * `instance` label (or of another label); without it, the host's address must be the instance's host part.
 */
export function matchesHost(host: HostConfig, labels: Labels): boolean {
	const selector = host.nodeExporter;
	if (typeof selector === 'string') return labels.instance === selector;
	if (selector) return labels[selector.label] === selector.value;
	return labels.instance !== undefined && instanceHost(labels.instance) === host.address;
}

/** How the host's exporter is described in reasons. */
export function exporterDescription(host: HostConfig): string {
	const selector = host.nodeExporter;
	if (typeof selector === 'string') return `instance ${selector}`;
	if (selector) return `${selector.label}=${selector.value}`;
	return `instance ${host.address}:*`;
}

function metricName(sample: PromSample): string {
	return sample.labels.__name__ ?? '';
}

/** A series' identity without its name, to group one exporter's metrics together. */
function targetKey(labels: Labels): string {
	return JSON.stringify(
		Object.entries(labels)
			.filter(([key]) => key !== '__name__')
			.sort(([a], [b]) => a.localeCompare(b)),
	);
}

/** A value no meminfo can hold (NaN, ±Inf, negative) named for the reason; undefined when all are plausible. */
function impossibleValue(values: Map<string, number>): string | undefined {
	for (const [name, value] of values) {
		if (!Number.isFinite(value) || value < 0) return `${name} is ${value}`;
	}
	return undefined;
}

/**
 * A reading no machine has is rejected with a reason, so the next source (working sets, then requests)
 * is used: "OK -48 GiB used" from MemAvailable > MemTotal must never be shown as a measurement.
 */
function plausible(reading: HostMemoryReading, values: Map<string, number>): HostMemoryReading {
	if (reading.state !== 'ok') return reading;
	const where = `impossible reading from instance ${reading.instance}`;
	const bad = impossibleValue(values);
	if (bad) return {state: 'missing', reason: `${where}: ${bad}`};
	if (reading.totalBytes <= 0) return {state: 'missing', reason: `${where}: total ${reading.totalBytes} bytes`};
	if (reading.usedBytes < 0 || reading.usedBytes > reading.totalBytes) {
		return {state: 'missing', reason: `${where}: ${formatBytes(reading.usedBytes)} used of ${formatBytes(reading.totalBytes)}`};
	}
	return reading;
}

function readOne(instance: string, values: Map<string, number>): HostMemoryReading {
	return plausible(readFields(instance, values), values);
}

function readFields(instance: string, values: Map<string, number>): HostMemoryReading {
	const need = (name: string): number | string => values.get(name) ?? `no series ${name} for instance ${instance}`;
	if (values.has(darwinMemoryMetrics.total)) {
		const total = values.get(darwinMemoryMetrics.total) ?? 0;
		const wired = need(darwinMemoryMetrics.wired);
		const compressed = need(darwinMemoryMetrics.compressed);
		if (typeof wired === 'string') return {state: 'missing', reason: wired};
		if (typeof compressed === 'string') return {state: 'missing', reason: compressed};
		const internal = values.get(darwinMemoryMetrics.internal);
		const purgeable = values.get(darwinMemoryMetrics.purgeable);
		if (internal !== undefined && purgeable !== undefined) {
			// Activity Monitor's "Memory Used": app memory + wired + compressed.
			return {state: 'ok', dialect: 'darwin', instance, totalBytes: total, usedBytes: internal - purgeable + wired + compressed};
		}
		// Exporters before internal/purgeable existed: what cannot be reclaimed at once.
		const free = need(darwinMemoryMetrics.free);
		const inactive = need(darwinMemoryMetrics.inactive);
		if (typeof free === 'string') return {state: 'missing', reason: free};
		if (typeof inactive === 'string') return {state: 'missing', reason: inactive};
		return {state: 'ok', dialect: 'darwin', instance, totalBytes: total, usedBytes: total - free - inactive};
	}
	const total = need(linuxMemoryMetrics.total);
	const available = need(linuxMemoryMetrics.available);
	if (typeof total === 'string') return {state: 'missing', reason: total};
	if (typeof available === 'string') return {state: 'missing', reason: available};
	return {state: 'ok', dialect: 'linux', instance, totalBytes: total, usedBytes: total - available};
}

/**
 * The host's memory from the hostMemory query. When several exporters match (same address, two ports),
 * a macOS one wins (it sees the physical machine; a Linux one there is a VM), then the larger total.
 */
export function readHostMemory(host: HostConfig, samples: PromSample[], up: PromSample[] = []): HostMemoryReading {
	const byTarget = new Map<string, {instance: string; values: Map<string, number>}>();
	for (const sample of samples) {
		// Non-finite values are kept: they make the reading impossible, with a reason, not silently partial.
		if (!matchesHost(host, sample.labels)) continue;
		const key = targetKey(sample.labels);
		let entry = byTarget.get(key);
		if (!entry) {
			entry = {instance: sample.labels.instance ?? '?', values: new Map()};
			byTarget.set(key, entry);
		}
		entry.values.set(metricName(sample), sample.value);
	}
	const readings = [...byTarget.values()].map(entry => readOne(entry.instance, entry.values));
	const ok = readings
		.filter((reading): reading is Extract<HostMemoryReading, {state: 'ok'}> => reading.state === 'ok')
		.sort((a, b) => (a.dialect === b.dialect ? b.totalBytes - a.totalBytes : a.dialect === 'darwin' ? -1 : 1));
	if (ok[0]) return ok[0];
	const down = up
		.filter(sample => sample.value === 0 && matchesHost(host, sample.labels))
		.sort((a, b) => (a.labels.instance ?? '').localeCompare(b.labels.instance ?? ''));
	if (down.length === 1) return {state: 'missing', reason: `node_exporter target ${down[0]!.labels.instance ?? '?'} down`};
	// Several targets at the host's address (node_exporter beside an apiserver): which one is the
	// exporter is not known, so each is named.
	if (down.length > 1) {
		const targets = down.map(sample => `${sample.labels.instance ?? '?'} (job ${sample.labels.job ?? '?'})`).join(', ');
		return {state: 'missing', reason: `no node_exporter series; targets at ${host.address} down: ${targets}`};
	}
	const partial = readings[0];
	if (partial) return partial;
	const described = exporterDescription(host);
	return {
		state: 'missing',
		reason: `no series ${linuxMemoryMetrics.total} or ${darwinMemoryMetrics.total} for ${described}`,
	};
}
