// The etcd drill against three real Debian etcd members on loopback (test/etcd/member.sh): the leader is found,
// stopping it shows a new leader in the timeline, stopping a second loses quorum, the heal brings all back, the
// dry run runs nothing, and every command is journaled.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {EtcdPoller} from '../../source/etcd/poller.js';
import {EtcdDrill} from '../../source/etcd/drill.js';
import type {EtcdStatus} from '../../source/etcd/types.js';
import {hasCommand, needs} from '../support/infra.js';
import {runDrillsCommand} from '../../source/drill/commands.js';
import {runEtcdHealCommand} from '../../source/etcd/commands.js';
import {newestDrillEvidence} from '../../source/phases/drill-evidence.js';
import {etcdConfig, startTestEtcd, until, type TestMember} from './cluster.js';

function rig(t: import('node:test').TestContext, members: TestMember[], extra: Record<string, unknown> = {}) {
	const config = etcdConfig(members, extra);
	const stateDir = mkdtempSync(join(tmpdir(), 'labwatch-etcd-state-'));
	t.after(() => rmSync(stateDir, {recursive: true, force: true}));
	let drill: EtcdDrill | undefined;
	const statuses: EtcdStatus[] = [];
	const poller = new EtcdPoller({
		config: config.etcd!,
		onChange: status => {
			statuses.push(status);
			drill?.observe(status);
		},
		stopped: () => drill?.stoppedMembers() ?? [],
		fast: () => true,
	});
	drill = new EtcdDrill({config, stateDir, by: 'test', status: () => poller.status, poll: () => poller.pollOnce(), verifyMs: 15_000});
	t.after(() => {
		poller.stop();
		drill!.dispose();
	});
	return {config, stateDir, poller, drill, statuses};
}

test('the etcd drill stops the leader, a new one is elected, a second stop loses quorum, the heal brings all back', async t => {
	if (!needs(t, hasCommand('etcd'), 'Debian etcd-server (etcd) is not installed')) return;
	const etcd = await startTestEtcd(t);
	const {poller, drill, stateDir} = rig(t, etcd.members);
	poller.start();
	const first = await until('a leader', () => (poller.status?.leader && poller.status.up === 3 ? poller.status : undefined));
	assert.equal(first.verdict.level, 'ok');
	assert.equal(first.readable, true);
	const leader = first.leader!;
	assert.ok(first.members.every(member => member.term !== undefined && member.raftIndex !== undefined), 'term and raft index read from every member');

	// The dry run shows the exact argv (timer first, then the member's stop) and runs nothing.
	const dry = await drill.stop({dryRun: true});
	assert.ok(dry.ok);
	assert.equal(dry.value.member, leader);
	assert.deepEqual(dry.value.commands[1], etcd.members.find(member => member.name === leader)!.stop);
	assert.equal(dry.value.commands[0]![0], 'sh');
	assert.match(dry.value.effect, /2\/3 up after the stop: quorum kept/);
	await new Promise(resolve => setTimeout(resolve, 500));
	assert.equal(poller.status!.up, 3, 'the dry run stopped nothing');
	assert.equal((await drill.journal.read()).length, 0, 'the dry run journaled nothing');

	const stopped = await drill.stop();
	assert.ok(stopped.ok, stopped.ok ? '' : stopped.error);
	assert.equal(stopped.value.member, leader);
	const elected = await until('a new leader', () => drill.status().timeline.find(mark => mark.signal.startsWith('new leader')));
	const marks = drill.status().timeline.map(mark => mark.signal);
	assert.ok(marks[0]!.startsWith(`stopped ${leader} (leader)`), marks.join(' | '));
	assert.ok(marks.includes('leader lost'), `a SIGKILLed leader is missed before the election: ${marks.join(' | ')}`);
	assert.ok(marks.indexOf('leader lost') < marks.findIndex(mark => mark.startsWith('new leader')));
	assert.ok(!elected.signal.includes(leader));
	assert.ok(elected.afterMs > 0 && elected.afterMs < 10_000, `elected after ${elected.afterMs} ms`);
	t.diagnostic(`new leader after ${elected.afterMs} ms: ${marks.join(' | ')}`);
	assert.equal(poller.status!.verdict.level, 'warn');

	// The second stop takes the new leader: 1 of 3 left, no quorum.
	const second = await drill.stop();
	assert.ok(second.ok, second.ok ? '' : second.error);
	assert.notEqual(second.value.member, leader);
	assert.match(second.value.effect, /QUORUM LOST/);
	await until('quorum lost', () => drill.status().timeline.find(mark => mark.signal === 'quorum lost'));
	const lost = await until('no quorum, no leader', () => (poller.status && !poller.status.quorum && poller.status.leader === undefined ? poller.status : undefined));
	assert.equal(lost.verdict.level, 'crit');
	assert.match(lost.verdict.reasons.join(' '), /quorum lost: 1\/3 members up, 2 needed/);
	await until('reads failing', () => drill.status().timeline.find(mark => mark.signal === 'etcd reads fail'));

	const healed = await drill.heal('test');
	assert.ok(healed.ok, healed.ok ? '' : healed.error);
	assert.deepEqual(healed.value.started.sort(), [leader, second.value.member].sort());
	await until('quorum regained', () => drill.status().timeline.find(mark => mark.signal === 'quorum regained'));
	// The read that failed while quorum was lost is the last one known until the next comes back: wait for it.
	const back = await until('all members back with a leader, reads working', () => (poller.status?.up === 3 && poller.status.leader && poller.status.readable ? poller.status : undefined));
	assert.equal(back.verdict.level, 'ok');
	await until('the report complete', () => (drill.observing ? undefined : true));
	// The journal: two stops and one heal, every command with its exit code.
	const entries = (await drill.journal.read()).filter(entry => entry.kind === 'etcd');
	assert.deepEqual(entries.map(entry => entry.type), ['cut', 'cut', 'heal']);
	assert.ok(entries.every(entry => entry.ok && entry.results.every(result => result.commands.every(command => command.exitCode === 0))));
	assert.equal(entries[0]!.results[0]!.commands.length, 2, 'timer and stop');
	const report = JSON.parse(readFileSync(join(stateDir, 'drills', `${healed.value.drillIds[0]}.json`), 'utf8'));
	assert.equal(report.kind, 'etcd');
	// Recovery marks are written into the report as they arrive.
	const markdown = await until('the recovery in the report', () => {
		const text = readFileSync(join(stateDir, 'drills', `${healed.value.drillIds[0]}.md`), 'utf8');
		return /quorum regained after the heal/.test(text) ? text : undefined;
	});
	assert.match(markdown, /new leader etcd-\d elected after the leader etcd-\d stopped \| \d+\.\d s \| ≤ 3 s: (ok|over goal)/);
	assert.match(markdown, /quorum regained after the heal/);
	t.diagnostic(markdown);
	// `labwatch drills` lists it as an etcd drill; phase 5's partition evidence ignores it.
	let listing = '';
	await runDrillsCommand({stdout: {write: (text: string) => (listing += text)}, stderr: {write: () => true}, stateDir});
	assert.match(listing, new RegExp(`^${healed.value.drillIds[0]}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  etcd: stopped ${leader}, ${second.value.member} for \\d+ s  new leader etcd-\\d elected after the leader ${leader} stopped \\d+\\.\\d s`, 'm'));
	assert.equal(await newestDrillEvidence(stateDir), undefined);
});

test('a leader stopped with SIGTERM hands over first: the timeline shows the new leader, the report its time', async t => {
	if (!needs(t, hasCommand('etcd'), 'Debian etcd-server (etcd) is not installed')) return;
	// kubelet stops a static pod (kind's etcd, its manifest moved away) with SIGTERM, not a crash.
	const etcd = await startTestEtcd(t, {stopSignal: 'TERM'});
	const {poller, drill, stateDir} = rig(t, etcd.members);
	poller.start();
	const leader = (await until('a leader', () => (poller.status?.up === 3 ? poller.status.leader : undefined)))!;
	const stopped = await drill.stop();
	assert.ok(stopped.ok, stopped.ok ? '' : stopped.error);
	const elected = await until('a new leader', () => drill.status().timeline.find(mark => mark.signal.startsWith('new leader')));
	assert.ok(!elected.signal.includes(leader));
	t.diagnostic(`SIGTERM: new leader ${elected.afterMs} ms after the stop: ${drill.status().timeline.map(mark => mark.signal).join(' | ')}`);
	// Healed from a shell (labwatch etcd-heal, its own drill object): this drill notices, stops timing, reports.
	let out = '';
	assert.equal(await runEtcdHealCommand({config: etcdConfig(etcd.members), stdout: {write: (text: string) => (out += text)}, stderr: {write: () => true}, stateDir}), 0);
	assert.match(out, new RegExp(`^started ${leader} \\(drill e`, 'm'));
	assert.equal(drill.isLive, true, 'not yet noticed');
	assert.equal(await drill.checkExternalHeal(), true);
	assert.equal(drill.isLive, false);
	const status = drill.status();
	assert.equal(status.phase, 'healed');
	assert.ok(status.timeline.some(mark => mark.signal === `started ${leader}`));
	await until('all back', () => (poller.status?.up === 3 && poller.status.leader ? true : undefined));
	const report = JSON.parse(readFileSync(join(stateDir, 'drills', `${status.drillId}.json`), 'utf8'));
	assert.match(report.outcome, /^healed by labwatch etcd-heal/);
});

test('a drill taken over from a run that died is healed at its TTL by the one that took it over', async t => {
	if (!needs(t, hasCommand('etcd'), 'Debian etcd-server (etcd) is not installed')) return;
	const etcd = await startTestEtcd(t);
	const {poller, drill, stateDir, config} = rig(t, etcd.members, {ttl: '3s'});
	poller.start();
	await until('a leader', () => (poller.status?.up === 3 ? poller.status.leader : undefined));
	const stopped = await drill.stop();
	assert.ok(stopped.ok, stopped.ok ? '' : stopped.error);
	// The first labwatch goes away (its in-process heal with it); a second one starts and looks.
	drill.dispose();
	const second = new EtcdDrill({config, stateDir, by: 'second', status: () => poller.status, poll: () => poller.pollOnce()});
	t.after(() => second.dispose());
	const seen = await second.inspect();
	assert.deepEqual(seen.stopped, [stopped.value.member]);
	assert.equal(second.isLive, true);
	await until('the second labwatch to heal at the TTL', () => (second.status().phase === 'healed' ? true : undefined), 15_000);
	const heals = (await second.journal.read()).filter(entry => entry.type === 'heal');
	assert.equal(heals.at(-1)!.by, 'ttl');
	await until('all back', () => (poller.status?.up === 3 && poller.status.leader ? true : undefined));
});
