// The CLI functions and the runner against a stand-in for the simulator's control API on loopback.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {createServer, type Server} from 'node:http';
import {mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync, appendFileSync, symlinkSync} from 'node:fs';
import {spawn} from 'node:child_process';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {AddressInfo} from 'node:net';
import {configSchema, type Config} from '../../source/config/schema.js';
import {homelabDefaults} from '../../source/config/defaults.js';
import {runDrillsCommand, runHealCommand, runPartitionCommand} from '../../source/drill/commands.js';
import {DrillRunner} from '../../source/drill/runner.js';
import type {LabSnapshot} from '../../source/store/types.js';
import {Journal} from '../../source/drill/journal.js';
import {drillRunnerOptions} from '../../source/tui/drill-intents.js';
import {processIdentity} from '../../source/drill/process-identity.js';

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

	const snapAt = (atMs: number, phase: 'live' | 'unreachable'): LabSnapshot =>
		({atMs, version: atMs, clusters: [{name: 'm2', host: 'm2', connection: {phase, sinceMs: atMs}, gateways: []}], gateways: [], events: [], verdict: {level: 'ok', reasons: []}}) as unknown as LabSnapshot;

	it('notices a heal from the shell while it times a drill, keeps the real heal time and the recoveries seen', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'labwatch-external-'));
		const tui = new DrillRunner({config: config(), stateDir: dir, localAddresses: [], by: 'tui', watchHealMs: 50});
		try {
			const ttlMs = 2000;
			const cut = await tui.cut({ttlMs});
			assert.ok(cut.ok, cut.ok ? '' : cut.error);
			const cutAt = tui.status().partition.sinceMs!;
			tui.observe(snapAt(cutAt + 100, 'unreachable'));
			assert.equal(await runHealCommand({config: config(), stateDir: dir, stdout: capture(), stderr: capture()}), 0);
			const heal = (await new Journal(dir).read()).find(entry => entry.type === 'heal' && entry.by === 'labwatch heal')!;
			tui.observe(snapAt(heal.atMs + 1, 'live'));
			const deadline = Date.now() + 5000;
			while (tui.status().progress.phase !== 'healed' && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20));
			assert.equal(tui.status().partition.active, false, 'the TUI sees the cut is gone');
			// Past the TTL: the TUI's own timer must not heal again and overwrite the report.
			await new Promise(resolve => setTimeout(resolve, Math.max(0, cutAt + ttlMs + 300 - Date.now())));
			const report = JSON.parse(readFileSync(join(dir, 'drills', `${cut.value.drillId}.json`), 'utf8')) as {healAtMs: number; outcome: string; signals: Array<{signal: string; recoverMs?: number}>};
			assert.equal(report.healAtMs, heal.atMs, 'the report keeps the real heal time');
			assert.equal(report.outcome, 'healed by labwatch heal, recovered');
			assert.equal(report.signals.find(signal => signal.signal === 'm2 unreachable')?.recoverMs, 1);
			assert.equal((await new Journal(dir).read()).filter(entry => entry.type === 'heal').length, 1, 'no second heal at the TTL');
		} finally {
			tui.dispose();
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('heal --dry-run says what it would remove and changes nothing, writes nothing', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'labwatch-dry-'));
		try {
			assert.equal(await runPartitionCommand({config: config(), stateDir: dir, yes: true, stdout: capture(), stderr: capture(), waitForSimHeal: false}), 0);
			const drillId = partition!.drillId!;
			const journal = readFileSync(join(dir, 'journal.jsonl'), 'utf8');
			calls.length = 0;
			const stdout = capture();
			assert.equal(await runHealCommand({config: config(), stateDir: dir, dryRun: true, stdout, stderr: capture()}), 0);
			assert.equal(stdout.text, `m1 (sim): would remove\n    simulated partition (drill ${drillId})\n  by running:\n    POST ${url}/_sim/heal\ndrill ${drillId}\ndry run: nothing changed\n`);
			assert.deepEqual(calls, ['GET /_sim/state'], 'only a look');
			assert.equal(partition?.drillId, drillId, 'the cut is still there');
			assert.equal(readFileSync(join(dir, 'journal.jsonl'), 'utf8'), journal, 'nothing journaled');
			assert.equal(existsSync(join(dir, 'locks')) && readFileSync(join(dir, 'journal.jsonl'), 'utf8') !== journal, false);
			assert.equal(await runHealCommand({config: config(), stateDir: dir, stdout: capture(), stderr: capture()}), 0);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('says loudly, naming the journal, when the state directory cannot be written; the cut and heal still work', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'labwatch-broken-'));
		try {
			const stateFile = join(dir, 'labwatch');
			writeFileSync(stateFile, 'not a directory');
			const stderr = capture();
			assert.equal(await runPartitionCommand({config: config(), stateDir: stateFile, yes: true, stdout: capture(), stderr, waitForSimHeal: false}), 0);
			assert.ok(partition?.drillId, 'the cut is made');
			assert.match(stderr.text, new RegExp(`^labwatch: warning: journal not written: ${stateFile}/journal\\.jsonl: E[A-Z]+: `, 'm'));
			const healErr = capture();
			assert.equal(await runHealCommand({config: config(), stateDir: stateFile, stdout: capture(), stderr: healErr}), 0);
			assert.equal(partition, undefined, 'the heal is made');
			assert.match(healErr.text, new RegExp(`^labwatch: warning: journal not written: ${stateFile}/journal\\.jsonl: E[A-Z]+: `, 'm'));
			for (const line of (stderr.text + healErr.text).trim().split('\n')) assert.match(line, /^labwatch: warning: /);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('says so when the disk of the journal is full (journal.jsonl on /dev/full)', async t => {
		if (!existsSync('/dev/full')) return t.skip('needs /dev/full');
		const dir = mkdtempSync(join(tmpdir(), 'labwatch-full-'));
		try {
			symlinkSync('/dev/full', join(dir, 'journal.jsonl'));
			const stderr = capture();
			assert.equal(await runPartitionCommand({config: config(), stateDir: dir, yes: true, stdout: capture(), stderr, waitForSimHeal: false}), 0);
			assert.match(stderr.text, new RegExp(`^labwatch: warning: journal not written: ${dir}/journal\\.jsonl: ENOSPC: `, 'm'));
			assert.equal(await runHealCommand({config: config(), stateDir: dir, stdout: capture(), stderr: capture()}), 0);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('reads a journal with a null line (and other junk) tolerantly: heal still journals and says how many lines it skipped', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'labwatch-null-'));
		try {
			assert.equal(await runPartitionCommand({config: config(), stateDir: dir, yes: true, stdout: capture(), stderr: capture(), waitForSimHeal: false}), 0);
			appendFileSync(join(dir, 'journal.jsonl'), 'null\n[1,2]\n{"type":"cut","atMs":"soon","results":null}\n');
			const stderr = capture();
			const stdout = capture();
			assert.equal(await runHealCommand({config: config(), stateDir: dir, stdout, stderr}), 0, stderr.text);
			assert.match(stdout.text, /m1 \(sim\): removed the labwatch rules, verified/);
			assert.match(stderr.text, new RegExp(`^labwatch: warning: journal ${dir}/journal\\.jsonl: skipped 3 unreadable lines$`, 'm'));
			const journal = await new Journal(dir).read();
			assert.equal(journal.at(-1)?.type, 'heal');
			assert.equal(journal.at(-1)?.ok, true);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('heal never signals a process the journal names unless it is verifiably the drill\'s own timer', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'labwatch-forged-'));
		// An unrelated process in its own group, as a forged timer.pid would name.
		const bystander = spawn('sleep', ['30'], {detached: true, stdio: 'ignore'});
		await new Promise(resolve => bystander.once('spawn', resolve));
		const signalled: Array<[number, string | number | undefined]> = [];
		const realKill = process.kill;
		try {
			assert.equal(await runPartitionCommand({config: config(), stateDir: dir, yes: true, stdout: capture(), stderr: capture(), waitForSimHeal: false}), 0);
			const drillId = partition!.drillId!;
			const journal = new Journal(dir);
			const forge = async (timer: Record<string, unknown>) =>
				journal.append({type: 'cut', atMs: Date.now(), drillId, ttlMs: 60_000, points: ['m1 (sim)'], ok: true, results: [{point: 'm1 (sim)', ok: true, commands: [], timer: {kind: 'detached sh', dueMs: Date.now() + 60_000, ...timer} as never}], pid: 12345});
			await forge({pid: bystander.pid});
			await forge({pid: bystander.pid, startTime: processIdentity(bystander.pid!)!.startTime});
			for (const pid of [1, 0, -1]) await forge({pid, startTime: '1'});
			// Record instead of deliver: a forged pid 1 must never reach kill(2) as -1.
			process.kill = ((pid: number, signal?: string | number) => {
				signalled.push([pid, signal]);
				return true;
			}) as typeof process.kill;
			const stderr = capture();
			assert.equal(await runHealCommand({config: config(), stateDir: dir, stdout: capture(), stderr}), 0);
			process.kill = realKill;
			assert.deepEqual(signalled, [], 'no signal at all: a sim point has no timer process, and none of these is one');
			assert.equal(bystander.exitCode, null);
			assert.equal(bystander.signalCode, null, 'the bystander is alive');
		} finally {
			process.kill = realKill;
			bystander.kill('SIGKILL');
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('keeps the demo\'s drills in a state directory of their own, and marks their reports', () => {
		const env = {XDG_STATE_HOME: '/state', HOME: '/home/x'};
		const config = configSchema.parse(homelabDefaults);
		assert.deepEqual(drillRunnerOptions({config, demo: {controlUrl: 'http://127.0.0.1:1'}}, env), {config, by: 'tui', stateDir: '/state/labwatch/demo', demo: true});
		assert.deepEqual(drillRunnerOptions({config}, env), {config, by: 'tui'});
	});
});
