// A probe's window, the runner's schedule, and what a failing probe does to the store's verdict.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {probeTargetSchema} from '../../source/config/schema.js';
import {ProbeWindow, percentile} from '../../source/probes/window.js';
import {ProbeRunner} from '../../source/probes/runner.js';
import type {ProbeResult, ProbeStatus} from '../../source/probes/types.js';
import {LabStore} from '../../source/store/lab-store.js';
import {probeWords} from '../../source/probes/words.js';

const probe = (fields: Record<string, unknown> = {}) => probeTargetSchema.parse({name: 'm2-api', http: 'http://127.0.0.1:1/readyz', ...fields});
const ok = (latencyMs: number, atMs = 0): ProbeResult => ({atMs, ok: true, latencyMs, status: 200});
const failed = (error: string, atMs = 0): ProbeResult => ({atMs, ok: false, error});

test('config defaults: every 5 s, 2 s timeout, warn', () => {
	const parsed = probe();
	assert.deepEqual([parsed.interval, parsed.timeout, parsed.level], [5000, 2000, 'warn']);
});

test('percentile: nearest rank', () => {
	assert.equal(percentile([], 0.5), undefined);
	assert.equal(percentile([1, 2, 3, 4], 0.5), 2);
	assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100], 0.95), 19);
	assert.equal(percentile([7], 0.95), 7);
});

test('window: p50/p95/max of the successes, success rate, last error kept after recovery, bounded', () => {
	const window = new ProbeWindow(probe(), 5);
	for (const latency of [9, 1, 2, 3]) window.add(ok(latency));
	window.add(failed('connection refused', 42));
	let status = window.status();
	assert.deepEqual([status.samples, status.successRate, status.p50Ms, status.p95Ms, status.maxMs], [5, 0.8, 2, 9, 9]);
	assert.equal(status.last?.ok, false);
	assert.deepEqual(status.lastError, {atMs: 42, error: 'connection refused'});
	// Five more: the window holds the last five only, the last error stays known.
	for (const latency of [4, 4, 4, 4, 4]) window.add(ok(latency));
	status = window.status();
	assert.deepEqual([status.samples, status.successRate, status.maxMs, status.last?.ok], [5, 1, 4, true]);
	assert.deepEqual(status.lastError, {atMs: 42, error: 'connection refused'});
});

test('runner: runs each probe again after its interval, never two at once, and stops', async () => {
	let running = 0;
	let most = 0;
	let runs = 0;
	const updates: ProbeStatus[][] = [];
	let release: (() => void) | undefined;
	const runner = new ProbeRunner({
		probes: [probe({interval: '1s'})],
		onChange: statuses => updates.push(statuses),
		run: async () => {
			running++;
			runs++;
			most = Math.max(most, running);
			if (runs === 2) await new Promise<void>(resolve => (release = resolve));
			running--;
			return ok(1);
		},
	});
	const {mock} = await import('node:test');
	mock.timers.enable({apis: ['setTimeout']});
	try {
		runner.start();
		await new Promise(resolve => setImmediate(resolve));
		assert.equal(runs, 1);
		mock.timers.tick(999);
		assert.equal(runs, 1, 'not before its interval');
		mock.timers.tick(1);
		assert.equal(runs, 2);
		// The second run hangs: the clock moving on starts no third.
		mock.timers.tick(10_000);
		assert.equal(runs, 2);
		runner.stop();
		release!();
		await new Promise(resolve => setImmediate(resolve));
		mock.timers.tick(10_000);
		assert.equal(runs, 2, 'stopped: no run after stop');
		assert.equal(most, 1);
		assert.equal(updates.length, 1, 'a result arriving after stop is dropped');
	} finally {
		mock.timers.reset();
	}
});

test('store and verdict: a failing probe raises its level with the error in words; recovery clears it', async () => {
	const store = new LabStore([{name: 'm1', context: 'c', host: 'm1'}]);
	const window = new ProbeWindow(probe({level: 'crit'}));
	window.add(ok(2));
	store.setProbes([window.status()]);
	assert.ok(!store.snapshot().verdict.reasons.some(reason => reason.includes('probe')));
	window.add(failed('connection refused'));
	store.setProbes([window.status()]);
	let snapshot = store.snapshot();
	assert.equal(snapshot.verdict.level, 'crit');
	assert.ok(snapshot.verdict.reasons.includes('probe m2-api failing: connection refused'));
	assert.equal(probeWords(snapshot.probes![0]!), 'CRITICAL connection refused');
	assert.ok(snapshot.events.some(event => event.text === 'probe m2-api failing: connection refused' && event.level === 'crit'));
	window.add(ok(3.24));
	store.setProbes([window.status()]);
	snapshot = store.snapshot();
	assert.ok(!snapshot.verdict.reasons.some(reason => reason.includes('probe')));
	assert.equal(probeWords(snapshot.probes![0]!), 'OK 3.2 ms');
	assert.ok(snapshot.events.some(event => event.text === 'probe m2-api OK again'));
});

test('a warn-level probe failing makes a WARNING, not a CRITICAL', () => {
	const store = new LabStore([{name: 'm1', context: 'c', host: 'm1'}]);
	const window = new ProbeWindow(probe());
	window.add(failed('timeout after 2s'));
	store.setProbes([window.status()]);
	const snapshot = store.snapshot();
	assert.ok(snapshot.verdict.reasons.includes('probe m2-api failing: timeout after 2s'));
	assert.equal(probeWords(snapshot.probes![0]!), 'WARNING timeout after 2s');
});
