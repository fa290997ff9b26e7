// The simulator's /metrics and its Prometheus query API, end to end: labwatch's budget source asks the
// sim's API and gets the model's numbers; a real Prometheus scraping the sim's /metrics answers the
// catalogue's queries exactly as the sim's API does.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {BudgetSource} from '../../source/budget/source.js';
import type {HostBudget} from '../../source/budget/types.js';
import {configSchema} from '../../source/config/schema.js';
import {queries} from '../../source/prom/catalogue.js';
import type {SimClusterHandle} from '../../source/sim/homelab.js';
import {startHomelab} from '../../source/sim/homelab.js';
import {darwinPageBytes, type SimHostOs} from '../../source/sim/host-memory-series.js';
import {createMetricsHandler} from '../../source/sim/metrics.js';
import {createPrometheusApiHandler, homelabPrometheusSource} from '../../source/sim/prometheus-api.js';
import type {ClusterSnapshot, PodPhase} from '../../source/store/types.js';
import {hasCommand, needs} from '../support/infra.js';
import {instantValues, startPrometheus} from '../prom/real-prometheus.js';

function snapshotOf(handle: SimClusterHandle): ClusterSnapshot {
	const pods = handle.model.pods().map(view => ({
		uid: view.uid,
		namespace: view.namespace,
		name: view.name,
		...(view.node ? {node: view.node} : {}),
		phase: view.phase as PodPhase,
		ready: true,
		restarts: view.restarts,
		createdMs: 0,
		memoryRequestBytes: view.memoryRequestBytes,
		memoryLimitBytes: view.memoryLimitBytes,
		labels: view.labels,
	}));
	return {
		name: handle.name,
		context: handle.name,
		host: handle.host,
		connection: {phase: 'live', sinceMs: 0},
		stale: false,
		synced: {nodes: true, pods: true, gateways: true},
		nodes: [],
		nodeCounts: {ready: 0, total: 0},
		podCounts: {running: 0, failing: 0, pending: 0, failed: 0, succeeded: 0, total: pods.length},
		pods,
		gateways: [],
		verdict: {level: 'ok', reasons: []},
	};
}

async function startSim(t: import('node:test').TestContext, hostOs?: Record<string, SimHostOs>) {
	const sim = await startHomelab({life: false, hostOs});
	t.after(() => sim.stop());
	for (const cluster of sim.clusters) cluster.server.route('/metrics', createMetricsHandler(cluster.model));
	const api = createPrometheusApiHandler(homelabPrometheusSource(sim));
	sim.clusters[0]!.server.route('/prometheus', (req, res) => {
		if (!api(req, res)) res.writeHead(404).end();
	});
	return sim;
}

function simConfig(url: string) {
	return configSchema.parse({
		clusters: {m1: {context: 'sim-m1', host: 'm1'}, m2: {context: 'sim-m2', host: 'm2'}},
		hosts: {
			m1: {memory: '16GiB', address: '127.0.0.11', nodeExporter: {label: 'host', value: 'm1'}},
			m2: {memory: '8GiB', address: '127.0.0.12', nodeExporter: {label: 'host', value: 'm2'}},
		},
		prometheus: {url, interval: '1s', timeout: '3s', jobs: {m1: 'm1', m2: 'm2'}},
	});
}

/** What node_exporter's darwin collector reports as "Memory Used": the model's use in whole 16 KiB pages. */
const inPages = (bytes: number) => Math.round(bytes / darwinPageBytes) * darwinPageBytes;

test('budgets from the simulator query API equal the model: the Macs through the darwin formula', async t => {
	const sim = await startSim(t);
	const config = simConfig(`${sim.clusters[0]!.url}/prometheus`);
	const source = new BudgetSource({config, clusters: () => sim.clusters.map(snapshotOf), onChange: () => {}, historyPoints: 30});
	t.after(() => source.stop());
	const update = await source.pollNow();
	assert.equal(update.prometheus.state, 'ok', JSON.stringify(update.prometheus));
	for (const handle of sim.clusters) {
		const budget = update.hosts.find(host => host.host === handle.host) as HostBudget;
		assert.equal(budget.actualSource, 'node-exporter-darwin');
		assert.equal(budget.actualBytes, inPages(handle.model.hostMemory().usedBytes));
		const running = handle.model.pods().filter(view => view.phase === 'Running' && view.node && !view.filler);
		const linesActual = budget.lines.reduce((sum, line) => sum + (line.actualBytes ?? 0), 0);
		assert.equal(linesActual, running.reduce((sum, view) => sum + view.workingSetBytes, 0));
		// The homelab's query API invents 30 minutes of host history, so a fresh demo's sparkline has a shape.
		assert.equal(budget.history.length, 30);
		assert.equal(budget.history.at(-1), budget.actualBytes);
		assert.ok(new Set(budget.history).size > 10, 'a wave, not a flat line');
	}

	// A partition cuts Prometheus (on m1) off from m2: its target is down and m2 falls back to requests.
	sim.partition();
	const cut = await source.pollNow();
	assert.deepEqual(cut.prometheus.targets.map(target => [target.job, target.up]), [['m1', true], ['m2', false]]);
	const m2 = cut.hosts.find(host => host.host === 'm2')!;
	assert.equal(m2.actualSource, 'requests');
	assert.match(m2.sourceNote ?? '', /target m2 \(cluster m2\) down/);
	sim.heal();
});

test('a host switched to Linux (hostOs) serves the Linux dialect and its budget reads it', async t => {
	const sim = await startSim(t, {m2: 'linux'});
	const base = `${sim.clusters[0]!.url}/prometheus/api/v1/query?query=`;
	const names = async (query: string) =>
		((await (await fetch(base + encodeURIComponent(query))).json()) as {data: {result: Array<{metric: Record<string, string>}>}}).data.result
			.map(item => `${item.metric.host}:${item.metric.__name__}`)
			.sort();
	assert.deepEqual(await names('node_memory_MemTotal_bytes'), ['m2:node_memory_MemTotal_bytes']);
	assert.deepEqual(await names('node_memory_total_bytes'), ['m1:node_memory_total_bytes']);
	const m2Metrics = await (await fetch(`${sim.clusters[1]!.url}/metrics`)).text();
	assert.match(m2Metrics, /^node_memory_MemAvailable_bytes\{host="m2"\} \d+$/m);
	assert.doesNotMatch(m2Metrics, /node_memory_wired_bytes/);
	const source = new BudgetSource({config: simConfig(`${sim.clusters[0]!.url}/prometheus`), clusters: () => sim.clusters.map(snapshotOf), onChange: () => {}, historyPoints: 30});
	t.after(() => source.stop());
	const update = await source.pollNow();
	const budget = (host: string) => update.hosts.find(item => item.host === host)!;
	assert.deepEqual([budget('m1').actualSource, budget('m2').actualSource], ['node-exporter-darwin', 'node-exporter-linux']);
	assert.equal(budget('m2').actualBytes, sim.clusters[1]!.model.hostMemory().usedBytes);
	await assert.rejects(startHomelab({life: false, hostOs: {m3: 'linux'}}), /hostOs: no simulated host "m3"/);
});

test('the query API answers bad and unsupported queries like Prometheus (400 bad_data)', async t => {
	const sim = await startSim(t);
	const base = `${sim.clusters[0]!.url}/prometheus/api/v1`;
	const bad = await fetch(`${base}/query?query=${encodeURIComponent('rate(up[5m])')}`);
	assert.equal(bad.status, 400);
	assert.equal(((await bad.json()) as {errorType: string}).errorType, 'bad_data');
	const range = await fetch(`${base}/query_range?${new URLSearchParams({query: 'up', start: '0', end: '100000', step: '1'})}`);
	assert.equal(range.status, 400);
	const post = await fetch(`${base}/query`, {method: 'POST', body: new URLSearchParams({query: 'up'})});
	const body = (await post.json()) as {data: {resultType: string; result: unknown[]}};
	assert.deepEqual([body.data.resultType, body.data.result.length], ['vector', 2]);
	assert.equal((await fetch(`${sim.clusters[0]!.url}/prometheus/nothing`)).status, 404);
	// /api/v1/targets as Prometheus answers it (labwatch init reads the jobs); a cut-off target is down.
	const targets = async () =>
		((await (await fetch(`${base}/targets`)).json()) as {data: {activeTargets: Array<{labels: {job: string}; scrapePool: string; health: string}>}}).data.activeTargets.map(
			target => [target.labels.job, target.scrapePool, target.health],
		);
	assert.deepEqual(await targets(), [['m1', 'm1', 'up'], ['m2', 'm2', 'up']]);
	sim.partition();
	assert.deepEqual(await targets(), [['m1', 'm1', 'up'], ['m2', 'm2', 'down']]);
	sim.heal();
	// The kube API on the same server is untouched.
	assert.equal((await fetch(`${sim.clusters[0]!.url}/api/v1/namespaces`)).status, 200);
});

test('real prometheus scraping the simulator answers the catalogue like the simulator API', {timeout: 90_000}, async t => {
	if (!needs(t, hasCommand('prometheus'), 'needs Debian prometheus')) return;
	const sim = await startSim(t);
	const port = (url: string) => Number(new URL(url).port);
	const prometheus = await startPrometheus(sim.clusters.map(cluster => ({job: cluster.name, port: port(cluster.url)})));
	t.after(() => prometheus.stop());
	const simApi = `${sim.clusters[0]!.url}/prometheus`;

	const sorted = (items: Array<{labels: Record<string, string>; value: number}>) =>
		items.map(item => JSON.stringify([Object.entries(item.labels).sort(), item.value])).sort();
	const deadline = Date.now() + 30_000;
	for (;;) {
		const atMs = Date.now();
		const up = await instantValues(prometheus.url, 'up', atMs);
		if (up.length === 2 && up.every(item => item.value === 1) && (await instantValues(prometheus.url, queries.hostUsedBytes.promql, atMs)).length === 2) break;
		assert.ok(Date.now() < deadline, 'prometheus never scraped both clusters');
		await new Promise(resolve => setTimeout(resolve, 250));
	}
	const atMs = Date.now();
	for (const query of Object.values(queries)) {
		const real = await instantValues(prometheus.url, query.promql, atMs);
		const simulated = await instantValues(simApi, query.promql, atMs);
		assert.ok(real.length > 0, `${query.name}: prometheus has no series`);
		assert.deepEqual(sorted(simulated), sorted(real), query.name);
	}
	// The Macs' darwin series through a real Prometheus give the same budget as the model.
	const source = new BudgetSource({config: simConfig(prometheus.url), clusters: () => sim.clusters.map(snapshotOf), onChange: () => {}, historyPoints: 30});
	t.after(() => source.stop());
	const update = await source.pollNow();
	for (const handle of sim.clusters) {
		const budget = update.hosts.find(host => host.host === handle.host)!;
		assert.equal(budget.actualSource, 'node-exporter-darwin', budget.sourceNote);
		assert.equal(budget.actualBytes, inPages(handle.model.hostMemory().usedBytes));
	}
});
