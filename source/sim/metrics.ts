// Prometheus text exposition for one simulated cluster, so a real Prometheus can scrape the simulator
// (and the simulator's own query API can answer from the same numbers):
//   node_memory_*{host="<host>"}: the cluster's host as node_exporter reports it, in the host's dialect
//     (model.hostMemory().os: darwin, the Macs' default, or linux; see host-memory-series.ts). The `host`
//     label lets a config pick it out with `hosts.<h>.nodeExporter: {label: host, value: <h>}` whatever
//     instance the scrape gives it.
//   container_memory_working_set_bytes{namespace, pod, container, image, id, name, node, cluster}: cAdvisor as
//     the kubelet reports it over containerd: one series per container of every Running pod (the pod's working
//     set split by memory request); the pod-level cgroup (container="", no image) and the pause sandbox
//     (container="", image=pause); and, for a few minutes after a restart, the dead instance's series beside
//     the new one (same container name, another id), as cAdvisor keeps it until the cgroup is gone.
// Filler pods (load-test ballast) have no working set and no series, as they do not count in host memory.
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {SimHostMemory, SimPodView} from './cluster-model.js';
import {hostMemorySamples} from './host-memory-series.js';

/** What the metrics need of a ClusterModel. */
export interface SimMetricsModel {
	readonly name: string;
	readonly host: string;
	pods(): SimPodView[];
	hostMemory(): SimHostMemory;
}

export interface MetricSample {
	name: string;
	labels: Record<string, string>;
	value: number;
	help: string;
}

const pauseBytes = 1 << 20;
const pauseImage = 'registry.k8s.io/pause:3.10';
/** How long the dead instance of a restarted container keeps its series. */
export const deadContainerLingerMs = 4 * 60_000;

/** A containerd-like container id, stable for a pod, container and instance. */
function containerId(...parts: Array<string | number>): string {
	let hash = 2166136261;
	for (const char of parts.join('/')) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
	return hash.toString(16).padStart(8, '0').repeat(8);
}

/** The pod's working set spread over its containers by memory request (evenly when none has one). */
function containerShares(pod: SimPodView): Array<{container: SimPodView['containers'][number]; bytes: number}> {
	const containers = pod.containers.length ? pod.containers : [{name: 'main', memoryRequestBytes: 0, memoryLimitBytes: 0, restartCount: 0}];
	const requested = containers.reduce((sum, container) => sum + container.memoryRequestBytes, 0);
	const shares = containers.map(container => ({
		container,
		bytes: Math.floor(pod.workingSetBytes * (requested > 0 ? container.memoryRequestBytes / requested : 1 / containers.length)),
	}));
	// Rounding leftovers go to the first container, so the containers add up to the pod exactly.
	const leftover = pod.workingSetBytes - shares.reduce((sum, share) => sum + share.bytes, 0);
	if (shares[0]) shares[0].bytes += leftover;
	return shares;
}

export function simMetricSamples(model: SimMetricsModel, nowMs = Date.now()): MetricSample[] {
	const memory = model.hostMemory();
	const samples: MetricSample[] = hostMemorySamples(memory.os, memory.totalBytes, memory.usedBytes).map(sample => ({...sample, labels: {host: model.host}}));
	const help = 'Current working set of the container in bytes';
	for (const pod of model.pods()) {
		if (pod.filler || pod.phase !== 'Running' || !pod.node) continue;
		const base = {namespace: pod.namespace, pod: pod.name, node: pod.node, cluster: model.name};
		const cgroup = `/kubepods/burstable/pod${pod.uid}`;
		const series = (labels: Record<string, string>, value: number) => samples.push({name: 'container_memory_working_set_bytes', labels: {...base, ...labels}, value, help});
		for (const {container, bytes} of containerShares(pod)) {
			const image = container.image ?? `docker.io/library/${container.name}:latest`;
			const id = containerId(pod.uid, container.name, container.restartCount);
			series({container: container.name, image, id: `${cgroup}/${id}`, name: id}, bytes);
			// The instance that died lingers (with about what it last used) until cAdvisor drops its cgroup.
			if (container.restartCount > 0 && container.lastTerminatedMs !== undefined && nowMs - container.lastTerminatedMs < deadContainerLingerMs) {
				const deadId = containerId(pod.uid, container.name, container.restartCount - 1);
				series({container: container.name, image, id: `${cgroup}/${deadId}`, name: deadId}, bytes);
			}
		}
		series({container: '', id: cgroup}, pod.workingSetBytes + pauseBytes);
		const sandbox = containerId(pod.uid, 'sandbox');
		series({container: '', image: pauseImage, id: `${cgroup}/${sandbox}`, name: sandbox}, pauseBytes);
	}
	return samples;
}

function escapeLabel(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Text exposition format 0.0.4, HELP and TYPE once per metric. */
export function renderExposition(samples: MetricSample[]): string {
	const byName = new Map<string, MetricSample[]>();
	for (const sample of samples) byName.set(sample.name, [...(byName.get(sample.name) ?? []), sample]);
	const lines: string[] = [];
	for (const [name, group] of byName) {
		lines.push(`# HELP ${name} ${group[0]!.help}`, `# TYPE ${name} gauge`);
		for (const sample of group) {
			const labels = Object.entries(sample.labels)
				.map(([key, value]) => `${key}="${escapeLabel(value)}"`)
				.join(',');
			lines.push(`${name}{${labels}} ${sample.value}`);
		}
	}
	return `${lines.join('\n')}\n`;
}

export function simMetricsText(model: SimMetricsModel): string {
	return renderExposition(simMetricSamples(model));
}

/** GET /metrics for one cluster; mount with `cluster.server.route('/metrics', createMetricsHandler(cluster.model))`. */
export function createMetricsHandler(model: SimMetricsModel): (req: IncomingMessage, res: ServerResponse) => void {
	return (req, res) => {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, {allow: 'GET, HEAD'}).end();
			return;
		}
		const body = simMetricsText(model);
		res.writeHead(200, {'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body)});
		res.end(req.method === 'HEAD' ? undefined : body);
	};
}
