// `P`: the probes over the panels: each probe's latest run and window, a sparkline of its recent results
// (failed runs marked), and a failover probe's shares. Drawn from snapshot.probes, at 80×24 and 100×30.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, renderApp, settle, keys} from './harness.js';
import {probeTargetSchema} from '../../source/config/schema.js';
import {ProbeWindow} from '../../source/probes/window.js';
import {probeSparkSegments} from '../../views/ProbesOverlay.js';

const steps = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

test('sparkline cells: latency as steps over the window, a failed run as ×, newest on the right, bounded by width', () => {
	const recent = [1, 2, 3, 4, 0, 8, 8].map((latencyMs, index) => (latencyMs === 0 ? {atMs: index, ok: false} : {atMs: index, ok: true, latencyMs}));
	assert.deepEqual(probeSparkSegments(recent, 20, steps, '×'), [
		{text: '▁▂▃▄', failed: false},
		{text: '×', failed: true},
		{text: '██', failed: false},
	]);
	// Only the newest `width` results.
	// Two equal latencies: the middle step (a flat line is not drawn as a cliff, as in the budget sparkline).
	assert.deepEqual(probeSparkSegments(recent, 3, steps, 'x').map(segment => segment.text).join(''), 'x▅▅');
	assert.deepEqual(probeSparkSegments([], 10, steps, 'x'), []);
	assert.deepEqual(probeSparkSegments([{atMs: 0, ok: false}, {atMs: 1, ok: false}], 10, steps, 'x'), [{text: 'xx', failed: true}]);
});

function statuses() {
	const api = new ProbeWindow(probeTargetSchema.parse({name: 'api', http: 'http://10.0.0.1/', marker: {header: 'X-Served-By', values: {m2: 'gw-m2', m1: 'gw-m1'}, window: 10}}));
	const pg = new ProbeWindow(probeTargetSchema.parse({name: 'postgresql', tcp: '10.0.0.1:5432', from: {via: 'exec', cluster: 'm2', namespace: 'data', pod: 'toolbox'}}));
	for (let index = 0; index < 40; index++) {
		api.add({atMs: index * 1000, ok: true, latencyMs: 1 + (index % 4), gateway: index % 5 === 4 ? 'm1' : 'm2'});
		pg.add(index === 38 ? {atMs: index * 1000, ok: false, error: 'pod data/toolbox not found'} : {atMs: index * 1000, ok: true, latencyMs: 120, latencyFrom: 'around-exec'});
	}
	pg.add({atMs: 40_000, ok: true, latencyMs: 130, latencyFrom: 'around-exec'});
	return [api.status(), pg.status()];
}

for (const [columns, rows] of [[80, 24], [100, 30]] as const) {
	test(`P at ${columns}×${rows}: every probe with its sparkline and the failover line; Esc and P close it`, async () => {
		const {store} = homelab();
		store.setProbes(statuses());
		const app = renderApp(store, {columns, rows});
		await settle();
		const frame = await app.press('P');
		const lines = frame.split('\n');
		assert.ok(lines.length <= rows - 1, `the frame is shorter than the pane: ${lines.length}`);
		assert.ok(lines.every(line => line.length <= columns), 'no line wider than the pane');
		assert.match(frame, /probes: 2 answering, 0 failing/);
		assert.match(frame, /api +OK 4 ms · p95 4 ms, 100% of 40/);
		assert.match(frame, /api: m2 80% · m1 20%/);
		// Cut at the pane's edge on 80 columns, whole on 100.
		assert.match(frame, columns >= 100 ? /postgresql OK 130 ms incl\. kubectl exec · p95 120 ms, 98% of 41 · from exec m2 data\/toolbox/ : /postgresql OK 130 ms incl\. kubectl exec · p95 120 ms, 98% of 41 · from exec…/);
		assert.match(frame, /last error \d\d:\d\d:\d\d: pod data\/toolbox not found/);
		// The postgresql sparkline: its one failed run, two from the right.
		assert.match(frame, /▁{30,}×▁█ max 130 ms/);
		assert.match(frame, /[▁▂▃▄▅▆▇█]{20,} max 4 ms/);
		assert.match(frame, /Esc close {2}j\/k scroll {2}q quit/);
		const closed = await app.press(keys.escape);
		assert.doesNotMatch(closed, /probes: 2 answering/);
		await app.press('P');
		assert.doesNotMatch(await app.press('P'), /probes: 2 answering/, 'P closes it too');
		app.unmount();
	});
}

test('P without probes says how to configure them; the help lists the key', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	assert.match(await app.press('P'), /no probes configured \(probes: in the config file\)/);
	await app.press(keys.escape);
	assert.match(await app.press('?'), /P +probes: latency and failures as sparklines/);
	app.unmount();
});
