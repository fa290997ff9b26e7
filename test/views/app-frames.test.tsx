// A frame is drawn when what is on screen changes, not whenever the store does: under churn most pod
// changes are to pods below the fold, and each frame is a full Ink render.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, pod, renderApp, settle} from './harness.js';

function manyPods() {
	const lab = homelab();
	const filler = Array.from({length: 60}, (_, index) => pod(`filler-${String(index).padStart(2, '0')}`, {namespace: 'zz', createdMs: lab.now() - 3_600_000}));
	lab.store.replacePods('m2', filler);
	return {...lab, filler};
}

test('a change to a pod below the fold draws no frame; one in view does', async () => {
	const {store, filler} = manyPods();
	const app = renderApp(store);
	await settle(10);
	const before = app.frames.length;
	assert.match(app.frame(), /zz\/filler-00/);
	assert.doesNotMatch(app.frame(), /zz\/filler-55/, 'filler-55 is below the fold');

	// A field labwatch keeps but the list does not draw, on a pod nobody sees.
	store.upsertPod('m2', {...filler[55]!, memoryRequestBytes: 999 * 2 ** 20});
	await settle(10);
	assert.equal(app.frames.length, before, 'no frame for a pod below the fold');

	store.upsertPod('m2', {...filler[1]!, phase: 'Pending', ready: false, problem: 'Pending'});
	await settle(10);
	assert.ok(app.frames.length > before, 'a frame for a pod in view');
	assert.match(app.frame(), /pods 59 running, 1 pending/);
	app.unmount();
});

test('a pod change that only moves a count still draws', async () => {
	const {store, filler} = manyPods();
	const app = renderApp(store);
	await settle(10);
	const before = app.frames.length;
	store.removePod('m2', filler[58]!.uid);
	await settle(10);
	assert.ok(app.frames.length > before, 'the count and "N more" changed');
	assert.match(app.frame(), /pods 59 running/);
	app.unmount();
});
