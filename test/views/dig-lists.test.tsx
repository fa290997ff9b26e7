import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, hostBudget, keys, lineWith, panel, renderApp, settle, pod} from './harness.js';
import {event, fakeDig} from './dig-harness.js';
import {startMs} from './harness.js';

test('e: events of both clusters merged, newest first, with cluster, object, reason, count, age', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	dig.events = [
		event('m1', 'worker-5d8b', 'BackOff', {type: 'Warning', count: 7, lastMs: startMs - 120_000}),
		event('m2', 'edge-proxy-1', 'Started', {lastMs: startMs - 5_000}),
		event('m1', 'api-7f9c', 'Pulled', {lastMs: startMs - 30_000}),
	];
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	const frame = await app.press('e');
	assert.deepEqual(dig.calls, ['openEvents']);
	assert.match(frame, /events · every cluster/);
	assert.match(frame, /CLUSTER\s+AGE\s+TYPE\s+REASON\s+OBJECT\s+COUNT\s+MESSAGE/);
	const rows = frame.split('\n').filter(line => /^(m1|m2) /.test(line));
	assert.deepEqual(rows.map(line => line.split(/\s+/)[0]), ['m2', 'm1', 'm1'], 'newest first, both clusters');
	assert.match(rows[0]!, /^m2\s+5s\s+Normal\s+Started\s+pod\/apps\/edge-proxy-1\s+1 {2}Started happened/);
	assert.match(rows[2]!, /^m1\s+2m\s+Warning\s+BackOff\s+pod\/apps\/worker-5d8b\s+7/);
	app.unmount();
});

test('events: / filters and puts Warnings first; d describes the selected event\'s object; Esc closes and stops the polling', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	dig.events = [
		event('m1', 'worker-5d8b', 'BackOff', {type: 'Warning', lastMs: startMs - 120_000, message: 'Back-off restarting failed container'}),
		event('m2', 'edge-proxy-1', 'Started', {lastMs: startMs - 5_000, message: 'Started container edge'}),
		event('m2', 'api-cache-2', 'Killing', {lastMs: startMs - 1_000, message: 'Stopping container cache'}),
	];
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	await app.press('e', '/', 'c', 'o', 'n', 't', 'a', 'i', 'n', 'e', 'r', keys.enter);
	const rows = app.frame().split('\n').filter(line => /^(m1|m2) /.test(line));
	assert.equal(rows.length, 3);
	assert.match(rows[0]!, /Warning\s+BackOff/, 'the Warning first although it is the oldest');
	assert.match(app.frame(), /\/container \(Warnings first\)/);
	await app.press('d');
	assert.equal(dig.calls.at(-1), 'describe m1 apps/worker-5d8b');
	await app.press(keys.escape);
	assert.match(app.frame(), /events · every cluster/);
	await app.press(keys.escape, keys.escape);
	assert.ok(dig.calls.includes('closeEvents'));
	assert.match(app.frame(), /m1 · kind-m1-cluster/);
	app.unmount();
});

test('n: nodes of both clusters with Ready, roles, kubelet, memory requested vs allocatable, pods; Enter lists a node\'s pods', async () => {
	const {store} = homelab();
	store.replacePods('m1', [
		pod('api-7f9c', {namespace: 'apps', node: 'm1-control-plane'}),
		pod('postgres-0', {namespace: 'data', node: 'm1-worker', memoryRequestBytes: 2 * 2 ** 30}),
		pod('worker-5d8b', {namespace: 'apps', node: 'm1-worker', problem: 'CrashLoopBackOff', restarts: 12, ready: false}),
	]);
	store.replaceNodes('m2', [{...(await import('./harness.js')).node('m2-control-plane', false)}]);
	const dig = fakeDig();
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	let frame = await app.press('n');
	assert.deepEqual(dig.calls, ['openNodes']);
	assert.match(frame, /CLUSTER\s+NAME\s+READY\s+ROLES\s+KUBELET\s+AGE\s+MEMORY REQ \/ ALLOC\s+PODS/);
	assert.match(lineWith(frame, 'm1-control-plane'), /^m1\s+m1-control-plane\s+Ready\s+control-plane\s+v1\.30\.3\s+24h\s+0\.1 \/ 7\.0 GiB 2%\s+1$/);
	assert.match(lineWith(frame, 'm1-worker'), /Ready\s+…\s+…\s+24h\s+2\.1 \/ 7\.0 GiB 30%\s+2$/);
	assert.match(lineWith(frame, 'm2      m2-control-plane'), /^m2\s+m2-control-plane\s+NotReady/);
	assert.doesNotMatch(frame, /^host /m, 'no host lines before budgets report');
	store.setBudgets([hostBudget('m1', {actualBytes: 9.5 * 2 ** 30}), hostBudget('m2', {actualBytes: undefined, actualSource: 'none', limitBytes: 8 * 2 ** 30})], undefined);
	await settle();
	frame = app.frame();
	assert.match(frame, /^host m1 \(m1\): 9\.5 GiB used of 16\.0 GiB · node-exporter-darwin$/m);
	assert.match(frame, /^host m2 \(m2\): use unknown of 8\.0 GiB · none$/m);
	frame = await app.press('j', keys.enter);
	assert.match(frame, /pods on m1-worker · m1 · 2/);
	assert.match(frame, /CrashLoopBackOff\s+apps\/worker-5d8b\s+12/);
	await app.press('d');
	assert.equal(dig.calls.at(-1), 'describe m1 apps/worker-5d8b', 'the node\'s pods, problems first');
	await app.press(keys.escape);
	frame = await app.press(keys.escape);
	assert.match(frame, /nodes · every cluster/);
	app.unmount();
});

test('g: gateways of both clusters with the full statusMessage; d describes the gateway', async () => {
	const {store, now} = homelab();
	const {gateway} = await import('./harness.js');
	const long = 'Failed to successfully ping the remote endpoint IP "10.245.1.1" after 5 attempts: context deadline exceeded';
	store.replaceGateways('m1', [gateway('m1', 'm2', now(), {connections: [{remoteCluster: 'm2', remoteHostname: 'm2-worker', status: 'error', statusMessage: long}]})]);
	const dig = fakeDig();
	const app = renderApp(store, {intents: {quit: () => {}, dig}, columns: 160});
	await settle();
	const frame = await app.press('g');
	assert.match(frame, new RegExp(`m1\\s+m1-gw\\s+active\\s+→m2 error: ${long.replace(/[.()"]/g, '\\$&')}`));
	await app.press('d');
	assert.equal(dig.calls.at(-1), 'describe m1 submariner-operator/m1-gw');
	app.unmount();
});

test('s cycles the sort (status, age, restarts, name, memory) on both clusters; :ns scopes both; the filter keeps working', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	const names = (frame: string, side: 0 | 1) => panel(frame, side).map(line => /([a-z][\w…-]+\/[\w.…-]+)/.exec(line)?.[1]).filter((name): name is string => Boolean(name));
	assert.deepEqual(names(app.frame(), 0)[0], 'apps/worker-5d8b', 'status severity by default');
	let frame = await app.press('s');
	assert.match(frame, /sorted by age/);
	frame = await app.press('s', 's');
	assert.match(frame, /sorted by name/);
	assert.deepEqual(names(frame, 0), ['apps/api-7f9c', 'kube-sy…/coredns-1', 'data/postgres-0', 'apps/worker-5d8b'], 'by pod name, not namespace (the long namespace shortened)');
	assert.deepEqual(names(frame, 1), ['edge/api-cache-2', 'edge/edge-proxy-1', 'ml/ml-batch-3']);
	frame = await app.press(':', 'n', 's', ' ', 'e', 'd', 'g', 'e', keys.enter);
	assert.match(frame, /namespace edge \(:ns alone shows all\) · sorted by name/);
	assert.deepEqual(names(frame, 0), []);
	assert.deepEqual(names(frame, 1), ['edge/api-cache-2', 'edge/edge-proxy-1']);
	frame = await app.press('/', 'p', 'r', 'o', 'x', keys.enter);
	assert.deepEqual(names(frame, 1), ['edge/edge-proxy-1']);
	frame = await app.press(keys.escape, ':', 'n', 's', keys.enter);
	assert.deepEqual(names(frame, 1).length, 3);
	app.unmount();
});
