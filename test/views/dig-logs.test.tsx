import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, keys, renderApp, settle} from './harness.js';
import {fakeDig} from './dig-harness.js';

const logLines = (count: number) => Array.from({length: count}, (_, index) => `2026-11-24T20:13:${String(index % 60).padStart(2, '0')}Z line ${index + 1}${index % 10 === 0 ? ' ERROR disk full' : ''}`);

test('l opens the selected pod\'s log following its end; k pauses it; f follows again; p asks for the previous run', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	dig.logLines = logLines(300);
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	let frame = await app.press('l');
	assert.deepEqual(dig.calls, ['logs m1 apps/worker-5d8b']);
	assert.match(frame, /logs apps\/worker-5d8b · m1\s+following · 300 lines/);
	assert.match(frame, /line 300/, 'following shows the end');
	frame = await app.press('k', 'k');
	assert.match(frame, /paused/);
	assert.doesNotMatch(frame, /line 300/);
	// New lines arrive while paused: the view stays where it is.
	dig.store.update({logs: {...dig.store.snapshot().logs!, lines: logLines(320)}});
	await settle();
	assert.doesNotMatch(app.frame(), /line 320/);
	frame = await app.press('f');
	assert.match(frame, /following/);
	assert.match(frame, /line 320/);
	frame = await app.press('p');
	assert.deepEqual(dig.calls.slice(-2), ['closeLogs', 'logs-previous m1 apps/worker-5d8b']);
	assert.match(frame, /logs \(previous\) apps\/worker-5d8b/);
	await app.press(keys.escape);
	assert.equal(dig.calls.at(-1), 'closeLogs', 'the stream is closed with the pane');
	assert.match(app.frame(), /m1 · kind-m1-cluster/);
	app.unmount();
});

test('logs: / keeps only the lines with the text, marked; Esc clears the filter first', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	dig.logLines = logLines(100);
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	await app.press('l', '/', 'E', 'R', 'R', 'O', 'R');
	assert.match(app.frame(), /^\/ERROR/m);
	const frame = await app.press(keys.enter);
	const shown = frame.split('\n').filter(line => line.includes(' line '));
	assert.equal(shown.length, 10);
	assert.ok(shown.every(line => line.includes('ERROR disk full')));
	assert.match(frame, /· \/ERROR/);
	await app.press(keys.escape);
	assert.ok(app.frame().split('\n').filter(line => line.includes(' line ')).length > 10);
	assert.match(app.frame(), /logs apps\/worker-5d8b/, 'the first Esc cleared the filter, not the pane');
	app.unmount();
});

test('logs of a cut-off cluster: says so and keeps the lines read before', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	dig.logLines = logLines(50);
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	await app.press('l');
	store.setConnection('m1', 'unreachable', 'timeout');
	await settle();
	const frame = app.frame();
	assert.match(frame, /m1 cut off \(unreachable since \d\d:\d\d:\d\d: timeout\): showing the 50 lines read before/);
	assert.match(frame, /line 50/);
	app.unmount();
});
