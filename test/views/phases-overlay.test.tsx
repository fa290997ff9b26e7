// `h`: the plan's checklist over the panels, drawn from snapshot.phases (the list check --json prints).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, renderApp, settle, keys} from './harness.js';
import {evaluatePhases} from '../../source/phases/checklist.js';
import {validateConfig} from '../../source/config/load.js';

const config = validateConfig(
	{
		clusters: {m1: {context: 'kind-m1-cluster', host: 'm1'}, m2: {context: 'kind-m2-cluster', host: 'm2'}},
		hosts: {m1: {memory: '16GiB', address: '10.0.0.1'}, m2: {memory: '8GiB', address: '10.0.0.2'}},
	},
	'test',
);

test('h opens the checklist: phases in order, each criterion marked with its evidence; Esc closes it', async () => {
	const {store} = homelab();
	store.setChecklist(snapshot => evaluatePhases({snapshot, config}));
	const app = renderApp(store, {rows: 40});
	await settle();
	const frame = await app.press('h');
	// The harness's m2 has one node: phase 1 fails with the count; no Prometheus, no probes: unknown.
	assert.match(frame, /homelab plan: 2 passed, 1 failed, \d+ unknown/);
	assert.match(frame, /Phase 1/);
	assert.match(frame, /✗ m2 nodes Ready ≥ 2/);
	assert.match(frame, /failed: m2 nodes 1\/1 Ready < 2/);
	assert.match(frame, /✓ m1 Submariner gateway connected/);
	assert.match(frame, /\? HTTP m1→m2 succeeds, p95 < 5 ms/);
	assert.match(frame, /unknown: not configured: no probe named in phases\.http/);
	assert.ok(frame.indexOf('Phase 1') < frame.indexOf('Phase 3'));
	const closed = await app.press(keys.escape);
	assert.doesNotMatch(closed, /homelab plan:/);
	assert.match(closed, /m1 · kind-m1-cluster/);
	app.unmount();
});

test('the checklist follows the store: a node turning Ready passes the criterion', async () => {
	const {store} = homelab();
	store.setChecklist(snapshot => evaluatePhases({snapshot, config}));
	const app = renderApp(store, {rows: 40});
	await settle();
	await app.press('h');
	store.upsertNode('m2', {name: 'm2-worker', ready: true, memoryCapacityBytes: 2 ** 30, memoryAllocatableBytes: 2 ** 30, createdMs: 0});
	await settle();
	assert.match(app.frame(), /✓ m2 nodes Ready ≥ 2/);
	assert.match(app.frame(), /passed: m2 nodes 2\/2 Ready ≥ 2/);
	app.unmount();
});
