// The CLI functions and the runner against a stand-in for the simulator's control API on loopback.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {createServer, type Server} from 'node:http';
import {mkdtempSync, readFileSync, rmSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {AddressInfo} from 'node:net';
import {configSchema, type Config} from '../../source/config/schema.js';
import {homelabDefaults} from '../../source/config/defaults.js';
import {runDrillsCommand, runHealCommand, runPartitionCommand} from '../../source/drill/commands.js';
import {DrillRunner} from '../../source/drill/runner.js';
import type {LabSnapshot} from '../../source/store/types.js';

function capture() {
	let text = '';
	return {write: (chunk: string) => (text += chunk), get text() {
		return text;
	}};
}

describe('drill commands and runner (sim points)', () => {
	let server: Server;
	let url = '';
	let stateDir = '';
	let partition: {drillId?: string} | undefined;
	const calls: string[] = [];

	before(async () => {
		stateDir = mkdtempSync(join(tmpdir(), 'labwatch-cmd-'));
		server = createServer((request, response) => {
			let body = '';
			request.on('data', chunk => (body += chunk));
			request.on('end', () => {
				calls.push(`${request.method} ${request.url}`);
				if (request.method === 'POST' && request.url === '/_sim/partition') partition = JSON.parse(body) as {drillId: string};
				else if (request.method === 'POST' && request.url === '/_sim/heal') partition = undefined;
				else if (!(request.method === 'GET' && request.url === '/_sim/state')) {
					response.writeHead(404).end();
					return;
				}
				response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({partitioned: partition !== undefined, drillId: partition?.drillId}));
			});
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	after(() => {
		server.close();
		rmSync(stateDir, {recursive: true, force: true});
	});

	const config = (): Config => configSchema.parse({...homelabDefaults, drill: {ttl: '30s', points: [{host: 'm1', via: 'sim', url}]}});

	it('dry run prints the plan and changes nothing', async () => {
		const stdout = capture();
		const code = await runPartitionCommand({config: configSchema.parse(homelabDefaults), stateDir, dryRun: true, stdout, stderr: capture(), env: {}});
		assert.equal(code, 0);
		assert.match(stdout.text, /m1 \(local\): drop 192\.168\.1\.20 both ways/);
		assert.match(stdout.text, /iptables -w -A LABWATCH-PARTITION -s 192\.168\.1\.20 -m comment --comment labwatch:d[0-9a-z-]+ -j DROP/);
		assert.match(stdout.text, /sh -c "\$HEAL_SCRIPT" sh 60 LABWATCH-PARTITION d[0-9a-z-]+ iptables/);
		assert.match(stdout.text, /dry run: nothing changed\n$/);
		assert.equal(existsSync(join(stateDir, 'journal.jsonl')), false);
	});

	it('without --yes and without a terminal, refuses and says to pass --yes', async () => {
		const stderr = capture();
		const code = await runPartitionCommand({config: config(), stateDir, stdout: capture(), stderr, interactive: false});
		assert.equal(code, 2);
		assert.equal(stderr.text, 'labwatch: refusing to cut without confirmation: not a terminal, pass --yes\n');
		assert.equal(partition, undefined);
	});

	it('with --force off, refuses a cut that drops the SSH client', async () => {
		const stderr = capture();
		const code = await runPartitionCommand({config: configSchema.parse(homelabDefaults), stateDir, yes: true, stdout: capture(), stderr, env: {SSH_CONNECTION: '192.168.1.20 5000 192.168.1.10 22'}});
		assert.equal(code, 2);
		assert.match(stderr.text, /^labwatch: refusing to cut: labwatch is reached over SSH from 192\.168\.1\.20.*--force/);
	});

	it('cuts with --yes, heals with labwatch heal, journals both, lists the report', async () => {
		const stdout = capture();
		const code = await runPartitionCommand({config: config(), stateDir, yes: true, stdout, stderr: capture(), waitForSimHeal: false});
		assert.equal(code, 0, stdout.text);
		assert.match(stdout.text, /cut applied at m1 \(sim\), verified; heals by itself at .* \(in-process\)/);
		assert.ok(partition?.drillId);
		const healOut = capture();
		assert.equal(await runHealCommand({config: config(), stateDir, stdout: healOut, stderr: capture()}), 0);
		assert.match(healOut.text, /m1 \(sim\): removed the labwatch rules, verified/);
		assert.equal(partition, undefined);
		const journal = readFileSync(join(stateDir, 'journal.jsonl'), 'utf8').trim().split('\n').map(line => JSON.parse(line) as {type: string; by: string});
		assert.deepEqual(journal.map(entry => [entry.type, entry.by]).slice(-2), [['cut', 'labwatch partition'], ['heal', 'labwatch heal']]);
	});

	it('runner: status, onChange, timeline from snapshots, report on heal', async () => {
		let now = 1_000_000;
		const runner = new DrillRunner({config: config(), stateDir, now: () => now, localAddresses: []});
		let changes = 0;
		runner.onChange(() => changes++);
		const plan = runner.plan(5000);
		assert.ok(plan.ok);
		assert.equal(runner.status().progress.phase, 'planned');
		assert.match(plan.value.drillId, /^d19700101-001640-/);
		// The dialog stays open five minutes: the drill id carries the moment of the cut, not of the plan.
		now += 300_000;
		const cut = await runner.cut({ttlMs: 5000});
		assert.ok(cut.ok, cut.ok ? '' : cut.error);
		assert.match(cut.value.drillId, /^d19700101-002140-[a-z0-9]+$/, 'the drill id is stamped when the cut is made');
		assert.deepEqual(runner.status().partition, {active: true, drillId: cut.value.drillId, sinceMs: 1_300_000, ttlMs: 5000, points: ['m1 (sim)'], leftover: false});
		assert.match((await runner.cut({ttlMs: 5000})).ok ? '' : 'refused', /refused/);
		const snap = (atMs: number, phase: 'live' | 'unreachable'): LabSnapshot =>
			({atMs, version: atMs, clusters: [{name: 'm2', host: 'm2', connection: {phase, sinceMs: atMs}, gateways: []}], gateways: [], events: [], verdict: {level: 'ok', reasons: []}}) as unknown as LabSnapshot;
		runner.observe(snap(now + 1200, 'unreachable'));
		now += 4000;
		const healed = await runner.heal();
		assert.ok(healed.ok, healed.ok ? '' : healed.error);
		runner.observe(snap(now + 800, 'live'));
		const status = runner.status();
		assert.equal(status.progress.phase, 'healed');
		assert.deepEqual(status.progress.timeline.map(mark => [mark.signal, mark.afterMs]), [['cut applied m1 (sim)', 0], ['m2 unreachable', 1200], ['heal applied', 4000], ['m2 live', 800]]);
		assert.ok(changes > 4);
		await new Promise(resolve => setTimeout(resolve, 50)); // the report rewrite after the last mark
		const report = JSON.parse(readFileSync(join(stateDir, 'drills', `${cut.value.drillId}.json`), 'utf8')) as {signals: Array<{signal: string; detectMs?: number; recoverMs?: number}>};
		assert.deepEqual(report.signals[0], {signal: 'm2 unreachable', recovery: 'm2 live', detectMs: 1200, recoverMs: 800, detectOk: true, recoverOk: true});
		const list = capture();
		assert.equal(await runDrillsCommand({stateDir, stdout: list, stderr: capture()}), 0);
		assert.match(list.text, new RegExp(`${cut.value.drillId} .* m2 unreachable 1\\.2 s`));
		runner.dispose();
	});

	it('reports an unreachable point as a one-line error', async () => {
		const dead = configSchema.parse({...homelabDefaults, drill: {points: [{host: 'm1', via: 'sim', url: 'http://127.0.0.1:1'}]}});
		const stderr = capture();
		assert.equal(await runHealCommand({config: dead, stateDir, stdout: capture(), stderr}), 1);
		assert.match(stderr.text, /^labwatch: heal incomplete: m1 \(sim\): simulator refused the heal: .*\n$/);
		assert.equal(stderr.text.split('\n').length, 2);
	});
});
