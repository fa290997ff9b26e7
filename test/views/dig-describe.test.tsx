import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, keys, renderApp, settle} from './harness.js';
import {fakeDig} from './dig-harness.js';

const lines = (count: number) => Array.from({length: count}, (_, index) => ({text: `line ${index + 1}`}));

test('d on the selected pod asks for its describe and shows it; j scrolls; Esc goes back to the lists', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	dig.docs.set('worker-5d8b', [{text: 'Name:          worker-5d8b'}, {text: '    Last State: Terminated'}, {text: '      Reason:  OOMKilled'}, ...lines(60)]);
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	// The crashing pod is listed first in m1: it is the selected one.
	let frame = await app.press('d');
	assert.deepEqual(dig.calls, ['describe m1 apps/worker-5d8b']);
	await settle();
	frame = app.frame();
	assert.match(frame, /describe pod apps\/worker-5d8b · m1/);
	assert.match(frame, /Reason: {2}OOMKilled/);
	assert.match(frame, /1-\d+\/63/);
	frame = await app.press('j', 'j', 'j');
	assert.match(frame, / 4-\d+\/63/);
	assert.doesNotMatch(frame, /Name: {10}worker-5d8b/);
	frame = await app.press('G');
	assert.match(frame, /line 60/);
	frame = await app.press(keys.escape);
	assert.deepEqual(dig.calls.at(-1), 'closeDoc');
	assert.match(frame, /m1 · kind-m1-cluster/);
	app.unmount();
});

test('Enter describes too; y shows the YAML; Esc returns to the describe, fetched again', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	await app.press(keys.down, keys.enter);
	assert.match(dig.calls[0]!, /^describe m1 /);
	let frame = await app.press('y');
	assert.match(frame, /YAML pod /);
	assert.match(frame, /kind: Pod/);
	frame = await app.press(keys.escape);
	assert.match(frame, /describe pod /);
	assert.deepEqual(dig.calls.map(call => call.split(' ')[0]), ['describe', 'yaml', 'closeDoc', 'describe']);
	app.unmount();
});

test('r in a describe asks to restart the workload, names it and the cluster, and restarts on y', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	await app.press('d');
	let frame = await app.press('r');
	assert.match(frame, /Restart deployment apps\/worker in cluster m1 \(every pod replaced\)\?/);
	frame = await app.press('n');
	assert.doesNotMatch(frame, /Restart deployment/);
	await app.press('r', 'y');
	await settle();
	assert.equal(dig.calls.at(-1), 'restart m1 apps/worker');
	assert.match(app.frame(), /restarted worker/);
	app.unmount();
});

test('--read-only: r and Ctrl+D do nothing in a describe and are not offered', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	const app = renderApp(store, {intents: {quit: () => {}, dig}, readOnly: true});
	await settle();
	let frame = await app.press('d');
	assert.doesNotMatch(frame, /restart|delete/i);
	frame = await app.press('r', '\u0004');
	assert.doesNotMatch(frame, /Restart|Delete pod/);
	assert.ok(!dig.calls.some(call => call.startsWith('restart') || call.startsWith('deletePod')));
	app.unmount();
});

test('describe wraps a long message instead of cutting it: the whole statusMessage is on screen', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	const message = 'Failed to successfully ping the remote endpoint IP "10.245.1.1" after 5 attempts: context deadline exceeded while waiting for the peer gateway m2-worker to answer on the cable';
	dig.docs.set('worker-5d8b', [{text: `    Status Message: ${message}`}, ...lines(80)]);
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	const frame = await app.press('d');
	const joined = frame.split('\n').slice(2, 6).map(line => line.trim()).join(' ');
	assert.ok(joined.includes(message), joined);
	assert.ok(frame.split('\n').every(line => line.length <= 100));
	// The wrapped lines count in the scroll: G reaches the last line.
	assert.match(await app.press('G'), /line 80/);
	app.unmount();
});
