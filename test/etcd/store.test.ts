// etcd in the one store: a change worth seeing (a member down, a new leader, the verdict) makes a new snapshot
// and a feed line; a raft index moving on every poll does not make a new snapshot by itself.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {LabStore} from '../../source/store/lab-store.js';
import {etcdStatusFrom} from '../../source/etcd/verdict.js';
import type {EtcdMemberState} from '../../source/etcd/types.js';

function member(name: string, options: Partial<EtcdMemberState> = {}): EtcdMemberState {
	return {name, url: `http://${name}`, up: true, isLeader: false, hasLeader: true, term: 2, raftIndex: 10, leaderChanges: 1, atMs: 0, ...options};
}

test('the store carries etcd: verdict in the overall one, feed lines on changes, no new snapshot for a moving index', () => {
	let now = 1000;
	const store = new LabStore([{name: 'm1', context: 'kind-m1', host: 'm1'}], {clock: () => now});
	assert.equal(store.snapshot().etcd, undefined, 'no etcd section: nothing');
	store.setEtcd(etcdStatusFrom([member('etcd-0', {isLeader: true}), member('etcd-1'), member('etcd-2')], now));
	const first = store.snapshot();
	assert.equal(first.etcd?.leader, 'etcd-0');
	const version = store.version;
	store.setEtcd(etcdStatusFrom([member('etcd-0', {isLeader: true, raftIndex: 11}), member('etcd-1', {raftIndex: 11}), member('etcd-2', {raftIndex: 11})], now));
	assert.equal(store.version, version, 'a moving raft index alone changes nothing on screen');
	now += 100;
	store.setEtcd(etcdStatusFrom([member('etcd-0', {up: false, stopped: true}), member('etcd-1', {hasLeader: false}), member('etcd-2', {hasLeader: false})], now));
	const lost = store.snapshot();
	assert.notEqual(store.version, version);
	assert.equal(lost.etcd?.leader, undefined);
	assert.equal(lost.verdict.level, 'crit');
	assert.ok(lost.verdict.reasons.includes('etcd has no leader (2/3 members up)'), lost.verdict.reasons.join('; '));
	assert.deepEqual(lost.events.map(event => event.text), ['etcd etcd-0 down (stopped by the drill)', 'etcd leader etcd-0 lost: no leader']);
	store.setEtcdDrill({phase: 'stopped', drillId: 'e1', stopped: ['etcd-0'], timeline: []});
	assert.ok(store.snapshot().verdict.reasons.includes('etcd drill active: etcd-0 stopped'));
});
