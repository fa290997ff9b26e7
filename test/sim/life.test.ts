// The model's read API, life (restarts, CrashLoopBackOff, OOMKilled, CI jobs, memory drift), churn with
// stamps, filler scale, the labwatch config the simulator writes, and Go duration strings.
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {configSchema} from '../../source/config/schema.js';
import {formatGoDuration} from '../../source/sim/go-duration.js';
import {startHomelab} from '../../source/sim/homelab.js';
import type {SimEvent} from '../../source/sim/cluster-model.js';
import {openWatch, waitFor} from './helpers.js';

const gib = 2 ** 30;
const quiet = {syncIntervalMs: 600_000};

describe('model read API', () => {
	it('reports nodes, pods with memory, and host memory as the plan says', async () => {
		const sim = await startHomelab({life: false, healthCheck: quiet});
		try {
			const m1 = sim.clusters.find(cluster => cluster.name === 'm1')!.model;
			const nodes = m1.nodes();
			assert.equal(nodes.length, 3);
			for (const node of nodes) {
				assert.equal(node.ready, true);
				assert.equal(node.memoryCapacityBytes, 2 * gib);
				assert.ok(node.memoryAllocatableBytes < node.memoryCapacityBytes && node.memoryAllocatableBytes > 1.8 * gib);
			}
			const pods = m1.pods();
			const limitOf = (app: string) => pods.filter(pod => pod.labels.app === app).reduce((sum, pod) => sum + pod.memoryLimitBytes, 0);
			assert.equal(limitOf('postgresql'), 2 * gib);
			assert.equal(limitOf('redis'), 1 * gib);
			assert.equal(limitOf('kafka'), 2 * gib);
			assert.equal(limitOf('prometheus'), 2 * gib);
			assert.equal(limitOf('grafana'), 0.5 * gib);
			assert.equal(limitOf('jaeger'), 1 * gib);
			const controlPlane = pods.filter(pod => pod.labels.tier === 'control-plane');
			assert.equal(controlPlane.reduce((sum, pod) => sum + pod.memoryLimitBytes, 0), 6 * gib);
			assert.equal(pods.filter(pod => pod.labels.app === 'etcd').length, 3);
			for (const pod of pods) {
				assert.ok(pod.node, `${pod.name} has a node`);
				assert.ok(pod.workingSetBytes > 0 && pod.workingSetBytes <= pod.memoryLimitBytes, `${pod.name} working set`);
			}
			const host = m1.hostMemory();
			assert.equal(host.totalBytes, 16 * gib);
			assert.ok(host.usedBytes > 10 * gib && host.usedBytes < 16 * gib, `m1 used ${host.usedBytes}`);
			const m2 = sim.clusters.find(cluster => cluster.name === 'm2')!.model;
			assert.equal(m2.nodes().length, 2);
			const m2Host = m2.hostMemory();
			assert.equal(m2Host.totalBytes, 8 * gib);
			assert.ok(m2Host.usedBytes > 3 * gib && m2Host.usedBytes <= 6 * gib, `m2 used ${m2Host.usedBytes}`);
		} finally {
			await sim.stop();
		}
	});

	it('writes a kubeconfig and a labwatch config the schema accepts', async () => {
		const sim = await startHomelab({life: false, healthCheck: quiet});
		try {
			const config = configSchema.parse(sim.configFor('/tmp/sim-kubeconfig'));
			assert.equal(config.kubeconfig, '/tmp/sim-kubeconfig');
			assert.deepEqual(Object.keys(config.clusters), ['m1', 'm2']);
			assert.equal(config.clusters.m1!.context, 'sim-m1');
			assert.equal(config.clusters.m2!.host, 'm2');
			assert.equal(config.hosts.m2!.memory, 8 * gib);
			assert.deepEqual(config.drill.points, [{host: 'm1', via: 'sim', url: sim.controlUrl}]);
			// The demo's budgets come from the sim's own Prometheus query API on m1.
			assert.equal(config.prometheus!.url, `${sim.clusters[0]!.url}/prometheus`);
			assert.deepEqual(config.prometheus!.jobs, {m1: 'm1', m2: 'm2'});
			assert.deepEqual(config.hosts.m1!.nodeExporter, {label: 'host', value: 'm1'});
			const answer = await fetch(`${config.prometheus!.url}/api/v1/query?query=up`);
			assert.equal(((await answer.json()) as any).data.result.length, 2);
			const yaml = sim.kubeconfigYaml();
			assert.match(yaml, /current-context: sim-m1/);
			for (const cluster of sim.clusters) assert.ok(yaml.includes(`server: ${cluster.url}`));
		} finally {
			await sim.stop();
		}
	});
});

describe('life', () => {
	it('restarts containers (OOMKilled, CrashLoopBackOff and back) and runs CI jobs to completion', async () => {
		const sim = await startHomelab({life: true, healthCheck: quiet, lifeOptions: {tickMs: 20, restartChance: 0.5, ciChance: 0.5, timeScale: 0.01}});
		try {
			const seen: SimEvent[] = [];
			for (const cluster of sim.clusters) cluster.model.onChange(event => seen.push(event));
			const statuses = () => seen.filter(event => event.plural === 'pods').map(event => (event.entry.object.status as any).containerStatuses?.[0]);
			await waitFor(() => statuses().some(status => status?.lastState?.terminated?.reason === 'OOMKilled'), 5000, 'an OOMKilled restart');
			await waitFor(() => statuses().some(status => status?.state?.waiting?.reason === 'CrashLoopBackOff'), 5000, 'a CrashLoopBackOff');
			assert.ok(statuses().some(status => status?.restartCount > 0));
			// Back from CrashLoopBackOff: a MODIFIED event for a pod that was crash-looping, now running and ready.
			await waitFor(() => {
				const looped = new Set(seen.filter(event => (event.entry.object.status as any)?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff').map(event => event.key));
				return seen.some(event => looped.has(event.key) && (event.entry.object.status as any).containerStatuses[0].state.running && event.prev && (event.prev.object.status as any).containerStatuses[0].state.waiting);
			}, 5000, 'recovery from CrashLoopBackOff');
			await waitFor(() => {
				const all = seen.filter(event => event.plural === 'pods' && event.entry.object.metadata.labels?.['job-name']);
				return all.some(event => event.type === 'ADDED') && all.some(event => (event.entry.object.status as any).phase === 'Succeeded') && all.some(event => event.type === 'DELETED');
			}, 5000, 'a CI job created, succeeded and deleted');
			const job = seen.find(event => event.type === 'ADDED' && event.entry.object.metadata.labels?.['job-name'])!.entry.object;
			assert.equal(job.metadata.labels!.app, 'ci-runner');
			assert.equal(job.metadata.namespace, 'ci');
			assert.equal((job.status as any).phase, 'Pending');
		} finally {
			await sim.stop();
		}
	});

	it('drifts working sets without watch events', async () => {
		const sim = await startHomelab({only: ['m1'], life: true, healthCheck: quiet, lifeOptions: {tickMs: 20, restartChance: 0, ciChance: 0}});
		try {
			const model = sim.clusters[0]!.model;
			let events = 0;
			model.onChange(() => events++);
			const before = model.pods().map(pod => pod.workingSetBytes);
			const usedBefore = model.hostMemory().usedBytes;
			await new Promise(done => setTimeout(done, 300));
			const after = model.pods().map(pod => pod.workingSetBytes);
			assert.notDeepEqual(after, before);
			assert.notEqual(model.hostMemory().usedBytes, usedBefore);
			assert.equal(events, 0);
		} finally {
			await sim.stop();
		}
	});
});

describe('churn and scale', () => {
	it('churns filler pods at the requested rate with a stamp annotation', async () => {
		const sim = await startHomelab({only: ['m1'], life: false, healthCheck: quiet, podsPerCluster: 500, churnPerSecond: 200});
		const model = sim.clusters[0]!.model;
		const watch = await openWatch(`${sim.clusters[0]!.url}/api/v1/namespaces/load/pods?watch=true&resourceVersion=${model.resourceVersion()}`);
		try {
			const started = Date.now();
			let count = 0;
			while (Date.now() - started < 1000) {
				const event = await watch.next(1000);
				assert.equal(event.type, 'MODIFIED');
				const stampMs = Number(event.object.metadata.annotations['labwatch.sim/stamp']);
				assert.ok(Math.abs(Date.now() - stampMs) < 1000, 'stamp is the change time');
				count++;
			}
			assert.ok(count > 120 && count < 300, `${count} events in 1 s at 200/s`);
		} finally {
			watch.close();
			await sim.stop();
		}
	});

	it('holds 2 x 10,000 filler pods and lists them', async () => {
		const started = Date.now();
		const sim = await startHomelab({life: false, healthCheck: quiet, podsPerCluster: 10_000});
		try {
			assert.ok(Date.now() - started < 10_000, 'starts within 10 s');
			for (const cluster of sim.clusters) {
				const response = await fetch(`${cluster.url}/api/v1/namespaces/load/pods?limit=500`);
				const list = (await response.json()) as any;
				assert.equal(list.items.length, 500);
				assert.ok(list.metadata.continue);
				assert.ok(cluster.model.count('pods') > 10_000);
				// Filler is ballast: host memory stays the homelab's.
				assert.ok(cluster.model.hostMemory().usedBytes < cluster.model.hostMemory().totalBytes);
			}
		} finally {
			await sim.stop();
		}
	});
});

describe('Go durations', () => {
	it('formats like time.Duration.String()', () => {
		assert.equal(formatGoDuration(0), '0s');
		assert.equal(formatGoDuration(999), '999ns');
		assert.equal(formatGoDuration(612_804), '612.804\u00b5s');
		assert.equal(formatGoDuration(1_203_417), '1.203417ms');
		assert.equal(formatGoDuration(4_918_233), '4.918233ms');
		assert.equal(formatGoDuration(2_500_000_000), '2.5s');
		assert.equal(formatGoDuration(62_500_000_000), '1m2.5s');
		assert.equal(formatGoDuration(3_600_000_000_000), '1h0m0s');
	});
});
