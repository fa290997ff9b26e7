// The budget panel: every host on one scale (a GiB is as wide on every row, whatever the numbers or the
// sparkline beside it), and "waiting" until the first answers, never a guess.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, hostBudget, lineWith, renderApp, settle} from './harness.js';

const GiB = 2 ** 30;
const barCells = (line: string) => (line.slice(0, line.search(/~?\d+\.\d\//)).match(/[█▓·░│]/g) ?? []).length;

function hosts(m2History: number[]) {
	return [
		hostBudget('m1', {limitBytes: 16 * GiB, actualBytes: 11 * GiB, requestBytes: 14.7 * GiB, headroomBytes: 3 * GiB}),
		hostBudget('m2', {limitBytes: 8 * GiB, actualBytes: 4.4 * GiB, requestBytes: 4.1 * GiB, headroomBytes: 1.6 * GiB, history: m2History}),
	];
}

for (const columns of [100, 80]) {
	test(`at ${columns} columns the 8 GiB bar is half the 16 GiB bar, and a sparkline arriving moves nothing`, async () => {
		const {store} = homelab();
		const app = renderApp(store, {columns});
		store.setBudgets(hosts([]), undefined);
		await settle();
		const m1 = lineWith(app.frame(), '11.0/16.0 GiB');
		const m2 = lineWith(app.frame(), '4.4/8.0 GiB');
		assert.ok(barCells(m1) > 10, m1);
		assert.ok(Math.abs(barCells(m2) * 2 - barCells(m1)) <= 1, `m1 ${barCells(m1)} cells, m2 ${barCells(m2)}:\n${m1}\n${m2}`);
		// The numbers start in one column on every row.
		assert.equal(m1.indexOf('/16.0 GiB') - 4, m2.indexOf('/8.0 GiB') - 3);
		store.setBudgets(hosts([3, 4, 5, 4.4].map(value => value * GiB)), undefined);
		await settle();
		const m2WithHistory = lineWith(app.frame(), '4.4/8.0 GiB');
		assert.equal(barCells(m2WithHistory), barCells(m2), 'the bar keeps its width');
		assert.equal(m2WithHistory.indexOf('4.4/8.0'), m2.indexOf('4.4/8.0'));
		assert.equal(m2WithHistory.length <= columns, true);
		app.unmount();
	});
}

test('a host still waiting for its first answers says waiting, with no ? numbers and no verdict guessed', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	store.setBudgets(
		[hostBudget('m1', {waiting: ['Prometheus', 'pods from m1'], actualBytes: undefined, headroomBytes: undefined, requestBytes: 0, verdict: {level: 'unknown', reasons: ['m1 memory: waiting for Prometheus, pods from m1']}})],
		undefined,
	);
	await settle();
	const line = lineWith(app.frame(), 'waiting for');
	assert.match(line, /^m1 waiting for Prometheus, pods from m1\s*$/);
	assert.doesNotMatch(app.frame(), /\?\/16\.0|req 0\.0|not configured/);
	app.unmount();
});

test('a host with no data at all says what is missing, not "?" and "req 0.0"', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	store.setBudgets(
		[
			hostBudget('m1'),
			hostBudget('m2', {limitBytes: 8 * GiB, actualSource: 'none', actualBytes: undefined, headroomBytes: undefined, requestBytes: 0, sourceNote: 'Prometheus down: timeout; m2 unreachable', verdict: {level: 'unknown', reasons: ['no memory data for m2: Prometheus down: timeout; m2 unreachable']}}),
		],
		undefined,
	);
	await settle();
	const line = app.frame().split('\n').find(each => each.startsWith('m2 ')) ?? '';
	assert.match(line, /^m2 no memory data: Prometheus down: timeout; m2 unreachable\s+UNKNOWN$/);
	assert.doesNotMatch(line, /\?|req 0\.0/);
	app.unmount();
});

test('use known from Prometheus but no pod counted (the cluster unreachable): requests read "?", not 0.0', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	store.setBudgets([hostBudget('m1', {requestBytes: 0, lines: [], actualSource: 'working-set'})], undefined);
	await settle();
	const line = app.frame().split('\n').find(each => each.startsWith('m1 ')) ?? '';
	assert.match(line, /8\.0\/16\.0 GiB · req \? · free 6\.0/);
	app.unmount();
});
