// `labwatch check` as a user runs it over SSH: the built program, a pipe for stdout, exit codes.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';

const bin = join(import.meta.dirname, '../../dist/labwatch.js');
const directory = mkdtempSync(join(tmpdir(), 'labwatch-check-'));
let sim: HomelabSim;
let configPath: string;

function labwatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{code: number | null; stdout: string; stderr: string; ms: number}> {
	return new Promise(resolve => {
		const startedMs = Date.now();
		const child = spawn(process.execPath, [bin, ...args], {env: {...process.env, XDG_STATE_HOME: directory, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('close', code => resolve({code, stdout, stderr, ms: Date.now() - startedMs}));
	});
}

before(async () => {
	assert.ok(existsSync(bin), 'dist/labwatch.js is built by npm test');
	sim = await startHomelab({life: false, healthCheck: {pingIntervalMs: 200, pingTimeoutMs: 200, maxPacketLossCount: 2, syncIntervalMs: 500}});
	const kubeconfig = join(directory, 'kubeconfig.yaml');
	writeFileSync(kubeconfig, sim.kubeconfigYaml());
	configPath = join(directory, 'config.yaml');
	const config = sim.configFor(kubeconfig) as any;
	// Roomy hosts, so memory does not colour the cluster verdicts these tests are about.
	for (const host of Object.values(config.hosts) as any[]) {
		host.memory = '64GiB';
		host.plan = {};
	}
	writeFileSync(configPath, stringify(config));
});

after(async () => {
	await sim?.stop();
	rmSync(directory, {recursive: true, force: true});
});

test('healthy: OK, exit 0, one line per cluster, gateway and host', async () => {
	const result = await labwatch(['check', '--config', configPath]);
	assert.equal(result.code, 0, result.stdout + result.stderr);
	const lines = result.stdout.trim().split('\n');
	assert.equal(lines[0], 'LABWATCH OK - 2/2 clusters live');
	assert.match(result.stdout, /^m1 OK live, nodes 3\/3 Ready, pods \d+ running 0 failing 0 pending 0 failed \d+ succeeded of \d+$/m);
	assert.match(result.stdout, /^m2 OK live, nodes 2\/2 Ready/m);
	assert.match(result.stdout, /^gateway m1 OK →m2 connected/m);
	assert.match(result.stdout, /^host m1 OK .* used of 62 GiB usable \(node-exporter-darwin\)$/m);
	assert.equal(result.stderr, '');
});

test('--json: one document with clusters, gateways, hosts and the same verdict', async () => {
	const result = await labwatch(['check', '--config', configPath, '--json']);
	assert.equal(result.code, 0);
	const report = JSON.parse(result.stdout);
	assert.equal(report.status, 'OK');
	assert.deepEqual(report.clusters.map((cluster: any) => [cluster.name, cluster.status, cluster.reachable]), [['m1', 'OK', true], ['m2', 'OK', true]]);
	assert.deepEqual(report.clusters[0].nodes, {ready: 3, total: 3});
	const podsInModel = sim.clusters[0]!.model.pods().length;
	assert.equal(report.clusters[0].pods.total, podsInModel);
	assert.equal(report.gateways[0].gateways[0].connections[0].status, 'connected');
	assert.equal(report.hosts[0].host, 'm1');
	assert.equal(typeof report.hosts[0].actualBytes, 'number');
	assert.equal(report.prometheus.state, 'ok');
});

test('degraded: a crash-looping pod is WARNING, exit 1, and names the pod', async () => {
	const model = sim.clusters[1]!.model;
	const pod = model.pods().find(each => each.namespace === 'apps')!;
	model.update('pods', pod.namespace, pod.name, (object: any) => {
		object.status.containerStatuses[0].state = {waiting: {reason: 'CrashLoopBackOff'}};
		object.status.containerStatuses[0].ready = false;
		object.status.containerStatuses[0].restartCount = 12;
	});
	try {
		const result = await labwatch(['check', '--config', configPath]);
		assert.equal(result.code, 1, result.stdout);
		assert.match(result.stdout, new RegExp(`^LABWATCH WARNING - m2 1 pod failing: apps/${pod.name} CrashLoopBackOff$`, 'm'));
		const json = JSON.parse((await labwatch(['check', '--config', configPath, '--json'])).stdout);
		assert.equal(json.status, 'WARNING');
		assert.deepEqual(json.clusters[1].problems.map((problem: any) => [problem.name, problem.problem, problem.restarts]), [[pod.name, 'CrashLoopBackOff', 12]]);
	} finally {
		model.update('pods', pod.namespace, pod.name, (object: any) => {
			object.status.containerStatuses[0].state = {running: {startedAt: new Date().toISOString()}};
			object.status.containerStatuses[0].ready = true;
		});
	}
});

test('unreachable: m2 cut off is CRITICAL, exit 2, reported within the --timeout', async () => {
	sim.partition();
	try {
		const result = await labwatch(['check', '--config', configPath, '--timeout', '2s']);
		assert.equal(result.code, 2, result.stdout);
		assert.ok(result.ms < 4000, `took ${result.ms} ms`);
		// One look cannot know when the outage began: no "since".
		assert.match(result.stdout, /^LABWATCH CRITICAL - m2 unreachable: timeout after \d\.\ds$/m);
		assert.match(result.stdout, /^m1 OK live/m);
		const json = JSON.parse((await labwatch(['check', '--config', configPath, '--json', '--timeout', '2s'])).stdout);
		assert.equal(json.clusters[1].reachable, false);
		assert.equal(json.clusters[1].connection.phase, 'unreachable');
		assert.equal(json.clusters[1].connection.since, null);
	} finally {
		sim.heal();
	}
});

test('nothing listening: CRITICAL with "connection refused", fast', async () => {
	const kubeconfig = join(directory, 'dead-kubeconfig.yaml');
	writeFileSync(kubeconfig, sim.kubeconfigYaml().replaceAll(/127\.0\.0\.1:\d+/g, '127.0.0.1:9'));
	const config = join(directory, 'dead.yaml');
	writeFileSync(config, stringify({kubeconfig, clusters: {m1: {context: 'sim-m1', host: 'm1'}}, hosts: {m1: {memory: '16GiB', address: '127.0.0.1'}}}));
	const result = await labwatch(['check', '--config', config, '--json']);
	assert.equal(result.code, 2);
	const json = JSON.parse(result.stdout);
	assert.equal(json.clusters[0].connection.reason, 'connection refused');
});

test('bad input: one line naming the file, key or flag; exit 2; no stack trace', async () => {
	const bad = join(directory, 'bad.yaml');
	writeFileSync(bad, 'clusters: {m2: {context: a, host: m2}}\nhosts: {m2: {memory: eight, address: 10.0.0.1}}\n');
	let result = await labwatch(['check', '--config', bad]);
	assert.equal(result.code, 2);
	assert.equal(result.stderr, 'labwatch: bad.yaml: hosts.m2.memory: expected a size like 8GiB, got "eight"\n');
	assert.equal(result.stdout, '');
	result = await labwatch(['check', '--config', configPath, '--timeout', 'soon']);
	assert.equal(result.code, 2);
	assert.equal(result.stderr, 'labwatch: --timeout "soon": not a duration (write it like 5s, 1m30s or 500ms)\n');
	const missingContext = join(directory, 'missing-context.yaml');
	writeFileSync(missingContext, stringify({kubeconfig: join(directory, 'kubeconfig.yaml'), clusters: {m3: {context: 'kind-m3', host: 'm3'}}, hosts: {m3: {memory: '4GiB', address: '10.0.0.3'}}}));
	result = await labwatch(['check', '--config', missingContext]);
	assert.equal(result.code, 2);
	assert.match(result.stderr, /^labwatch: kubeconfig .*kubeconfig\.yaml: no context "kind-m3" \(it has: sim-m1, sim-m2\)\n$/);
	result = await labwatch(['frobnicate']);
	assert.equal(result.code, 2);
	assert.equal(result.stderr, 'labwatch: unknown command "frobnicate" (commands: check, init, sim, partition, heal, etcd-drill, etcd-heal, drills; see labwatch --help)\n');
});

test('the TUI without a terminal says so and points to check', () => {
	const result = spawnSync(process.execPath, [bin, '--config', configPath], {encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe']});
	assert.equal(result.status, 3);
	assert.match(result.stderr, /the TUI needs a terminal .* labwatch check/);
});

test('init writes a config that check can read, and will not overwrite it', async () => {
	const file = join(directory, 'init', 'config.yaml');
	// No kubeconfig to look at (an empty home): init --yes writes the homelab's defaults.
	const home = {HOME: join(directory, 'init-home'), KUBECONFIG: ''};
	let result = await labwatch(['init', '--yes', '--config', file], home);
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stdout, /^no kubeconfig at .*: wrote the homelab's defaults to /);
	result = await labwatch(['init', '--yes', '--config', file], home);
	assert.equal(result.code, 2);
	assert.match(result.stderr, /already exists \(pass --force/);
});
