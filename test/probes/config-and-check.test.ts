// `probes:` and `phases:` in the config file, and `labwatch check` with them: the built program against
// the demo and against a simulator this test cuts and heals.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {parseConfigText} from '../../source/config/load.js';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';

const bin = join(import.meta.dirname, '../../dist/labwatch.js');
const directory = mkdtempSync(join(tmpdir(), 'labwatch-probes-'));
let sim: HomelabSim;
let configPath: string;

function labwatch(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [bin, ...args], {env: {...process.env, XDG_STATE_HOME: directory}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('close', code => resolve({code, stdout, stderr}));
	});
}

before(async () => {
	assert.ok(existsSync(bin), 'dist/labwatch.js is built by npm test');
	sim = await startHomelab({life: false, healthCheck: {pingIntervalMs: 200, pingTimeoutMs: 200, maxPacketLossCount: 2, syncIntervalMs: 500}});
	const kubeconfig = join(directory, 'kubeconfig.yaml');
	writeFileSync(kubeconfig, sim.kubeconfigYaml());
	configPath = join(directory, 'config.yaml');
	writeFileSync(configPath, stringify(sim.configFor(kubeconfig)));
});

after(async () => {
	await sim.stop();
	rmSync(directory, {recursive: true, force: true});
});

const base = 'clusters: {m1: {context: a, host: m1}}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.1}}\n';
const badProbes: Array<[string, string]> = [
	['probes: [{name: pg}]', 'config.yaml: probes.0.http: expected exactly one of http: or tcp:'],
	['probes: [{name: pg, tcp: "127.0.0.1:5432", http: "http://127.0.0.1/"}]', 'config.yaml: probes.0.http: expected exactly one of http: or tcp:'],
	['probes: [{name: pg, tcp: "127.0.0.1"}]', 'config.yaml: probes.0.tcp: expected host:port like 192.168.1.20:5432'],
	['probes: [{name: pg, tcp: "127.0.0.1:70000"}]', 'config.yaml: probes.0.tcp: expected a port from 1 to 65535'],
	['probes: [{name: api, http: "ftp://x/"}]', 'config.yaml: probes.0.http: expected a URL like http://192.168.1.10:9090'],
	['probes: [{name: api, http: "http://127.0.0.1/", interval: 500ms}]', 'config.yaml: probes.0.interval: expected a duration from 1s to 1h, got "500ms"'],
	['probes: [{name: api, http: "http://127.0.0.1/", timeout: 2m}]', 'config.yaml: probes.0.timeout: expected a duration from 100ms to 1m, got "2m"'],
	['probes: [{name: api, http: "http://127.0.0.1/", level: fatal}]', 'config.yaml: probes.0.level: expected one of warn, crit'],
	['probes: [{name: api, http: "http://127.0.0.1/", every: 5s}]', 'config.yaml: probes.0.every: unknown key'],
	['probes: [{name: API, http: "http://127.0.0.1/"}]', 'config.yaml: probes.0.name: expected a lower-case name like m1'],
	['probes: [{name: api, http: "http://127.0.0.1/"}, {name: api, tcp: "127.0.0.1:1"}]', 'config.yaml: probes.1.name: a second probe named "api"'],
	['phases: {http: [{from: m1, to: m2, probe: nope}]}', 'config.yaml: phases.http.0.probe: no probe named "nope" under probes'],
	['phases: {reach: [{phase: 4, criterion: redis, probe: nope}]}', 'config.yaml: phases.reach.0.probe: no probe named "nope" under probes'],
	['phases: {httpP95: fast}', 'config.yaml: phases.httpP95: expected a duration like 5s (from 1ms to 1m), got "fast"'],
	['phases: {memoryInUse: {m2: lots}}', 'config.yaml: phases.memoryInUse.m2: expected a size like 8GiB, got "lots"'],
	['phases: {nodes: {m2: 2}}', 'config.yaml: phases.nodes: unknown key'],
];

test('bad probes and phases: one line naming the key', () => {
	for (const [extra, message] of badProbes) {
		assert.throws(() => parseConfigText(`${base}${extra}\n`, '/x/config.yaml'), {name: 'ConfigError', message}, extra);
	}
});

test('config defaults: no probes, the plan\'s thresholds', () => {
	const config = parseConfigText(base, 'config.yaml');
	assert.deepEqual(config.probes, []);
	assert.deepEqual(config.phases.nodesReady, {m2: 2});
	assert.deepEqual(config.phases.memoryInUse, {m2: 6 * 2 ** 30});
	assert.equal(config.phases.httpP95, 5);
	assert.equal(config.phases.partitionDetect, 3000);
	assert.deepEqual(config.phases.http, [{from: 'm1', to: 'm2'}, {from: 'm2', to: 'm1'}]);
});

test('check with a bad probe: exit 2, one line on stderr, nothing on stdout', async () => {
	const bad = join(directory, 'bad.yaml');
	writeFileSync(bad, `${base}probes: [{name: pg, tcp: "127.0.0.1"}]\n`);
	const result = await labwatch(['check', '--config', bad]);
	assert.equal(result.code, 2);
	assert.equal(result.stderr, 'labwatch: bad.yaml: probes.0.tcp: expected host:port like 192.168.1.20:5432\n');
	assert.equal(result.stdout, '');
});

const byCriterion = (report: any) => Object.fromEntries(report.phases.map((item: any) => [item.criterion, item.status]));

test('check --demo --json: probes of the simulator and a checklist with passed, failed or unknown', async () => {
	const result = await labwatch(['check', '--demo', '--json']);
	assert.ok(result.code !== null && result.code <= 1, result.stderr);
	const report = JSON.parse(result.stdout);
	assert.deepEqual(report.probes.map((probe: any) => [probe.name, probe.status]), [['m1-api', 'OK'], ['m1-tcp', 'OK'], ['m2-api', 'OK'], ['api', 'OK']]);
	// The demo's API front names its gateway: one look is one answer, from m2 or m1.
	const failover = report.probes.find((probe: any) => probe.name === 'api').failover;
	assert.deepEqual([failover.window, failover.results, failover.primary, failover.fallback, failover.failed], [10, 1, 'm2', 'm1', 0]);
	assert.deepEqual(failover.gateways.map((entry: any) => entry.gateway), ['m2', 'm1']);
	assert.equal(failover.gateways.reduce((sum: number, entry: any) => sum + entry.count, 0), 1);
	for (const item of report.phases) {
		assert.deepEqual(Object.keys(item), ['phase', 'criterion', 'status', 'evidence']);
		assert.ok(['passed', 'failed', 'unknown'].includes(item.status));
		assert.ok(item.evidence.length > 0 && !item.evidence.includes('\n'));
	}
	const status = byCriterion(report);
	assert.equal(status['m2 nodes Ready ≥ 2'], 'passed');
	assert.equal(status['m1 Submariner gateway connected'], 'passed');
	assert.equal(status['Prometheus scrapes a job per cluster'], 'passed');
	// The demo probes from m1 only: the other direction is not configured.
	assert.equal(status['HTTP m2→m1 succeeds, p95 < 5 ms'], 'unknown');
	assert.ok(['passed', 'failed'].includes(status['HTTP m1→m2 succeeds, p95 < 5 ms']), 'the demo probes m1→m2');
});

/** Waits (bounded) for Submariner's pings to agree with the network, then writes the Gateway objects. */
async function gatewaysSay(status: 'connected' | 'error'): Promise<void> {
	for (let attempt = 0; attempt < 100; attempt++) {
		if (sim.clusters.every(cluster => cluster.connections().every(connection => connection.status === status))) break;
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	for (const cluster of sim.clusters) cluster.syncGateway();
}

test('the checklist follows the homelab: cut m2 and phases 2 and 3 fail; heal and they pass', async () => {
	sim.partition();
	try {
		await gatewaysSay('error');
		const result = await labwatch(['check', '--config', configPath, '--json', '--timeout', '4s']);
		const report = JSON.parse(result.stdout);
		const status = byCriterion(report);
		assert.equal(status['HTTP m1→m2 succeeds, p95 < 5 ms'], 'failed');
		assert.equal(status['m2 nodes Ready ≥ 2'], 'unknown');
		assert.equal(status['m1 Submariner gateway connected'], 'failed');
		assert.equal(report.probes.find((probe: any) => probe.name === 'm2-api').error, 'timeout after 1s');
		assert.ok(report.reasons.includes('probe m2-api failing: timeout after 1s'), JSON.stringify(report.reasons));
	} finally {
		sim.heal();
	}
	// Submariner needs a few good pings after the heal: wait for the gateway, not for a time.
	await gatewaysSay('connected');
	const result = await labwatch(['check', '--config', configPath, '--json']);
	const status = byCriterion(JSON.parse(result.stdout));
	assert.equal(status['m2 nodes Ready ≥ 2'], 'passed');
	assert.equal(status['m1 Submariner gateway connected'], 'passed');
	assert.equal(status['m2 Submariner gateway connected'], 'passed');
	assert.notEqual(status['HTTP m1→m2 succeeds, p95 < 5 ms'], 'unknown');
});
