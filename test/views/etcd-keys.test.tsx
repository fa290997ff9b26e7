// The etcd drill's keys on screen: E shows the members and the exact commands of the next stop, y stops,
// the banner shows who is stopped, the leader and quorum; r then y starts them; --read-only hides E entirely.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, renderApp, settle, startMs} from './harness.js';
import type {Intents} from '../../views/intents.js';
import {etcdStatusFrom} from '../../source/etcd/verdict.js';
import type {EtcdMemberState} from '../../source/etcd/types.js';

function member(name: string, options: Partial<EtcdMemberState> = {}): EtcdMemberState {
	return {name, url: `http://127.0.0.1:2379/${name}`, up: true, isLeader: false, hasLeader: true, term: 2, raftIndex: 40, leaderChanges: 1, atMs: 0, ...options};
}

test('E shows the members and the plan with exact argv; y stops; the banner shows quorum; r then y starts them', async () => {
	const {store} = homelab();
	const calls: string[] = [];
	store.setEtcd(etcdStatusFrom([member('etcd-0', {isLeader: true}), member('etcd-1'), member('etcd-2')], 0));
	const intents: Intents = {
		quit() {},
		etcd: {
			plan() {
				calls.push('plan');
				store.setEtcdDrill({phase: 'planned', stopped: [], timeline: [], plan: {member: 'etcd-0', role: 'leader', effect: '2/3 up after the stop: quorum kept', start: ['docker', 'exec', 'm1-control-plane', 'mv', '/etc/kubernetes/etcd.yaml.labwatch', '/etc/kubernetes/manifests/etcd.yaml'], commands: [['sh', '-c', 'sleep "$1"', 'sh', '60'], ['docker', 'exec', 'm1-control-plane', 'mv', '/etc/kubernetes/manifests/etcd.yaml', '/etc/kubernetes/etcd.yaml.labwatch']]}});
				return {ok: true};
			},
			stop() {
				calls.push('stop');
				store.setEtcd(etcdStatusFrom([member('etcd-0', {up: false, stopped: true, error: 'connection refused'}), member('etcd-1', {isLeader: true, term: 3}), member('etcd-2', {term: 3})], 0));
				store.setEtcdDrill({phase: 'stopped', drillId: 'e1', sinceMs: startMs, ttlMs: 60_000, stopped: ['etcd-0'], timeline: [{signal: 'stopped etcd-0 (leader)', atMs: 0, afterMs: 0}, {signal: 'new leader etcd-1 (term 3)', atMs: 1300, afterMs: 1300}]});
				return {ok: true};
			},
			heal() {
				calls.push('heal');
				return {ok: true};
			},
		},
	};
	const app = renderApp(store, {intents, columns: 220});
	await settle();
	let frame = await app.press('E');
	assert.match(frame, /etcd drill: stop the current leader at its point/);
	assert.match(frame, /leader etcd-0 · quorum 3\/3 \(2 of 3 needed\)/);
	assert.match(frame, /etcd-0 +leader, term 2, index 40, 1 leader change/);
	assert.match(frame, /stop etcd-0 \(leader\) → 2\/3 up after the stop: quorum kept/);
	assert.match(frame, /start \(r, or the timer above after the TTL\):[\s│]+\$ docker exec m1-control-plane mv \/etc\/kubernetes\/etcd\.yaml\.labwatch \/etc\/kubernetes\/manifests\/etcd\.yaml/);
	assert.match(frame, /\$ docker exec m1-control-plane mv \/etc\/kubernetes\/manifests\/etcd\.yaml \/etc\/kubernetes\/etcd\.yaml\.labwatch/);
	assert.match(frame, /y stop etcd-0 now/);
	frame = await app.press('y');
	assert.deepEqual(calls, ['plan', 'stop']);
	assert.match(frame, /ETCD DRILL +stopped etcd-0 · leader etcd-1 · quorum 2\/3 · starts in 60s · new leader etcd-1 \+1\.3s · r start · E stop another/);
	assert.ok(store.snapshot().verdict.reasons.includes('etcd 1/3 member down: etcd-0 (stopped by the drill)'), store.snapshot().verdict.reasons.join('; '));
	assert.match(frame, /etcd leader now etcd-1 \(was etcd-0\)/);
	frame = await app.press('r');
	assert.match(frame, /Start etcd-0 \(stopped by the etcd drill\) now\?/);
	await app.press('y');
	assert.deepEqual(calls, ['plan', 'stop', 'heal']);
	app.unmount();
});

test('without an etcd section E says so; --read-only hides E in help and as a key', async () => {
	const {store} = homelab();
	let app = renderApp(store);
	await settle();
	assert.match(await app.press('E'), /etcd is not configured: add an etcd: section with members/);
	app.unmount();
	let calls = 0;
	const intents: Intents = {quit() {}, etcd: {plan: () => (calls++, {ok: true}), stop: () => (calls++, {ok: true}), heal: () => (calls++, {ok: true})}};
	app = renderApp(store, {readOnly: true, intents});
	await settle();
	let frame = await app.press('E');
	assert.doesNotMatch(frame, /etcd drill/);
	frame = await app.press('?');
	assert.doesNotMatch(frame, /etcd drill/i);
	assert.equal(calls, 0);
	app.unmount();
	// Not read-only: help lists E.
	app = renderApp(store, {intents, rows: 60});
	await settle();
	assert.match(await app.press('?'), /E +etcd drill: stop the leader \(y confirms, r starts\)/);
	app.unmount();
});
