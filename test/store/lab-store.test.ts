import {test} from 'node:test';
import assert from 'node:assert/strict';
import {LabStore} from '../../source/store/lab-store.js';
import {trimNode, trimPod} from '../../source/kube/trim.js';
import {trimGateway} from '../../source/submariner/gateway.js';
import {checkJson, checkText, exitCodes} from '../../source/check-report.js';
import {nodeObject, podObject} from './fixtures.js';

function homelab(nowMs: number) {
	let now = nowMs;
	const store = new LabStore(
		[
			{name: 'm1', context: 'kind-m1-cluster', host: 'm1'},
			{name: 'm2', context: 'kind-m2-cluster', host: 'm2'},
		],
		{clock: () => now, feedLimit: 5},
	);
	for (const cluster of ['m1', 'm2']) {
		store.replaceNodes(cluster, [trimNode(nodeObject(`${cluster}-a`)), trimNode(nodeObject(`${cluster}-b`))]);
		store.replacePods(cluster, [trimPod(podObject('api')), trimPod(podObject('db', {namespace: 'data'}))]);
		store.replaceGateways(cluster, [
			trimGateway({
				metadata: {name: `${cluster}-gw`, namespace: 'submariner-operator', annotations: {'update-timestamp': String(Math.floor(now / 1000))}},
				status: {haStatus: 'active', statusFailure: '', localEndpoint: {cluster_id: cluster}, connections: [{status: 'connected', statusMessage: '', endpoint: {cluster_id: cluster === 'm1' ? 'm2' : 'm1'}, latencyRTT: {average: '688.52µs'}}]},
			}),
		]);
		store.setConnection(cluster, 'live');
	}
	return {store, advance: (ms: number) => (now += ms), now: () => now};
}

test('a healthy homelab is OK everywhere, and check says so', () => {
	const {store} = homelab(Date.parse('2026-11-24T20:00:00Z'));
	const snapshot = store.snapshot();
	assert.equal(snapshot.verdict.level, 'ok');
	assert.deepEqual(snapshot.clusters.map(cluster => cluster.nodeCounts), [{ready: 2, total: 2}, {ready: 2, total: 2}]);
	assert.deepEqual(snapshot.clusters[0]!.podCounts, {running: 2, failing: 0, pending: 0, failed: 0, succeeded: 0, total: 2});
	assert.equal(exitCodes[snapshot.verdict.level], 0);
	const text = checkText(snapshot);
	assert.match(text, /^LABWATCH OK - 2\/2 clusters live\n/);
	assert.match(text, /^m1 OK live, nodes 2\/2 Ready, pods 2 running 0 failing 0 pending 0 failed 0 succeeded of 2$/m);
	assert.match(text, /^gateway m1 OK →m2 connected 0\.69ms$/m);
	const json = checkJson(snapshot) as any;
	assert.equal(json.status, 'OK');
	assert.equal(json.clusters[1].reachable, true);
	assert.deepEqual(json.clusters[1].pods, {running: 2, failing: 0, pending: 0, failed: 0, succeeded: 0, total: 2});
});

test('an unreachable cluster is CRITICAL with its time and reason; its data stays, marked stale', () => {
	const {store, advance} = homelab(Date.parse('2026-11-24T20:00:00Z'));
	advance(3000);
	store.setConnection('m2', 'unreachable', 'timeout');
	advance(2000);
	store.setConnection('m2', 'unreachable', 'connection refused');
	const snapshot = store.snapshot();
	const m2 = snapshot.clusters[1]!;
	assert.equal(m2.stale, true);
	assert.equal(m2.pods.length, 2, 'last known pods kept');
	assert.equal(m2.connection.sinceMs, Date.parse('2026-11-24T20:00:03Z'), 'a new reason keeps the start of the outage');
	assert.equal(m2.connection.lastLiveMs, Date.parse('2026-11-24T20:00:03Z'));
	assert.equal(snapshot.verdict.level, 'crit');
	assert.match(snapshot.verdict.reasons[0]!, /^m2 unreachable since \d\d:\d\d:03: connection refused$/);
	assert.equal(exitCodes.crit, 2);
	assert.equal((checkJson(snapshot) as any).clusters[1].reachable, false);
	assert.ok(snapshot.events.some(event => event.text === 'm2: lost (unreachable: timeout)'));
	store.setConnection('m2', 'live');
	assert.equal(store.snapshot().verdict.level, 'ok');
	assert.equal(store.snapshot().events.at(-1)!.text, 'm2: back (live)');
});

test('a crash-looping pod and a NotReady node make a WARNING naming them', () => {
	const {store} = homelab(Date.parse('2026-11-24T20:00:00Z'));
	store.upsertPod('m1', trimPod(podObject('kafka-0', {namespace: 'data', waiting: 'CrashLoopBackOff', ready: false, restarts: 9})));
	store.upsertNode('m2', trimNode(nodeObject('m2-b', false)));
	const snapshot = store.snapshot();
	assert.equal(snapshot.verdict.level, 'warn');
	assert.equal(snapshot.clusters[0]!.pods[0]!.name, 'kafka-0', 'attention first');
	assert.deepEqual(snapshot.verdict.reasons, ['m1 1 pod failing: data/kafka-0 CrashLoopBackOff', 'm2 1/2 nodes NotReady (m2-b)']);
	assert.ok(snapshot.events.some(event => event.text === 'm1: pod data/kafka-0 CrashLoopBackOff'));
	assert.ok(snapshot.events.some(event => event.text === 'm2: node m2-b NotReady'));
});

test('a gateway connection in error is CRITICAL; a stale gateway of a live cluster too', () => {
	const {store, advance, now} = homelab(Date.parse('2026-11-24T20:00:00Z'));
	store.upsertGateway('m1', trimGateway({
		metadata: {name: 'm1-gw', namespace: 'submariner-operator', annotations: {'update-timestamp': String(Math.floor(now() / 1000))}},
		status: {haStatus: 'active', localEndpoint: {cluster_id: 'm1'}, connections: [{status: 'error', statusMessage: 'Failed to successfully ping the remote endpoint IP "10.244.1.1"', endpoint: {cluster_id: 'm2'}}]},
	}));
	let snapshot = store.snapshot();
	assert.equal(snapshot.verdict.level, 'crit');
	assert.equal(snapshot.verdict.reasons[0], 'm1→m2 connection error: Failed to successfully ping the remote endpoint IP "10.244.1.1"');
	assert.equal(snapshot.events.at(-1)!.text, 'm1: gateway connection to m2 error');
	advance(20_000);
	snapshot = store.snapshot();
	assert.ok(snapshot.verdict.reasons.includes('m2 gateway m2-gw not updated for 20s'));
});

test('the feed is a bounded ring', () => {
	const {store} = homelab(Date.parse('2026-11-24T20:00:00Z'));
	for (let index = 0; index < 20; index++) store.addEvent({atMs: index, level: 'ok', text: `e${index}`});
	const events = store.snapshot().events;
	assert.equal(events.length, 5);
	assert.equal(events.at(-1)!.text, 'e19');
});

test('snapshots are cached per change and listeners hear a burst once', async () => {
	const {store} = homelab(Date.parse('2026-11-24T20:00:00Z'));
	const first = store.snapshot();
	assert.equal(store.snapshot(), first, 'no change: same object');
	let calls = 0;
	store.subscribe(() => calls++);
	for (let index = 0; index < 100; index++) store.upsertPod('m1', trimPod(podObject(`p${index}`)));
	await new Promise(resolve => setImmediate(resolve));
	assert.equal(calls, 1);
	assert.notEqual(store.snapshot(), first);
	assert.equal(store.snapshot().clusters[0]!.podCounts.total, 102);
});
