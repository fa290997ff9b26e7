// What is cut to fit stays reachable: the full text of every reason (a gateway's failure message) in the
// help, help itself readable at 60×20, the footer keeping the keys that matter, and pod names cut in the
// middle so their distinguishing ends survive.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {keyTable} from '../../views/keys.js';
import {gateway, homelab, keys, pod, renderApp, settle, startMs} from './harness.js';

const message = 'Failed to successfully ping the remote endpoint IP "242.1.255.254": timed out after 3 packets lost';

function failingGateway() {
	const lab = homelab();
	lab.store.replaceGateways('m1', [gateway('m1', 'm2', lab.now(), {connections: [{remoteCluster: 'm2', remoteHostname: 'm2-node', status: 'error', statusMessage: message}]})]);
	return lab;
}

/** Every line the help shows, scrolling down until nothing more comes. */
async function allHelpLines(app: ReturnType<typeof renderApp>): Promise<string[]> {
	const seen: string[] = [];
	let frame = await app.press('?');
	// One j scrolls one line: enough presses for the whole help at 60×20 (it grows with every key).
	for (let page = 0; page < 80; page++) {
		const rows = frame.split('\n').map(line => line.replace(/^[│┃|]\s?/, '').replace(/\s*[│┃|]\s*$/, ''));
		// The overlay's content: between its title and its last line (the scroll hint).
		const inner = rows.slice(rows.findIndex(line => line.startsWith('labwatch help')) + 1, rows.findIndex(line => /closes this help/.test(line)));
		for (const line of inner) if (!seen.includes(line)) seen.push(line);
		if (!/\d+ more · j\/k scroll/.test(frame)) break;
		frame = await app.press('j');
	}
	return seen;
}

test('the gateway failure message, cut on its line, is in full in the help', async () => {
	const app = renderApp(failingGateway().store);
	await settle();
	assert.doesNotMatch(app.frame(), /242\.1\.255\.254": timed out after 3 packets lost/, 'cut on the gateway line');
	const text = (await allHelpLines(app)).join(' ').replace(/\s+-?\s*/g, ' ');
	assert.ok(text.includes(`m1→m2 connection error: ${message}`), text);
	app.unmount();
});

test('help at 60×20: no description cut, every key reachable by scrolling', async () => {
	const app = renderApp(failingGateway().store, {columns: 60, rows: 20});
	await settle();
	const lines = await allHelpLines(app);
	const text = lines.join(' ').replace(/\s+/g, ' ');
	for (const entry of keyTable({ascii: false})) assert.ok(text.includes(entry.what), `missing: ${entry.what} in ${text}`);
	assert.equal(lines.filter(line => line.endsWith('…')).length, 0, lines.join('\n'));
	const frame = await app.press(keys.escape);
	assert.doesNotMatch(frame, /labwatch help/);
	app.unmount();
});

for (const columns of [80, 60]) {
	test(`the footer at ${columns} columns keeps r roll back while a cut is live, and y/Esc in the dialog`, async () => {
		const lab = homelab();
		lab.store.setDrill({active: true, sinceMs: startMs, ttlMs: 60_000, points: ['m1 (local)'], leftover: false}, undefined);
		const heals: string[] = [];
		const app = renderApp(lab.store, {
			columns,
			intents: {
				quit() {},
				drill: {
					defaultTtlMs: 60_000,
					plan: () => ({ok: true}),
					cut: () => ({ok: true}),
					heal: () => {
						heals.push('heal');
						return {ok: true};
					},
				},
			} as any,
		});
		await settle();
		const footer = () => app.frame().split('\n').at(-1)!;
		assert.match(footer(), /r roll back/);
		assert.doesNotMatch(footer(), /p drill/, 'no new cut offered while one is live');
		await app.press('r');
		assert.match(footer(), /y roll back {2}n\/Esc keep the cut/);
		app.unmount();
	});
}

test('pod names shorten in the middle: etcd-m1-worker and etcd-m1-worker2 stay apart, their ends visible', async () => {
	const lab = homelab();
	lab.store.replacePods('m1', [
		pod('etcd-m1-control-plane', {namespace: 'kube-system'}),
		pod('etcd-m1-worker', {namespace: 'kube-system'}),
		pod('etcd-m1-worker2', {namespace: 'kube-system'}),
		pod('kube-controller-manager-m1-control-plane', {namespace: 'kube-system'}),
		pod('api-gateway-5gj8tg9wr4-f8x2k', {namespace: 'apps'}),
	]);
	const app = renderApp(lab.store);
	await settle();
	const left = app.frame().split('\n').map(line => line.slice(0, 50));
	const rows = left.filter(line => /Running/.test(line));
	assert.equal(rows.length, 5);
	for (const end of ['etcd-m1-control-plane', 'etcd-m1-worker ', 'etcd-m1-worker2', 'm1-control-plane', 'f8x2k']) {
		assert.ok(rows.some(row => row.includes(end)), `${end} visible in:\n${rows.join('\n')}`);
	}
	assert.equal(new Set(rows.map(row => row.replace(/\s+\S+\s*┃?$/, ''))).size, 5, 'five different names');
	app.unmount();
});
