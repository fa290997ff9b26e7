// Real iptables in network namespaces this test creates: packets really dropped, heal leaves the table as it was,
// other rules untouched, cut twice = one set, rollback on a half-failed cut, and the kill -9 dead-man's switch.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {appendFileSync, mkdtempSync, rmSync} from 'node:fs';
import {spawn} from 'node:child_process';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {hasCommand, isRoot, needs} from '../support/infra.js';
import {DrillRunner} from '../../source/drill/runner.js';
import {iptablesDriver} from '../../source/drill/iptables-point.js';
import {executorFor} from '../../source/drill/executors.js';
import {resolvePoints} from '../../source/drill/plan.js';
import {chainState, parseListing} from '../../source/drill/rules.js';
import {createLab, waitFor, type NetnsLab} from './netns-lab.js';
import {startCutter} from './fixtures/cutter.js';
import {runHealCommand} from '../../source/drill/commands.js';
import {processIdentity} from '../../source/drill/process-identity.js';
import {Journal} from '../../source/drill/journal.js';

function capture() {
	let text = '';
	return {
		write: (chunk: string) => (text += chunk),
		get text() {
			return text;
		},
	};
}

const alive = (pid: number | undefined): boolean => pid !== undefined && processIdentity(pid) !== undefined;

const ready = isRoot && hasCommand('iptables') && hasCommand('ip') && hasCommand('curl');
const reason = 'needs root, iptables, iproute2 (network namespaces) and curl';
const chain = 'LABWATCH-PARTITION';

describe('partition drill with real iptables in network namespaces', () => {
	let lab: NetnsLab | undefined;
	let stateDir = '';

	before(() => {
		if (!ready) return;
		lab = createLab('n');
		stateDir = mkdtempSync(join(tmpdir(), 'labwatch-drill-'));
	});

	after(() => {
		lab?.dispose();
		if (stateDir) rmSync(stateDir, {recursive: true, force: true});
	});

	const runnerFor = (points?: unknown[]): DrillRunner =>
		new DrillRunner({config: lab!.config(points ?? [{host: 'a', via: 'netns', netns: lab!.nsA}]), stateDir, by: 'test', localAddresses: []});

	const ourChain = (ns: string) => chainState(parseListing(lab!.sh(ns, ['iptables', '-w', '-S'])), chain);

	it('drops packets both ways, heals to exactly the table it found, leaves other rules alone', async t => {
		if (!needs(t, ready, reason)) return;
		await waitFor(() => lab!.reachable(), 10_000, 'the HTTP server in namespace B');
		// Unrelated rules that a flush would destroy: kube-proxy and Docker style chains, a rule in INPUT.
		lab!.sh(lab!.nsA, ['iptables', '-w', '-N', 'KUBE-SERVICES']);
		lab!.sh(lab!.nsA, ['iptables', '-w', '-A', 'KUBE-SERVICES', '-d', '10.96.0.1/32', '-p', 'tcp', '--dport', '443', '-j', 'ACCEPT']);
		lab!.sh(lab!.nsA, ['iptables', '-w', '-N', 'DOCKER']);
		lab!.sh(lab!.nsA, ['iptables', '-w', '-A', 'INPUT', '-j', 'KUBE-SERVICES']);
		lab!.sh(lab!.nsA, ['iptables', '-w', '-A', 'INPUT', '-s', '10.99.0.0/16', '-j', 'ACCEPT']);
		lab!.sh(lab!.nsA, ['iptables', '-w', '-A', 'FORWARD', '-j', 'DOCKER']);
		const saved = lab!.iptablesSave(lab!.nsA);

		const runner = runnerFor();
		const cut = await runner.cut({ttlMs: 30_000});
		assert.ok(cut.ok, cut.ok ? '' : cut.error);
		assert.equal(lab!.reachable(), false, 'B must be unreachable from A while cut');
		const listing = parseListing(lab!.sh(lab!.nsA, ['iptables', '-w', '-S']));
		assert.equal(listing.rules.find(rule => rule.chain === 'INPUT')?.spec.join(' '), `-j ${chain}`, 'jump first in INPUT');
		assert.equal(listing.rules.find(rule => rule.chain === 'OUTPUT')?.spec.join(' '), `-j ${chain}`, 'jump first in OUTPUT');
		assert.equal(runner.status().partition.active, true);
		assert.ok(lab!.iptablesSave(lab!.nsA).includes('-A KUBE-SERVICES -d 10.96.0.1/32'), 'KUBE-SERVICES kept during the cut');

		const healed = await runner.heal();
		assert.ok(healed.ok, healed.ok ? '' : healed.error);
		assert.equal(lab!.reachable(), true, 'B reachable again after heal');
		assert.equal(lab!.iptablesSave(lab!.nsA), saved, 'iptables-save after heal equals before');
		assert.equal(runner.status().partition.active, false);
		// Heal again: idempotent, nothing to do, still verified.
		const again = await runner.heal();
		assert.ok(again.ok);
		assert.equal(lab!.iptablesSave(lab!.nsA), saved);
		runner.dispose();
	});

	it('cutting twice leaves one set of rules', async t => {
		if (!needs(t, ready, reason)) return;
		const points = resolvePoints(lab!.config([{host: 'a', via: 'netns', netns: lab!.nsA}]));
		assert.ok(points.ok);
		const driver = iptablesDriver(points.value[0]!, chain, executorFor(points.value[0]!));
		const noTimer = async () => ({ok: true as const, value: {kind: 'none', dueMs: 0}});
		assert.ok((await driver.cut('d-twice-1', 30_000, noTimer)).ok);
		const first = lab!.iptablesSave(lab!.nsA);
		assert.ok((await driver.cut('d-twice-1', 30_000, noTimer)).ok);
		assert.equal(lab!.iptablesSave(lab!.nsA), first, 'the same cut twice changes nothing');
		// A second drill over a leftover: one set of rules, now tagged with the new drill.
		const second = await driver.cut('d-twice-2', 30_000, noTimer);
		assert.ok(second.ok, second.error);
		const state = ourChain(lab!.nsA);
		assert.deepEqual(state.drillIds, ['d-twice-2']);
		assert.equal(state.rules.length, 2);
		assert.equal(state.jumps.length, 2);
		assert.ok((await driver.heal()).ok);
		assert.equal(ourChain(lab!.nsA).exists, false);
	});

	it('finds a live cut from the journal, a leftover nobody made, and heals both', async t => {
		if (!needs(t, ready, reason)) return;
		const first = runnerFor();
		const cut = await first.cut({ttlMs: 30_000});
		assert.ok(cut.ok, cut.ok ? '' : cut.error);
		first.dispose(); // as if the TUI quit: the cut stays until its TTL
		const second = runnerFor();
		const found = await second.inspect();
		assert.ok(found.ok);
		assert.equal(found.value.active, true);
		assert.equal(found.value.drillId, cut.value.drillId);
		assert.equal(found.value.ttlMs, 30_000);
		assert.equal(found.value.leftover, false);
		assert.ok((await second.heal()).ok);
		assert.equal(lab!.reachable(), true);

		// A chain nobody journaled: a leftover.
		lab!.sh(lab!.nsA, ['iptables', '-w', '-N', chain]);
		lab!.sh(lab!.nsA, ['iptables', '-w', '-A', chain, '-s', lab!.addressB, '-m', 'comment', '--comment', 'labwatch:dstranger', '-j', 'DROP']);
		lab!.sh(lab!.nsA, ['iptables', '-w', '-I', 'INPUT', '1', '-j', chain]);
		lab!.sh(lab!.nsA, ['iptables', '-w', '-I', 'INPUT', '1', '-j', chain]);
		const leftover = await second.inspect();
		assert.ok(leftover.ok);
		assert.equal(leftover.value.leftover, true);
		assert.equal(leftover.value.active, false);
		assert.deepEqual(leftover.value.points, [`a (netns ${lab!.nsA})`]);
		assert.ok((await second.heal()).ok);
		assert.equal(ourChain(lab!.nsA).exists, false);
		assert.equal(ourChain(lab!.nsA).jumps.length, 0);
		second.dispose();
	});

	it('rolls back a cut that fails half-way', async t => {
		if (!needs(t, ready, reason)) return;
		const saved = lab!.iptablesSave(lab!.nsA);
		const runner = runnerFor([
			{host: 'a', via: 'netns', netns: lab!.nsA},
			{host: 'b', via: 'netns', netns: `${lab!.nsA}-missing`, peers: [lab!.addressA]},
		]);
		const cut = await runner.cut({ttlMs: 30_000});
		assert.equal(cut.ok, false);
		assert.match(cut.ok ? '' : cut.error, /cut failed at b \(netns .*-missing\): .*rolled back/);
		assert.equal(lab!.iptablesSave(lab!.nsA), saved, 'nothing left behind at the point that was cut');
		assert.equal(lab!.reachable(), true);
		const journal = await runner.journal.read();
		assert.ok(journal.some(entry => entry.type === 'rollback' && entry.ok));
		runner.dispose();
	});

	it('leaves nothing after TTL + 2 s whichever step of the cut kill -9 lands on', async t => {
		if (!needs(t, ready, reason)) return;
		const saved = lab!.iptablesSave(lab!.nsA);
		const ttlMs = 1000;
		const killedAt: string[] = [];
		// Step N: the cutter stops before its Nth command at the point (the timer's included) and is killed there.
		for (let pauseAt = 1; pauseAt < 20; pauseAt++) {
			const cutter = startCutter({config: lab!.rawConfig([{host: 'a', via: 'netns', netns: lab!.nsA}]), stateDir, ttlMs, pauseAt});
			let line: string;
			try {
				line = await cutter.next(['PAUSED', 'CUT', 'FAILED']);
			} finally {
				cutter.kill();
			}
			const killedAtMs = Date.now();
			if (!line.startsWith('PAUSED')) {
				// Past the last step: the cut completed; the existing kill -9 test covers a finished cut.
				assert.match(line, /^CUT /);
				await waitFor(() => !ourChain(lab!.nsA).exists, ttlMs + 3000, 'the dead-man heal of the finished cut');
				break;
			}
			killedAt.push(line);
			await new Promise(resolve => setTimeout(resolve, Math.max(0, killedAtMs + ttlMs + 2000 - Date.now())));
			const state = ourChain(lab!.nsA);
			assert.equal(state.exists || state.jumps.length > 0, false, `kill -9 at "${line}" left rules after TTL + 2 s: ${lab!.iptablesSave(lab!.nsA)}`);
		}
		assert.ok(killedAt.length >= 6, `expected a kill at every step of the cut, got ${killedAt.join(' | ')}`);
		assert.equal(lab!.iptablesSave(lab!.nsA), saved);
	});

	it('heals on the point itself after kill -9 of labwatch, within TTL + 2 s', async t => {
		if (!needs(t, ready, reason)) return;
		const saved = lab!.iptablesSave(lab!.nsA);
		const ttlMs = 3000;
		const input = {config: lab!.rawConfig([{host: 'a', via: 'netns', netns: lab!.nsA}]), stateDir, ttlMs};
		const cutter = startCutter(input);
		try {
			const line = await cutter.next(['CUT', 'FAILED']);
			const cutAtMs = Date.now();
			cutter.kill();
			assert.match(line, /^CUT /);
			assert.equal(ourChain(lab!.nsA).exists, true, 'the cut is in place after the kill');
			assert.equal(lab!.reachable(), false);
			await waitFor(() => !ourChain(lab!.nsA).exists && ourChain(lab!.nsA).jumps.length === 0, cutAtMs + ttlMs + 2000 - Date.now(), 'the dead-man heal');
			assert.equal(lab!.reachable(), true);
			assert.equal(lab!.iptablesSave(lab!.nsA), saved);
		} finally {
			cutter.kill();
		}
	});

	it('two drills at one point: the second refuses while the first cuts, and refuses to cut over a live cut', async t => {
		if (!needs(t, ready, reason)) return;
		const saved = lab!.iptablesSave(lab!.nsA);
		const config = lab!.rawConfig([{host: 'a', via: 'netns', netns: lab!.nsA}]);
		// The first stops mid-cut (before its 3rd command) holding the point.
		const first = startCutter({config, stateDir, ttlMs: 30_000, pauseAt: 3});
		try {
			assert.match(await first.next(['PAUSED', 'CUT', 'FAILED']), /^PAUSED 3 /);
			const second = startCutter({config, stateDir, ttlMs: 4000});
			try {
				assert.match(await second.next(['CUT', 'FAILED']), /^FAILED another drill command is running at a \(netns .*\) \(pid \d+, test, since [\d:]+\): try again when it is done$/);
			} finally {
				second.kill();
			}
		} finally {
			first.kill();
		}
		// The first was killed with its lock held: the lock is stale now, and its timer removes its half cut.
		await waitFor(() => !ourChain(lab!.nsA).exists, 5000, 'the half cut healed by its timer');
		const live = startCutter({config, stateDir, ttlMs: 30_000});
		try {
			const line = await live.next(['CUT', 'FAILED']);
			assert.match(line, /^CUT /, 'a stale lock (dead holder) is taken over');
			const drillId = line.slice(4);
			const over = startCutter({config, stateDir, ttlMs: 4000});
			try {
				assert.match(await over.next(['CUT', 'FAILED']), new RegExp(`^FAILED refusing to cut: drill ${drillId} is live at a \\(netns .*\\) until [\\d:]+ \\(heal it first: labwatch heal\\)$`));
			} finally {
				over.kill();
			}
			assert.deepEqual(ourChain(lab!.nsA).drillIds, [drillId], 'the live cut keeps its own tag (and its own TTL)');
			live.child.stdin!.write('heal\n');
			assert.equal(await live.next(['HEALED', 'FAILED']), 'HEALED');
		} finally {
			live.kill();
		}
		assert.equal(lab!.iptablesSave(lab!.nsA), saved);
	});

	it('a partition while a heal is running refuses: the heal never says "clean" while a cut goes live', async t => {
		if (!needs(t, ready, reason)) return;
		let release!: () => void;
		let paused!: () => void;
		const reachedLastStep = new Promise<void>(resolve => (paused = resolve));
		const gate = new Promise<void>(resolve => (release = resolve));
		let steps = 0;
		const points = [{host: 'a', via: 'netns', netns: lab!.nsA}];
		// Pause the heal before its last command (the verifying listing).
		const healer = new DrillRunner({config: lab!.config(points), stateDir, by: 'labwatch heal', localAddresses: [], beforeCommand: async () => {
			steps += 1;
			if (steps === 3) {
				paused();
				await gate;
			}
		}});
		const healing = healer.heal('labwatch heal');
		await reachedLastStep;
		const cutter = runnerFor(points);
		const cut = await cutter.cut({ttlMs: 5000});
		release();
		const healed = await healing;
		assert.equal(cut.ok, false, 'the cut must not go live under a running heal');
		assert.match(cut.ok ? '' : cut.error, /^another drill command is running at a \(netns .*\) \(pid \d+, labwatch heal, since [\d:]+\): try again when it is done$/);
		assert.ok(healed.ok);
		assert.equal(ourChain(lab!.nsA).exists, false, 'clean, as the heal said');
		healer.dispose();
		cutter.dispose();
	});

	it('heal with a null line in the journal cancels the timer, journals, and signals only the verified timer', async t => {
		if (!needs(t, ready, reason)) return;
		const points = [{host: 'a', via: 'netns', netns: lab!.nsA}];
		const first = runnerFor(points);
		const cut = await first.cut({ttlMs: 30_000});
		assert.ok(cut.ok, cut.ok ? '' : cut.error);
		first.dispose(); // as if the TUI quit
		const timerPid = cut.value.outcomes[0]!.timer!.pid!;
		assert.ok(alive(timerPid), 'the timer runs');
		const bystander = spawn('sleep', ['30'], {detached: true, stdio: 'ignore'});
		await new Promise(resolve => bystander.once('spawn', resolve));
		try {
			const journal = new Journal(stateDir);
			appendFileSync(journal.path, 'null\n');
			// A forged timer for the same drill: an unrelated process, even with its real start time.
			await journal.append({type: 'cut', atMs: Date.now(), drillId: cut.value.drillId, ttlMs: 30_000, points: [`a (netns ${lab!.nsA})`], ok: true, results: [{point: `a (netns ${lab!.nsA})`, ok: true, commands: [], timer: {kind: 'detached sh', pid: bystander.pid, startTime: processIdentity(bystander.pid!)!.startTime, dueMs: Date.now() + 30_000}}], pid: 1});
			const stdout = capture();
			const stderr = capture();
			assert.equal(await runHealCommand({config: lab!.config(points), stateDir, stdout, stderr}), 0, stderr.text);
			assert.match(stdout.text, /removed the labwatch rules, verified/);
			assert.match(stderr.text, /labwatch: warning: journal .*journal\.jsonl: skipped 1 unreadable line\n/);
			assert.match(stderr.text, new RegExp(`labwatch: warning: not signalled: pid ${bystander.pid} at a \\(netns .*\\) is not verifiably the heal timer of drill ${cut.value.drillId}\\n`));
			await waitFor(() => !alive(timerPid), 3000, 'the real timer cancelled');
			assert.equal(bystander.exitCode, null);
			assert.equal(bystander.signalCode, null, 'the bystander is alive');
			assert.equal((await journal.read()).at(-1)?.type, 'heal');
		} finally {
			bystander.kill('SIGKILL');
		}
	});

	it('heal --dry-run on real iptables prints the exact commands and changes nothing', async t => {
		if (!needs(t, ready, reason)) return;
		const points = [{host: 'a', via: 'netns', netns: lab!.nsA}];
		const runner = runnerFor(points);
		const cut = await runner.cut({ttlMs: 30_000});
		assert.ok(cut.ok, cut.ok ? '' : cut.error);
		const during = lab!.iptablesSave(lab!.nsA);
		const stdout = capture();
		assert.equal(await runHealCommand({config: lab!.config(points), stateDir, dryRun: true, stdout, stderr: capture()}), 0);
		const ns = lab!.nsA;
		const id = cut.value.drillId;
		assert.equal(
			stdout.text,
			[
				`a (netns ${ns}): would remove`,
				`    -N ${chain}`,
				`    -A INPUT -j ${chain}`,
				`    -A OUTPUT -j ${chain}`,
				`    -A ${chain} -s ${lab!.addressB}/32 -m comment --comment "labwatch:${id}" -j DROP`,
				`    -A ${chain} -d ${lab!.addressB}/32 -m comment --comment "labwatch:${id}" -j DROP`,
				'  by running:',
				`    ip netns exec ${ns} iptables -w -D INPUT -j ${chain}`,
				`    ip netns exec ${ns} iptables -w -D OUTPUT -j ${chain}`,
				`    ip netns exec ${ns} iptables -w -F ${chain}`,
				`    ip netns exec ${ns} iptables -w -X ${chain}`,
				`drill ${id}`,
				'dry run: nothing changed',
				'',
			].join('\n'),
		);
		assert.equal(lab!.iptablesSave(lab!.nsA), during, 'nothing changed');
		assert.equal(lab!.reachable(), false, 'still cut');
		assert.ok((await runner.heal()).ok);
		runner.dispose();
	});
});
