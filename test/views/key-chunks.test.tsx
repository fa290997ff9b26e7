// Keys that arrive together in one read (tmux send-keys j j j, a burst over SSH, a paste) are each
// handled, in order, exactly as if they had come one by one.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, keys, pod, renderApp, settle} from './harness.js';

function manyPods() {
	const lab = homelab();
	lab.store.replacePods('m1', Array.from({length: 40}, (_, index) => pod(`web-${String(index).padStart(2, '0')}`, {namespace: 'apps'})));
	return lab;
}

test('"jjj…" in one read moves the selection once per j, as separate presses do', async () => {
	const one = renderApp(manyPods().store);
	await settle();
	const separate = await one.press(...Array.from({length: 25}, () => 'j'));
	one.unmount();
	const other = renderApp(manyPods().store);
	await settle();
	const together = await other.press('j'.repeat(25));
	other.unmount();
	assert.match(separate, /\d+ above, \d+ more/, 'the list scrolled');
	assert.equal(together, separate);
});

test('"/api" in one read opens the filter and types api; Enter in the same read keeps it', async () => {
	const app = renderApp(homelab().store);
	await settle();
	let frame = await app.press('/api');
	assert.match(frame, /\/api\s+name or namespace/);
	assert.doesNotMatch(frame, /postgres-0/);
	frame = await app.press(`${keys.escape}`);
	frame = await app.press('/pp\r');
	assert.match(frame, /filter \/pp \(Esc clears\)/);
	app.unmount();
});

test('five backspaces in one read erase five characters of the filter', async () => {
	const app = renderApp(homelab().store);
	await settle();
	let frame = await app.press('/', 'e', 'd', 'g', 'e', 'x', 'y', 'z');
	assert.match(frame, /\/edgexyz\s/);
	frame = await app.press(keys.backspace.repeat(5));
	assert.match(frame, /\/ed\s/);
	assert.match(frame, /edge\/edge-proxy-1/);
	app.unmount();
});

test('keys after a mode change in the same read follow the new mode: "/q" filters for q, it does not quit', async () => {
	const app = renderApp(homelab().store);
	await settle();
	const frame = await app.press('/q');
	assert.equal(app.quits(), 0);
	assert.match(frame, /\/q\s+name or namespace/);
	app.unmount();
});
