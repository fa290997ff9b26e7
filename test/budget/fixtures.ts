// Small builders for budget tests: a parsed config, cluster snapshots with pods, a Prometheus poll.
import {configSchema, type Config, type ConfigInput} from '../../source/config/schema.js';
import type {ClusterSnapshot, PodInfo} from '../../source/store/types.js';
import type {PromData, PromSample} from '../../source/prom/types.js';

export const GiB = 2 ** 30;
export const MiB = 2 ** 20;

/** m1 (16 GiB) and m2 (8 GiB) with the homelab's plans, on loopback addresses only. */
export function testConfig(overrides: Partial<ConfigInput> = {}): Config {
	return configSchema.parse({
		clusters: {
			m1: {context: 'kind-m1-cluster', host: 'm1'},
			m2: {context: 'kind-m2-cluster', host: 'm2'},
		},
		hosts: {
			m1: {memory: '16GiB', reserved: '2GiB', address: '127.0.0.11', plan: {'control-plane': '6GiB', postgresql: '2GiB', redis: '1GiB'}},
			m2: {memory: '8GiB', reserved: '2GiB', address: '127.0.0.12', plan: {'worker-nodes': '4GiB', 'api-gateway': '256MiB', backend: '1GiB'}},
		},
		...overrides,
	});
}

export function pod(namespace: string, name: string, fields: Partial<PodInfo> = {}): PodInfo {
	return {
		uid: `${namespace}-${name}`,
		namespace,
		name,
		node: 'node-a',
		phase: 'Running',
		ready: true,
		restarts: 0,
		createdMs: 0,
		memoryRequestBytes: 0,
		memoryLimitBytes: 0,
		labels: {},
		...fields,
	};
}

export function cluster(name: string, host: string, pods: PodInfo[], synced = true): ClusterSnapshot {
	return {
		name,
		context: `kind-${name}-cluster`,
		host,
		connection: {phase: 'live', sinceMs: 0},
		stale: false,
		synced: {nodes: synced, pods: synced, gateways: synced},
		nodes: [],
		nodeCounts: {ready: 0, total: 0},
		podCounts: {running: pods.length, failing: 0, pending: 0, failed: 0, succeeded: 0, total: pods.length},
		pods,
		gateways: [],
		verdict: {level: 'ok', reasons: []},
	};
}

export function sample(labels: Record<string, string>, value: number): PromSample {
	return {labels, value};
}

export function promData(fields: Partial<PromData> = {}): PromData {
	return {
		atMs: 1_000_000,
		url: 'http://127.0.0.1:1',
		reachable: true,
		queryErrors: {},
		hostMemory: [],
		workingSets: [],
		up: [],
		usedHistory: [],
		...fields,
	};
}

/** Linux node_exporter series for one instance. */
export function linuxHost(instance: string, totalBytes: number, availableBytes: number, job = 'node'): PromSample[] {
	return [
		sample({__name__: 'node_memory_MemTotal_bytes', instance, job}, totalBytes),
		sample({__name__: 'node_memory_MemAvailable_bytes', instance, job}, availableBytes),
	];
}

export interface DarwinMemory {
	total: number;
	free: number;
	active: number;
	inactive: number;
	wired: number;
	compressed: number;
	internal: number;
	purgeable: number;
}

/** macOS node_exporter series for one instance. */
export function darwinHost(instance: string, memory: DarwinMemory, job = 'node'): PromSample[] {
	return Object.entries(memory).map(([field, value]) => sample({__name__: `node_memory_${field}_bytes`, instance, job}, value));
}
