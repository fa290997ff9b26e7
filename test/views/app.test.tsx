import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, hostBudget, keys, lineWith, panel, renderApp, settle, gateway, pod} from './harness.js';
import {clockTime} from '../../source/store/clock-time.js';
import type {Intents} from '../../views/intents.js';

test('both clusters side by side at 100 columns, live, with nodes, pods and the Submariner line', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	const frame = app.frame();
	const titles = lineWith(frame, 'm1 · kind-m1-cluster');
	assert.match(titles, /m2 · kind-m2-cluster/, 'titles share a row');
	assert.match(frame, /^labwatch · DEMO · 20:14 · WARNING m1 1 pod failing: apps\/worker-5d8b CrashLoopBackOff\n/);
	assert.match(frame, /nodes 2\/2 Ready · pods 3 running, 1 failing\s/);
	assert.match(frame, /nodes 1\/1 Ready · pods 2 running, 1 pending/);
	assert.match(frame, /gw m1-gw active · →m2 connected 0\.69ms/);
	assert.match(frame, /gw m2-gw active · →m1 connected 0\.69ms/);
	assert.equal((frame.match(/\blive\b/g) ?? []).length >= 2, true);
	app.unmount();
});

test('pods that need attention come first, with problem, namespace/name, age and restarts', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	const lines = panel(app.frame(), 0);
	const crash = lines.findIndex(line => line.includes('apps/worker-5d8b'));
	const healthy = lines.findIndex(line => line.includes('apps/api-7f9c'));
	assert.ok(crash >= 0 && crash < healthy, 'the crashing pod is listed above the healthy ones');
	assert.match(lines[crash]!, /CrashLoopBackOff apps\/worker-5d8b\s+60m 12↻/);
	assert.match(lineWith(app.frame(), 'ml/ml-batch-3'), /Pending/);
	app.unmount();
});

test('an unreachable cluster keeps its last data, marked STALE with its age and the time it was lost', async () => {
	const {store, advance, now} = homelab();
	const app = renderApp(store);
	await settle();
	advance(2000);
	const lostMs = now();
	store.setConnection('m2', 'unreachable', 'timeout');
	advance(12_000);
	store.addEvent({atMs: now(), level: 'ok', text: 'tick'}); // any change republishes at the new time
	await settle();
	const frame = app.frame();
	assert.match(lineWith(frame, 'm2 · kind-m2-cluster'), /STALE 12s/);
	assert.match(frame, new RegExp(`unreachable since ${clockTime(lostMs)}: timeout`));
	assert.match(frame, /edge\/edge-proxy-1/, 'last known pods stay visible');
	assert.doesNotMatch(panel(frame, 0).join('\n'), /STALE|unreachable/, 'm1 stays fresh');
	assert.match(panel(frame, 0).join('\n'), /\blive\b/);
	assert.match(frame, /CRITICAL m2 unreachable since/);
	store.setConnection('m2', 'live');
	await settle();
	assert.doesNotMatch(app.frame(), /STALE/);
	app.unmount();
});

test('reconnecting shows its age and reason', async () => {
	const {store, advance} = homelab();
	const app = renderApp(store);
	store.setConnection('m1', 'reconnecting', 'HTTP 500');
	advance(4000);
	store.addEvent({atMs: 0, level: 'ok', text: 'x'});
	await settle();
	assert.match(app.frame(), /reconnecting 4s: HTTP 500/);
	app.unmount();
});

test('a gateway that stopped updating is marked stale; its failure is shown', async () => {
	const {store, advance, now} = homelab();
	advance(20_000);
	store.replaceGateways('m1', [gateway('m1', 'm2', now() - 20_000, {statusFailure: 'cable driver down'})]);
	store.replaceGateways('m2', [gateway('m2', 'm1', now())]);
	const app = renderApp(store);
	await settle();
	assert.match(app.frame(), /gw m1-gw active stale 20s · cable driver down/);
	assert.doesNotMatch(panel(app.frame(), 1).join('\n'), /stale/);
	app.unmount();
});

test('/ filters pods by name or namespace in both clusters at once; Enter keeps, Esc clears', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	let frame = await app.press('/', 'a', 'p', 'i');
	assert.match(frame, /\/api\s+name or namespace/);
	assert.match(frame, /apps\/api-7f9c/);
	assert.match(frame, /edge\/api-cache-2/, 'matches in the second cluster too');
	assert.doesNotMatch(frame, /postgres-0|edge-proxy-1/);
	frame = await app.press(keys.backspace, keys.backspace, 'p', 'p');
	assert.match(frame, /\/app\s/);
	assert.match(frame, /apps\/worker-5d8b/);
	frame = await app.press(keys.enter);
	assert.match(frame, /filter \/app \(Esc clears\)/);
	assert.doesNotMatch(frame, /postgres-0/);
	frame = await app.press('q'); // a normal key again: q quits
	assert.equal(app.quits(), 1);
	frame = await app.press(keys.escape);
	assert.match(frame, /data\/postgres-0/);
	assert.doesNotMatch(frame, /filter \//);
	frame = await app.press('/', 'z', 'z', 'z');
	assert.match(frame, /no pod matches \/zzz/);
	frame = await app.press(keys.escape);
	assert.match(frame, /data\/postgres-0/);
	app.unmount();
});

test('1 and 2 zoom one cluster full width by position, 0 goes back', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	let frame = await app.press('2');
	assert.doesNotMatch(frame, /m1 · kind-m1-cluster/);
	assert.match(frame, /m2 · kind-m2-cluster/);
	assert.equal(frame.split('\n')[1]!.length, 100, 'the zoomed panel takes the full width');
	frame = await app.press('1');
	assert.match(frame, /m1 · kind-m1-cluster/);
	assert.doesNotMatch(frame, /m2 · kind-m2-cluster/);
	frame = await app.press('0');
	assert.match(lineWith(frame, 'm1 · kind-m1-cluster'), /m2 · kind-m2-cluster/);
	frame = await app.press('3'); // no third cluster: nothing happens
	assert.match(lineWith(frame, 'm1 · kind-m1-cluster'), /m2 · kind-m2-cluster/);
	app.unmount();
});

test('Tab moves focus between panels; j/k move within the focused list', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	assert.match(app.frame(), /▶ m1 · kind-m1-cluster/);
	let frame = await app.press(keys.tab);
	assert.match(frame, /▶ m2 · kind-m2-cluster/);
	assert.doesNotMatch(frame, /▶ m1/);
	frame = await app.press(keys.tab);
	assert.match(frame, /▶ m1 · kind-m1-cluster/);
	// Selection moves (no visible change in plain text beyond staying inside the list).
	await app.press('j', 'j', keys.down, 'k', keys.up);
	assert.match(app.frame(), /▶ m1/);
	app.unmount();
});

test('? shows every key; Esc closes it; keys meaningless there do nothing', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	let frame = await app.press('?');
	for (const key of ['Ctrl+C', 'Tab', 'j/k', '/', 'Esc', '1  2', '0', 'b', 'p', 'r']) assert.ok(frame.includes(key), `help lists ${key}`);
	assert.doesNotMatch(frame, /kind-m1-cluster/);
	frame = await app.press('2', 'j');
	assert.match(frame, /labwatch help/);
	frame = await app.press(keys.escape);
	assert.match(frame, /m1 · kind-m1-cluster/);
	assert.match(lineWith(frame, 'm1 · kind-m1-cluster'), /m2 · kind-m2-cluster/, 'the 2 pressed in help did not zoom');
	app.unmount();
});

test('unknown keys change nothing', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	const before = app.frame();
	const frame = await app.press('x', 'Z', '!', keys.enter, keys.backspace, '\u001B[C');
	assert.equal(frame, before);
	assert.equal(app.quits(), 0);
	app.unmount();
});

test('q and Ctrl+C quit', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	await app.press('q');
	await app.press(keys.ctrlC);
	assert.equal(app.quits(), 2);
	app.unmount();
});

test('below 100 columns the panels stack; the frame always stays one row shorter than the pane', async () => {
	const {store} = homelab();
	for (const [columns, rows] of [[100, 30], [80, 24], [60, 20], [40, 12]] as const) {
		const app = renderApp(store, {columns, rows});
		await settle();
		const lines = app.frame().split('\n');
		assert.ok(lines.length <= rows - 1, `${columns}x${rows}: ${lines.length} lines`);
		assert.ok(lines.every(line => line.length <= columns), `${columns}x${rows}: no line wider than the pane`);
		const stacked = !lineWith(app.frame(), 'm1 · kind-m1-cluster').includes('m2 · kind');
		assert.equal(stacked, columns < 100, `${columns}x${rows}`);
		if (rows >= 20) {
			assert.match(app.frame(), /m2 · kind-m2-cluster/);
			assert.match(app.frame(), /\? help/);
		}
		app.unmount();
	}
});

test('--read-only hides the drill keys, in the footer, in help, and as keys', async () => {
	const {store} = homelab();
	let calls = 0;
	const intents: Intents = {quit() {}, drill: {plan: () => (calls++, {ok: true}), cut: () => (calls++, {ok: true}), heal: () => (calls++, {ok: true})}};
	const app = renderApp(store, {readOnly: true, intents});
	await settle();
	assert.doesNotMatch(app.frame(), /p drill|r roll back/);
	assert.match(app.frame(), /read-only/);
	let frame = await app.press('p');
	assert.doesNotMatch(frame, /Partition drill/);
	frame = await app.press('r');
	frame = await app.press('?');
	assert.doesNotMatch(frame, /partition drill|roll back/i);
	assert.equal(calls, 0);
	app.unmount();
});

test('without a drill runner the drill keys say drills are not configured', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	let frame = await app.press('p');
	assert.match(frame, /drills are not configured/);
	frame = await app.press('j'); // the notice answers one key only
	assert.doesNotMatch(frame, /drills are not configured/);
	frame = await app.press('r');
	assert.match(frame, /drills are not configured/);
	app.unmount();
});

test('p shows the plan with exact commands, +/- change the TTL, y cuts; Esc cancels', async () => {
	const {store} = homelab();
	const calls: string[] = [];
	const intents: Intents = {
		quit() {},
		drill: {
			defaultTtlMs: 60_000,
			plan(ttlMs) {
				calls.push(`plan ${ttlMs}`);
				store.setDrill(undefined, {phase: 'planned', timeline: [], plan: [{point: 'm1 (local)', commands: [['iptables', '-w', '-I', 'INPUT', '-m', 'comment', '--comment', 'labwatch drill', '-j', 'DROP']]}]});
				return {ok: true};
			},
			async cut(ttlMs) {
				calls.push(`cut ${ttlMs}`);
				return {ok: false, error: 'sudo: a password is required'};
			},
			heal: () => (calls.push('heal'), {ok: true}),
		},
	};
	const app = renderApp(store, {intents});
	await settle();
	let frame = await app.press('p');
	assert.match(frame, /Partition drill/);
	assert.match(frame, /TTL 60s/);
	assert.match(frame, /at m1 \(local\):/);
	assert.match(frame, /\$ iptables -w -I INPUT -m comment --comment 'labwatch drill' -j DROP/);
	frame = await app.press('+');
	assert.match(frame, /TTL 90s/);
	frame = await app.press('-', '-');
	assert.match(frame, /TTL 50s/);
	frame = await app.press(keys.escape);
	assert.doesNotMatch(frame, /Partition drill/);
	assert.deepEqual(calls, ['plan 60000', 'plan 90000', 'plan 60000', 'plan 50000']);
	frame = await app.press('p', 'y');
	assert.deepEqual(calls.slice(-2), ['plan 50000', 'cut 50000']);
	await settle();
	assert.match(app.frame(), /cut failed: sudo: a password is required/);
	app.unmount();
});

test('a live cut shows a banner with the countdown and marks; r then y rolls back', async () => {
	const {store, now} = homelab();
	const calls: string[] = [];
	const intents: Intents = {quit() {}, drill: {plan: () => ({ok: true}), cut: () => ({ok: true}), heal: () => (calls.push('heal'), {ok: true})}};
	store.setDrill(
		{active: true, drillId: 'd1', sinceMs: now() - 18_000, ttlMs: 60_000, points: ['m1 (local)'], leftover: false},
		{phase: 'cut', timeline: [{signal: 'm2 unreachable', atMs: now() - 16_000, afterMs: 2100}]},
	);
	const app = renderApp(store, {intents});
	await settle();
	const banner = lineWith(app.frame(), 'CUT LIVE');
	assert.match(banner, /at m1 \(local\) since \d\d:\d\d:\d\d · heals in 42s · r roll back · m2 unreachable \+2\.1s/);
	let frame = await app.press('p');
	assert.match(frame, /a cut is live: r rolls it back/);
	frame = await app.press('r');
	assert.match(frame, /Roll back the cut at m1 \(local\) now\?/);
	frame = await app.press('n');
	assert.doesNotMatch(frame, /Roll back the cut/);
	await app.press('r', 'y');
	assert.deepEqual(calls, ['heal']);
	app.unmount();
});

test('budgets: a placeholder until they report, then a bar per host; b opens the breakdown', async () => {
	const {store} = homelab();
	const app = renderApp(store);
	await settle();
	assert.match(app.frame(), /memory budgets: waiting for the first answer/);
	assert.equal(await app.press('b'), app.frame(), 'b does nothing without budgets');
	store.setBudgets([hostBudget('m1'), hostBudget('m2', {actualBytes: 7.5 * 2 ** 30, verdict: {level: 'warn', reasons: ['m2 over plan']}})], undefined);
	await settle();
	const line = lineWith(app.frame(), '8.0/16.0 GiB');
	assert.match(line, /^m1 [█▓·░│]+ 8\.0\/16\.0 GiB · req 9\.0 · free 6\.0\s+[▁▂▃▄▅▆▇█]+ OK$/);
	assert.match(lineWith(app.frame(), '7.5/16.0 GiB'), /WARNING$/);
	let frame = await app.press('b');
	assert.match(frame, /memory budget m1 \(1\/2, Tab next host\)/);
	assert.match(frame, /postgres\s+4\.0\s+3\.0\s+3\.0\s+4\.0\s+1/);
	frame = await app.press(keys.tab);
	assert.match(frame, /memory budget m2/);
	frame = await app.press(keys.escape);
	assert.match(frame, /m1 · kind-m1-cluster/);
	app.unmount();
});

test('--ascii draws no box-drawing or block characters anywhere', async () => {
	const {store, now} = homelab();
	store.setBudgets([hostBudget('m1'), hostBudget('m2')], undefined);
	store.setDrill({active: true, sinceMs: now(), ttlMs: 60_000, points: ['m1 (local)'], leftover: false}, {phase: 'cut', timeline: []});
	const app = renderApp(store, {ascii: true});
	await settle();
	const screens = [app.frame(), await app.press('?'), await app.press(keys.escape, 'b')];
	for (const screen of screens) {
		assert.doesNotMatch(screen, /[\u2500-\u259f]/, screen);
		assert.match(screen, /[+|-]/);
	}
	assert.match(screens[0]!, /> m1 \| kind-m1-cluster/);
	app.unmount();
});

test('a burst of store changes is one frame; nothing renders while nothing changes', async () => {
	const {store} = homelab();
	const app = renderApp(store, {refresh: {minIntervalMs: 100, gatherMs: 20, tickMs: 0}});
	await settle();
	await new Promise(resolve => setTimeout(resolve, 150));
	const before = app.frames.length;
	for (let index = 0; index < 200; index++) {
		store.upsertPod('m1', {uid: `burst-${index}`, namespace: 'load', name: `burst-${index}`, phase: 'Running', ready: true, restarts: 0, createdMs: 0, memoryRequestBytes: 0, memoryLimitBytes: 0, labels: {}});
		if (index % 50 === 0) await tick();
	}
	await new Promise(resolve => setTimeout(resolve, 150));
	assert.equal(app.frames.length - before, 1, 'one frame for the whole burst');
	assert.match(app.frame(), /pods 203 running, 1 failing/);
	const idle = app.frames.length;
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.equal(app.frames.length, idle, 'no render while idle');
	app.unmount();
});

async function tick() {
	await new Promise(resolve => setImmediate(resolve));
}

test('a gateway heartbeat or budget drift waits for a calm frame; a pod change does not', async () => {
	const {store} = homelab();
	const app = renderApp(store, {refresh: {minIntervalMs: 50, gatherMs: 10, tickMs: 0, ambientMs: 400}});
	await settle();
	await new Promise(resolve => setTimeout(resolve, 100));
	const gateway = store.snapshot().clusters[0]!.gateways[0]!;
	const before = app.frames.length;
	// Submariner's 5 s rewrite: a new timestamp and RTT, nothing else.
	store.upsertGateway('m1', {...gateway, updatedMs: (gateway.updatedMs ?? 0) + 5000, connections: gateway.connections.map(connection => ({...connection, rttAverageMs: 0.91}))});
	await new Promise(resolve => setTimeout(resolve, 150));
	assert.equal(app.frames.length, before, 'no frame yet for a heartbeat');
	store.upsertPod('m1', pod('fresh', {namespace: 'apps', phase: 'Pending', problem: 'Pending'}));
	await new Promise(resolve => setTimeout(resolve, 100));
	assert.equal(app.frames.length, before + 1, 'a pod change is drawn at once, with the heartbeat');
	assert.match(app.frame(), /0\.91ms/);
	store.upsertGateway('m1', {...gateway, connections: gateway.connections.map(connection => ({...connection, rttAverageMs: 1.23}))});
	await new Promise(resolve => setTimeout(resolve, 150));
	assert.doesNotMatch(app.frame(), /1\.23ms/);
	await new Promise(resolve => setTimeout(resolve, 400));
	assert.match(app.frame(), /1\.23ms/, 'drawn within ambientMs');
	app.unmount();
});
