// The etcd drill's dead-man timer: labwatch is kill -9ed right after stopping the leader, and the member starts
// again on its own when the TTL runs out; `labwatch etcd-heal` then finds the unhealed stop in the journal and
// closes it. The CLI: --dry-run runs nothing, no --yes without a terminal refuses, the plan names the exact argv.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {hasCommand, needs} from '../support/infra.js';
import {startTestEtcd, until} from './cluster.js';
import {loadConfig} from '../../source/config/load.js';
import {EtcdPoller} from '../../source/etcd/poller.js';
import {runEtcdDrillCommand, runEtcdHealCommand} from '../../source/etcd/commands.js';
import {Journal} from '../../source/drill/journal.js';

const fixture = new URL('fixtures/stop-and-hang.ts', import.meta.url).pathname;

function capture() {
	let text = '';
	return {write: (chunk: string) => (text += chunk), get text() {
		return text;
	}};
}

test('kill -9 of labwatch after it stopped the leader: the timer on the point starts the member after the TTL; etcd-heal closes the drill', async t => {
	if (!needs(t, hasCommand('etcd'), 'Debian etcd-server (etcd) is not installed')) return;
	const etcd = await startTestEtcd(t);
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-etcd-ttl-'));
	t.after(() => rmSync(directory, {recursive: true, force: true}));
	const configPath = join(directory, 'config.yaml');
	writeFileSync(
		configPath,
		stringify({clusters: {m1: {context: 'kind-m1-cluster', host: 'm1'}}, hosts: {m1: {memory: '16GiB', address: '127.0.0.1'}}, etcd: {ttl: '4s', members: etcd.members}}),
	);
	const {config} = loadConfig(configPath);
	const poller = new EtcdPoller({config: config.etcd!, onChange: () => {}});

	// The CLI's dry run names the exact argv and stops nothing.
	const out = capture();
	const err = capture();
	await until('a leader', async () => (await poller.pollOnce()).leader);
	assert.equal(await runEtcdDrillCommand({config, stdout: out, stderr: err, stateDir: directory, dryRun: true}), 0, err.text);
	assert.match(out.text, /^etcd drill e\d{8}-\d{6}-[a-z0-9]+: stop etcd-\d \(leader\) at etcd etcd-\d \(local\); 2\/3 up after the stop: quorum kept$/m);
	assert.match(out.text, /^ {4}sh -c "\$START_SCRIPT" sh 4 e\d{8}-\d{6}-[a-z0-9]+ \/.*member\.sh start /m);
	assert.match(out.text, /^ {4}\/.*member\.sh stop \/.*etcd-\d$/m);
	assert.match(out.text, /^dry run: nothing changed$/m);
	assert.equal((await poller.pollOnce()).up, 3);
	// Without --yes and without a terminal: refused, nothing done.
	const refused = capture();
	assert.equal(await runEtcdDrillCommand({config, stdout: capture(), stderr: refused, stateDir: directory, interactive: false}), 2);
	assert.equal(refused.text, 'labwatch: refusing to stop a member without confirmation: not a terminal, pass --yes\n');
	assert.equal((await new Journal(directory).read()).length, 0);

	// node itself, not the tsx wrapper: kill -9 must hit the process that holds the drill.
	const child = spawn(process.execPath, ['--import', 'tsx', fixture, configPath, directory], {stdio: ['ignore', 'pipe', 'pipe']});
	let childOut = '';
	child.stdout.on('data', chunk => (childOut += chunk));
	child.stderr.on('data', chunk => (childOut += chunk));
	t.after(() => child.kill('SIGKILL'));
	const victim = await until('the stop', () => /stopped (etcd-\d)/.exec(childOut)?.[1], 30_000);
	const stoppedAt = Date.now();
	child.kill('SIGKILL');
	await until('the member down', async () => (await poller.pollOnce()).members.find(member => member.name === victim && !member.up));
	const back = await until('the member started by the timer', async () => {
		const status = await poller.pollOnce();
		return status.up === 3 && status.leader ? status : undefined;
	}, 20_000);
	const afterMs = Date.now() - stoppedAt;
	t.diagnostic(`${victim} back ${afterMs} ms after the kill (TTL 4 s), leader ${back.leader}`);
	assert.ok(afterMs >= 2500, `not before the TTL: ${afterMs} ms`);
	assert.equal(etcd.ours().filter(pid => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sh\0-c\0')).length, 0, 'the timer is done');

	// The journal still has the stop open: etcd-heal closes it (start is idempotent: the member keeps running).
	const pidBefore = etcd.pid(victim);
	const heal = capture();
	assert.equal(await runEtcdHealCommand({config, stdout: heal, stderr: capture(), stateDir: directory}), 0);
	assert.match(heal.text, new RegExp(`^started ${victim} \\(drill e`, 'm'));
	assert.equal(etcd.pid(victim), pidBefore, 'the running member was left alone');
	const again = capture();
	assert.equal(await runEtcdHealCommand({config, stdout: again, stderr: capture(), stateDir: directory}), 0);
	assert.equal(again.text, 'no member stopped by an etcd drill: nothing to start\n');
	const types = (await new Journal(directory).read()).map(entry => `${entry.kind}:${entry.type}:${entry.ok}`);
	assert.deepEqual(types, ['etcd:cut:true', 'etcd:heal:true']);
	// Nobody timed it: the report says what the journal knows, and so.
	assert.match(heal.text, /^report: .*\/drills\/e\d{8}-\d{6}-[a-z0-9]+\.md$/m);
	const report = readFileSync(/^report: (.*)$/m.exec(heal.text)![1]!, 'utf8');
	assert.match(report, new RegExp(`^- Stopped ${victim} \\(not timed here\\): `, 'm'));
	assert.match(report, /^- Outcome: healed; signals not timed \(stopped by another labwatch, from the shell or a run that died: run the drill from the TUI, key E, to time them\)$/m);
});
