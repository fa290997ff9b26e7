import {test, mock} from 'node:test';
import assert from 'node:assert/strict';
import {LabStore} from '../../source/store/lab-store.js';
import {FramePacer} from '../../views/hooks/frame-pacer.js';
import {gateway, node, pod} from './harness.js';

// A settled homelab whose Submariner gateways are rewritten every 5 s (new RTT, new update-timestamp), as
// the real gateway syncer does: what a pane left open all day sees.
function heartbeatingLab() {
	const store = new LabStore([{name: 'm1', context: 'c', host: 'm1'}], {clock: () => Date.now()});
	store.replaceNodes('m1', [node('m1-control-plane')]);
	store.replacePods('m1', [pod('api', {createdMs: Date.now() - 86_400_000})]);
	store.replaceGateways('m1', [gateway('m1', 'm2', Date.now())]);
	store.setConnection('m1', 'live');
	return store;
}

test('a settled pane with heartbeating gateways draws at most 3 frames a minute', async () => {
	mock.timers.enable({apis: ['setTimeout', 'setImmediate', 'Date'], now: Date.parse('2026-11-24T20:00:00.500Z')});
	try {
		const store = heartbeatingLab();
		let frames = 0;
		const pacer = new FramePacer(store, () => frames++);
		pacer.start();
		const minutes = 4;
		for (let second = 0; second < minutes * 60; second++) {
			if (second % 5 === 0) store.upsertGateway('m1', gateway('m1', 'm2', Date.now(), {connections: [{remoteCluster: 'm2', remoteHostname: 'm2-node', status: 'connected', statusMessage: '', rttAverageMs: 0.5 + (second % 7) / 10}]}));
			mock.timers.tick(1000);
			await Promise.resolve();
		}
		pacer.stop();
		// The minute tick, plus drift shown within 30 s; a stale-gateway wake that finds the gateway synced
		// since draws nothing.
		assert.ok(frames <= 3 * minutes + 1, `${frames} frames in ${minutes} minutes`);
		assert.ok(frames >= minutes, `the clock still ticks: ${frames} frames`);
	} finally {
		mock.timers.reset();
	}
});

test('a gateway that stops syncing is drawn stale without any event announcing it', async () => {
	mock.timers.enable({apis: ['setTimeout', 'setImmediate', 'Date'], now: Date.parse('2026-11-24T20:00:00.500Z')});
	try {
		const store = heartbeatingLab();
		const published: boolean[] = [];
		const pacer = new FramePacer(store, snapshot => {
			const gw = snapshot.clusters[0]!.gateways[0]!;
			published.push(snapshot.atMs - (gw.updatedMs ?? 0) > 15_000);
		});
		pacer.start();
		for (let second = 0; second < 25; second++) {
			mock.timers.tick(1000);
			await Promise.resolve();
		}
		pacer.stop();
		assert.equal(published.indexOf(true) > 0, true, 'a frame shows the gateway stale');
		assert.equal(published.at(-1), true, 'and it stays stale');
	} finally {
		mock.timers.reset();
	}
});

test('a young pod (a CI job) on screen costs a frame every 10 s, not every second', async () => {
	mock.timers.enable({apis: ['setTimeout', 'setImmediate', 'Date'], now: Date.parse('2026-11-24T20:00:00.500Z')});
	try {
		const store = heartbeatingLab();
		store.upsertPod('m1', pod('ci-runner-1', {namespace: 'ci', createdMs: Date.now()}));
		let frames = 0;
		const pacer = new FramePacer(store, () => frames++);
		pacer.start();
		for (let second = 0; second < 60; second++) {
			if (second % 5 === 0) store.upsertGateway('m1', gateway('m1', 'm2', Date.now()));
			mock.timers.tick(1000);
			await Promise.resolve();
		}
		pacer.stop();
		assert.ok(frames >= 6 && frames <= 9, `${frames} frames in the pod's first minute`);
	} finally {
		mock.timers.reset();
	}
});
