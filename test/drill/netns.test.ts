// Real iptables in network namespaces this test creates: packets really dropped, heal leaves the table as it was,
// other rules untouched, cut twice = one set, rollback on a half-failed cut, and the kill -9 dead-man's switch.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
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
});
