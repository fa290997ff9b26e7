// Real Debian prometheus on loopback scraping exposition servers this test controls (and the real node
// exporter once); the budgets labwatch computes from its answers must equal what the test computes from the
// served numbers.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {BudgetSource} from '../../source/budget/source.js';
import type {BudgetUpdate, HostBudget} from '../../source/budget/types.js';
import {configSchema} from '../../source/config/schema.js';
import {formatBytes} from '../../source/config/size.js';
import {hasCommand, needs} from '../support/infra.js';
import {GiB, MiB, cluster, pod} from '../budget/fixtures.js';
import {exposition, freePort, instantValues, startExposition, startNodeExporter, startPrometheus} from './real-prometheus.js';

const darwin = {total: 16 * GiB, free: GiB, active: 6 * GiB, inactive: 3 * GiB, wired: 2.5 * GiB, compressed: 1.25 * GiB, internal: 7 * GiB, purgeable: 0.5 * GiB};
const linux = {MemTotal: 8 * GiB, MemAvailable: 5 * GiB, MemFree: 2 * GiB, Cached: 2.5 * GiB};

const darwinText = exposition([
	...Object.entries(darwin).map(([field, value]) => ({name: `node_memory_${field}_bytes`, value})),
	{name: 'node_memory_swap_used_bytes', value: 100 * MiB},
]);
const linuxText = exposition(Object.entries(linux).map(([field, value]) => ({name: `node_memory_${field}_bytes`, value})));

interface ServedPod {
	namespace: string;
	pod: string;
	containers: Record<string, number>;
	/** A container restarted moments ago: its dead instance's series lingers with these bytes. */
	lingering?: Record<string, number>;
}

/**
 * cAdvisor over containerd: one series per container with its image and id; the pod-level cgroup
 * (container="", no image) and the pause sandbox (container="", image pause), which must not be counted;
 * the dead instance of a restarted container beside the new one, which must not be counted twice.
 */
function cadvisor(pods: ServedPod[]): string {
	return exposition(
		pods.flatMap(entry => {
			const total = Object.values(entry.containers).reduce((sum, bytes) => sum + bytes, 0);
			const cgroup = `/kubepods/burstable/pod-${entry.pod}`;
			const series = (labels: Record<string, string>, value: number) => ({
				name: 'container_memory_working_set_bytes',
				labels: {namespace: entry.namespace, pod: entry.pod, ...labels},
				value,
			});
			return [
				...Object.entries(entry.containers).map(([container, value]) => series({container, image: `docker.io/library/${container}:1`, id: `${cgroup}/${container}-2`}, value)),
				...Object.entries(entry.lingering ?? {}).map(([container, value]) => series({container, image: `docker.io/library/${container}:1`, id: `${cgroup}/${container}-1`}, value)),
				series({container: '', id: cgroup}, total + 10 * MiB),
				series({container: '', image: 'registry.k8s.io/pause:3.10', id: `${cgroup}/sandbox`}, MiB),
			];
		}),
	);
}

const m1Pods: ServedPod[] = [
	{namespace: 'data', pod: 'postgresql-0', containers: {postgres: 900 * MiB, exporter: 50 * MiB}, lingering: {postgres: 880 * MiB}},
	{namespace: 'data', pod: 'redis-0', containers: {redis: 200 * MiB}},
	{namespace: 'kube-system', pod: 'etcd-m1-control-plane', containers: {etcd: 150 * MiB}},
	{namespace: 'default', pod: 'mystery-0', containers: {main: 30 * MiB}},
];
const m2Pods: ServedPod[] = [
	{namespace: 'apps', pod: 'backend-1', containers: {api: 400 * MiB}},
	{namespace: 'edge', pod: 'api-gateway-x', containers: {nginx: 64 * MiB}},
];
const c3Pods: ServedPod[] = [
	{namespace: 'web', pod: 'web-1', containers: {app: 300 * MiB}},
	{namespace: 'web', pod: 'web-2', containers: {app: 200 * MiB}},
];

const snapshots = [
	cluster('m1', 'm1', [
		pod('data', 'postgresql-0', {labels: {app: 'postgresql'}, memoryRequestBytes: GiB, memoryLimitBytes: 2 * GiB}),
		pod('data', 'redis-0', {labels: {app: 'redis'}, memoryRequestBytes: 256 * MiB, memoryLimitBytes: 512 * MiB}),
		pod('kube-system', 'etcd-m1-control-plane', {labels: {component: 'etcd'}, memoryRequestBytes: 100 * MiB}),
	]),
	cluster('m2', 'm2', [
		pod('apps', 'backend-1', {labels: {app: 'backend'}, memoryRequestBytes: GiB, memoryLimitBytes: 4 * GiB}),
		pod('apps', 'backend-2', {labels: {app: 'backend'}, memoryRequestBytes: GiB, memoryLimitBytes: 3 * GiB}),
		pod('edge', 'api-gateway-x', {memoryLimitBytes: 256 * MiB}),
	]),
	cluster('c3', 'm3', [pod('web', 'web-1', {memoryRequestBytes: 256 * MiB}), pod('web', 'web-2', {memoryRequestBytes: 256 * MiB})]),
	cluster('c4', 'm4', [pod('batch', 'job-x', {memoryRequestBytes: 512 * MiB})]),
];

function labConfig(url: string) {
	return configSchema.parse({
		clusters: {
			m1: {context: 'm1', host: 'm1'},
			m2: {context: 'm2', host: 'm2'},
			c3: {context: 'c3', host: 'm3'},
			c4: {context: 'c4', host: 'm4'},
		},
		hosts: {
			m1: {memory: '16GiB', address: '127.0.0.11', nodeExporter: 'mac-mini', plan: {'control-plane': '6GiB', postgresql: '2GiB', redis: '1GiB'}},
			// No nodeExporter: found by its address in the instance label.
			m2: {memory: '8GiB', address: '127.0.0.1', plan: {'worker-nodes': '4GiB', backend: '1GiB', 'api-gateway': '256MiB'}},
			m3: {memory: '4GiB', reserved: '1GiB', address: '127.0.0.3'},
			m4: {memory: '4GiB', reserved: '1GiB', address: '127.0.0.4'},
			m5: {memory: '1024GiB', address: '127.0.0.5', nodeExporter: 'real-node'},
		},
		prometheus: {url, interval: '1s', timeout: '3s', jobs: {m1: 'kubelet-m1', m2: 'kubelet-m2', c3: 'kubelet-c3'}},
	});
}

const sum = (pods: ServedPod[]) => pods.flatMap(entry => Object.values(entry.containers)).reduce((total, bytes) => total + bytes, 0);

/** The fields the test can compute by hand. */
function summary(budget: HostBudget) {
	return {
		actualSource: budget.actualSource,
		actualBytes: budget.actualBytes,
		headroomBytes: budget.headroomBytes,
		requestBytes: budget.requestBytes,
		limitsBytes: budget.limitsBytes,
		verdict: budget.verdict,
	};
}

async function pollUntil(source: BudgetSource, done: (update: BudgetUpdate) => boolean, timeoutMs: number): Promise<BudgetUpdate> {
	const deadline = Date.now() + timeoutMs;
	let update = await source.pollNow();
	while (!done(update)) {
		if (Date.now() > deadline) assert.fail(`condition not reached in ${timeoutMs} ms: ${JSON.stringify(update.prometheus)} ${JSON.stringify(update.hosts.map(summary))}`);
		await new Promise(resolve => setTimeout(resolve, 250));
		update = await source.pollNow();
	}
	return update;
}

const host = (update: BudgetUpdate, name: string): HostBudget => {
	const found = update.hosts.find(budget => budget.host === name);
	assert.ok(found, `no budget for ${name}`);
	return found;
};

test('real prometheus: Linux and macOS names, over-commit, a host without exporter, a target down', {timeout: 120_000}, async t => {
	if (!needs(t, hasCommand('prometheus') && hasCommand('prometheus-node-exporter'), 'needs Debian prometheus and prometheus-node-exporter')) return;

	const nodeM1 = await startExposition(darwinText);
	t.after(() => nodeM1.close());
	const nodeM2 = await startExposition(linuxText);
	t.after(() => nodeM2.close());
	const kubeletM1 = await startExposition(cadvisor(m1Pods));
	t.after(() => kubeletM1.close());
	const kubeletM2 = await startExposition(cadvisor(m2Pods));
	t.after(() => kubeletM2.close());
	const kubeletC3 = await startExposition(cadvisor(c3Pods));
	t.after(() => kubeletC3.close());
	const nodeExporter = await startNodeExporter();
	t.after(() => nodeExporter.stop());
	const prometheus = await startPrometheus([
		{job: 'node-m1', port: nodeM1.port, labels: {instance: 'mac-mini'}},
		{job: 'node-m2', port: nodeM2.port},
		{job: 'kubelet-m1', port: kubeletM1.port},
		{job: 'kubelet-m2', port: kubeletM2.port},
		{job: 'kubelet-c3', port: kubeletC3.port},
		// c3's pods scraped twice (a second job on the same cAdvisor): still counted once.
		{job: 'cadvisor-c3', port: kubeletC3.port},
		{job: 'node-real', port: nodeExporter.port, labels: {instance: 'real-node'}},
	]);
	t.after(() => prometheus.stop());

	const config = labConfig(prometheus.url);
	const source = new BudgetSource({config, clusters: () => snapshots, onChange: () => {}, historyPoints: 1800});
	t.after(() => source.stop());

	const ready = await pollUntil(
		source,
		update =>
			update.prometheus.targets.length === 7 &&
			update.prometheus.targets.every(target => target.up) &&
			host(update, 'm1').actualSource === 'node-exporter-darwin' &&
			host(update, 'm2').actualSource === 'node-exporter-linux' &&
			host(update, 'm2').history.length > 0 &&
			host(update, 'm3').actualBytes === sum(c3Pods) &&
			host(update, 'm5').actualSource === 'node-exporter-linux',
		30_000,
	);

	// m1: macOS names, Activity Monitor's "Memory Used".
	const m1Used = darwin.internal - darwin.purgeable + darwin.wired + darwin.compressed;
	assert.deepEqual(summary(host(ready, 'm1')), {
		actualSource: 'node-exporter-darwin',
		actualBytes: m1Used,
		headroomBytes: 14 * GiB - m1Used,
		requestBytes: GiB + 256 * MiB + 100 * MiB,
		limitsBytes: 2.5 * GiB,
		verdict: {level: 'ok', reasons: []},
	});
	const m1Lines = Object.fromEntries(host(ready, 'm1').lines.map(line => [line.name, line.actualBytes]));
	assert.deepEqual(m1Lines, {'control-plane': 150 * MiB, postgresql: 950 * MiB, redis: 200 * MiB, other: 30 * MiB});

	// m2: Linux names, found by address; limits 7.25 GiB over-commit 6 GiB usable.
	const m2Used = linux.MemTotal - linux.MemAvailable;
	assert.deepEqual(summary(host(ready, 'm2')), {
		actualSource: 'node-exporter-linux',
		actualBytes: m2Used,
		headroomBytes: 6 * GiB - m2Used,
		requestBytes: 2 * GiB,
		limitsBytes: 7 * GiB + 256 * MiB,
		verdict: {level: 'warn', reasons: [`limits over-commit m2 by ${formatBytes(1.25 * GiB)}`]},
	});
	assert.ok(host(ready, 'm2').history.every(value => value === m2Used));
	assert.deepEqual(
		host(ready, 'm2').lines.map(line => [line.name, line.actualBytes, line.pods]),
		[['worker-nodes', 0, 0], ['backend', 400 * MiB, 2], ['api-gateway', 64 * MiB, 1]],
	);

	// m3: no exporter, so the working sets of c3's pods, and the reason why.
	const m3 = host(ready, 'm3');
	assert.deepEqual(summary(m3), {
		actualSource: 'working-set',
		actualBytes: 500 * MiB,
		headroomBytes: 3 * GiB - 500 * MiB,
		requestBytes: 512 * MiB,
		limitsBytes: 0,
		verdict: {level: 'ok', reasons: []},
	});
	assert.equal(m3.sourceNote, 'no series node_memory_MemTotal_bytes or node_memory_total_bytes for instance 127.0.0.3:*');

	// m4: neither exporter nor working sets: requests, said so.
	const m4 = host(ready, 'm4');
	assert.deepEqual([m4.actualSource, m4.actualBytes], ['requests', 512 * MiB]);
	assert.match(m4.sourceNote ?? '', /no series container_memory_working_set_bytes for c4/);
	assert.equal(ready.prometheus.state, 'partial');
	assert.equal(ready.prometheus.url, prometheus.url);

	// m5: the real node exporter; labwatch's number equals Prometheus's at the same instant, and that is /proc/meminfo.
	const atMs = ready.prometheus.lastSuccessMs!;
	const [total] = await instantValues(prometheus.url, 'node_memory_MemTotal_bytes{instance="real-node"}', atMs);
	const [available] = await instantValues(prometheus.url, 'node_memory_MemAvailable_bytes{instance="real-node"}', atMs);
	assert.ok(total && available);
	assert.equal(host(ready, 'm5').actualBytes, total.value - available.value);
	const meminfo = readFileSync('/proc/meminfo', 'utf8');
	const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1]) * 1024;
	assert.equal(total.value, kib('MemTotal'));
	assert.ok(Math.abs(available.value - kib('MemAvailable')) < Math.max(0.1 * kib('MemAvailable'), 256 * MiB), 'MemAvailable close to /proc/meminfo');

	// A target down: m2's exporter stops; up==0, and m2 falls back to its working sets.
	await nodeM2.close();
	const down = await pollUntil(source, update => host(update, 'm2').actualSource !== 'node-exporter-linux', 20_000);
	const m2Down = host(down, 'm2');
	assert.deepEqual([m2Down.actualSource, m2Down.actualBytes], ['working-set', 464 * MiB]);
	assert.equal(m2Down.sourceNote, `node_exporter target 127.0.0.1:${nodeM2.port} down`);
	assert.deepEqual(
		down.prometheus.targets.find(target => target.job === 'node-m2'),
		{job: 'node-m2', instance: `127.0.0.1:${nodeM2.port}`, up: false},
	);
	assert.ok(down.prometheus.problems?.includes(`target node-m2 down (job node-m2, instance 127.0.0.1:${nodeM2.port})`));
});

test('Prometheus down: status down with the reason, budgets from requests', async t => {
	const url = `http://127.0.0.1:${await freePort()}`;
	const source = new BudgetSource({config: labConfig(url), clusters: () => snapshots, onChange: () => {}});
	t.after(() => source.stop());
	const update = await source.pollNow();
	assert.deepEqual(
		{...update.prometheus},
		{url, state: 'down', reason: 'connection refused', problems: ['connection refused'], targets: []},
	);
	const m2 = host(update, 'm2');
	assert.deepEqual([m2.actualSource, m2.actualBytes, m2.sourceNote], ['requests', 2 * GiB, 'Prometheus down: connection refused']);
	assert.deepEqual(m2.verdict.reasons, [`limits over-commit m2 by ${formatBytes(1.25 * GiB)}`]);
	assert.equal(host(update, 'm5').actualSource, 'none');
});
