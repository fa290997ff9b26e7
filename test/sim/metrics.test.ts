import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {SimPodView} from '../../source/sim/cluster-model.js';
import {simMetricSamples, simMetricsText, type SimMetricsModel} from '../../source/sim/metrics.js';
import {evaluateSimPromql, parseSimPromql, SimPromqlError, type SimSeries} from '../../source/sim/prometheus-api-eval.js';
import {queries} from '../../source/prom/catalogue.js';
import {readHostMemory} from '../../source/prom/host-memory.js';
import {hostSchema} from '../../source/config/schema.js';
import {darwinMemory, darwinPageBytes} from '../../source/sim/host-memory-series.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function podView(name: string, fields: Partial<SimPodView> = {}): SimPodView {
	return {
		uid: name,
		namespace: 'apps',
		name,
		node: 'm2-worker',
		phase: 'Running',
		labels: {},
		memoryRequestBytes: 0,
		memoryLimitBytes: 0,
		workingSetBytes: 100 * MiB,
		restarts: 0,
		containers: [{name: 'main', memoryRequestBytes: 0, memoryLimitBytes: 0, restartCount: 0}],
		filler: false,
		...fields,
	};
}

const model: SimMetricsModel = {
	name: 'm2',
	host: 'm2',
	hostMemory: () => ({host: 'm2', totalBytes: 8 * GiB, usedBytes: 5 * GiB, reservedBytes: 2 * GiB, os: 'linux'}),
	pods: () => [
		podView('backend-1', {
			workingSetBytes: 301 * MiB + 1,
			containers: [
				{name: 'api', memoryRequestBytes: 200 * MiB, memoryLimitBytes: 0, restartCount: 0},
				{name: 'sidecar', memoryRequestBytes: 100 * MiB, memoryLimitBytes: 0, restartCount: 0},
			],
		}),
		podView('pending-1', {phase: 'Pending', node: undefined}),
		podView('filler-1', {namespace: 'load', filler: true}),
	],
};

test('exposition: a Linux host: host memory with Linux names, cAdvisor working sets that add up to the pod', () => {
	const samples = simMetricSamples(model);
	const value = (name: string, labels: Record<string, string>) =>
		samples.find(sample => sample.name === name && Object.entries(labels).every(([key, expected]) => sample.labels[key] === expected))?.value;
	assert.equal(value('node_memory_MemTotal_bytes', {host: 'm2'}), 8 * GiB);
	assert.equal(value('node_memory_MemAvailable_bytes', {host: 'm2'}), 3 * GiB);
	const containers = samples.filter(sample => sample.name === 'container_memory_working_set_bytes' && sample.labels.pod === 'backend-1' && sample.labels.container !== '' && sample.labels.container !== 'POD');
	assert.deepEqual(containers.map(sample => sample.labels.container), ['api', 'sidecar']);
	assert.equal(containers.reduce((sum, sample) => sum + sample.value, 0), 301 * MiB + 1);
	assert.equal(samples.filter(sample => sample.labels.pod === 'pending-1' || sample.labels.pod === 'filler-1').length, 0);
	const text = simMetricsText(model);
	assert.match(text, /^# TYPE container_memory_working_set_bytes gauge$/m);
	assert.match(text, /^container_memory_working_set_bytes\{namespace="apps",pod="backend-1",node="m2-worker",cluster="m2",container="api",image="docker\.io\/library\/api:latest",id="\/kubepods\/burstable\/podbackend-1\/[0-9a-f]{64}",name="[0-9a-f]{64}"\} \d+$/m);
	assert.equal(text.match(/^# TYPE node_memory_MemTotal_bytes gauge$/gm)?.length, 1);
});

test('exposition: a Mac host speaks node_exporter\'s darwin dialect, and both darwin formulas read back its use', () => {
	const usedBytes = 5 * GiB + 12_345;
	const mac: SimMetricsModel = {...model, hostMemory: () => ({host: 'm2', totalBytes: 8 * GiB, usedBytes, reservedBytes: 2 * GiB, os: 'darwin'})};
	const samples = simMetricSamples(mac).filter(sample => sample.name.startsWith('node_memory_'));
	assert.deepEqual(
		samples.map(sample => sample.name).sort(),
		['active', 'compressed', 'free', 'inactive', 'internal', 'purgeable', 'swap_total', 'swap_used', 'total', 'wired'].map(field => `node_memory_${field}_bytes`),
	);
	assert.ok(samples.every(sample => sample.labels.host === 'm2' && Object.keys(sample.labels).length === 1));
	// meminfo_darwin.go multiplies page counts by the page size: every value is whole 16 KiB pages.
	assert.ok(samples.every(sample => Number.isInteger(sample.value / darwinPageBytes)), 'whole pages');
	const m = Object.fromEntries(samples.map(sample => [sample.name.replace(/^node_memory_|_bytes$/g, ''), sample.value]));
	assert.equal(m.total, 8 * GiB);
	assert.equal(m.free! + m.active! + m.inactive! + m.wired! + m.compressed!, m.total, 'pages add up as vm_stat\'s do');
	const usedPages = Math.round(usedBytes / darwinPageBytes) * darwinPageBytes;
	// labwatch's own reader (source/prom/host-memory.ts) on these series, as a Prometheus would label them.
	const asProm = samples.map(sample => ({labels: {__name__: sample.name, ...sample.labels, instance: 'sim:1', job: 'm2'}, value: sample.value}));
	const host = hostSchema.parse({memory: '8GiB', address: '127.0.0.12', nodeExporter: {label: 'host', value: 'm2'}});
	assert.deepEqual(readHostMemory(host, asProm), {state: 'ok', dialect: 'darwin', instance: 'sim:1', totalBytes: 8 * GiB, usedBytes: usedPages});
	// An exporter from before internal/purgeable: total − free − inactive gives the same number.
	const older = asProm.filter(sample => !/internal|purgeable/.test(sample.labels.__name__));
	assert.deepEqual(readHostMemory(host, older), {state: 'ok', dialect: 'darwin', instance: 'sim:1', totalBytes: 8 * GiB, usedBytes: usedPages});
	const text = simMetricsText(mac);
	assert.match(text, /^# HELP node_memory_wired_bytes Memory information field wired_bytes\.$/m);
	assert.doesNotMatch(text, /MemTotal|MemAvailable/);
});

test('darwin split: memory pressure shows as swap, and the numbers stay sane at the edges', () => {
	const calm = darwinMemory(16 * GiB, 8 * GiB);
	assert.equal(calm.swap_used, 0);
	assert.equal(calm.swap_total, GiB);
	const tight = darwinMemory(16 * GiB, 15.5 * GiB);
	assert.ok(tight.swap_used > 0 && tight.swap_used <= tight.swap_total);
	for (const used of [0, 16 * GiB, 20 * GiB]) {
		const edge = darwinMemory(16 * GiB, used);
		assert.ok(Object.values(edge).every(value => value >= 0), `no negative value at used=${used}`);
		assert.equal(edge.internal - edge.purgeable + edge.wired + edge.compressed, Math.min(used, 16 * GiB));
	}
});

function series(name: string, labels: Record<string, string>, value: number): SimSeries {
	return {labels: {__name__: name, ...labels}, value};
}

const samples: SimSeries[] = [
	series('node_memory_MemTotal_bytes', {instance: 'a', job: 'node'}, 100),
	series('node_memory_MemAvailable_bytes', {instance: 'a', job: 'node'}, 30),
	series('node_memory_total_bytes', {instance: 'mac', job: 'node'}, 1000),
	series('node_memory_internal_bytes', {instance: 'mac', job: 'node'}, 500),
	series('node_memory_purgeable_bytes', {instance: 'mac', job: 'node'}, 50),
	series('node_memory_wired_bytes', {instance: 'mac', job: 'node'}, 200),
	series('node_memory_compressed_bytes', {instance: 'mac', job: 'node'}, 100),
	// cAdvisor over containerd: two containers, the dead instance of `a` lingering after a restart, the
	// pod-level cgroup (container="", no image) and the pause sandbox (container="", image pause).
	series('container_memory_working_set_bytes', {namespace: 'n', pod: 'p', container: 'a', image: 'a:1', id: '/p/a2', job: 'm1'}, 10),
	series('container_memory_working_set_bytes', {namespace: 'n', pod: 'p', container: 'a', image: 'a:1', id: '/p/a1', job: 'm1'}, 9),
	series('container_memory_working_set_bytes', {namespace: 'n', pod: 'p', container: 'b', image: 'b:1', id: '/p/b1', job: 'm1'}, 5),
	series('container_memory_working_set_bytes', {namespace: 'n', pod: 'p', container: '', id: '/p', job: 'm1'}, 25),
	series('container_memory_working_set_bytes', {namespace: 'n', pod: 'p', container: '', image: 'pause:3.10', id: '/p/s', job: 'm1'}, 1),
	series('up', {instance: 'a', job: 'node'}, 1),
	series('up', {instance: 'b', job: 'm2'}, 0),
];

const run = (query: string) => evaluateSimPromql(parseSimPromql(query), samples);

test('the catalogue queries evaluate as Prometheus would', () => {
	const hostMemory = run(queries.hostMemory.promql);
	assert.equal(hostMemory.kind === 'vector' && hostMemory.series.length, 7);
	assert.deepEqual(run(queries.workingSets.promql), {kind: 'vector', series: [{labels: {namespace: 'n', pod: 'p', job: 'm1'}, value: 15}]});
	assert.deepEqual(run(queries.hostUsedBytes.promql), {
		kind: 'vector',
		series: [
			{labels: {instance: 'a', job: 'node'}, value: 70},
			{labels: {instance: 'mac', job: 'node'}, value: 750},
		],
	});
	const up = run(queries.up.promql);
	assert.equal(up.kind === 'vector' && up.series.length, 2);
});

test('operators, aggregations and filters of the subset', () => {
	assert.deepEqual(run('up == 0'), {kind: 'vector', series: [samples.at(-1)]});
	assert.deepEqual(run('sum(up) by (job)'), {kind: 'vector', series: [{labels: {job: 'node'}, value: 1}, {labels: {job: 'm2'}, value: 0}]});
	assert.deepEqual(run('count without (container, image, id) (container_memory_working_set_bytes)'), {kind: 'vector', series: [{labels: {namespace: 'n', pod: 'p', job: 'm1'}, value: 5}]});
	assert.deepEqual(run('node_memory_MemTotal_bytes / 2'), {kind: 'vector', series: [{labels: {instance: 'a', job: 'node'}, value: 50}]});
	assert.deepEqual(run('1 + 2 * 3'), {kind: 'scalar', value: 7});
	assert.deepEqual(run(`up{job=~"n.*"} unless up{instance='a'}`), {kind: 'vector', series: []});
	assert.deepEqual(run('max(node_memory_MemAvailable_bytes) and min(node_memory_MemAvailable_bytes)'), {kind: 'vector', series: [{labels: {}, value: 30}]});
	assert.throws(() => parseSimPromql('rate(x[5m])'), SimPromqlError);
	assert.throws(() => parseSimPromql('up offset 5m'), SimPromqlError);
	assert.throws(() => parseSimPromql('topk(3, up)'), SimPromqlError);
	assert.throws(() => parseSimPromql('foo bar'), /parse error/);
	assert.throws(() => parseSimPromql('{job=""}'), /at least one non-empty matcher/);
	assert.throws(() => run('node_memory_MemTotal_bytes - {__name__=~"node_memory_(MemTotal|MemAvailable)_bytes"}'), /duplicate series/);
});
