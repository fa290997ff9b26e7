import {test} from 'node:test';
import assert from 'node:assert/strict';
import {trimNode, trimPod} from '../../source/kube/trim.js';
import {nodeObject, podObject} from '../store/fixtures.js';

test('a pod keeps only what labwatch shows, with memory in bytes', () => {
	const pod = trimPod(podObject('postgresql-0', {namespace: 'data', request: '2Gi', limit: '2Gi'}));
	assert.deepEqual(pod, {
		uid: 'uid-data-postgresql-0',
		namespace: 'data',
		name: 'postgresql-0',
		node: 'node-a',
		phase: 'Running',
		ready: true,
		restarts: 0,
		problem: undefined,
		createdMs: Date.parse('2026-11-24T10:00:00Z'),
		memoryRequestBytes: 2 * 2 ** 30,
		memoryLimitBytes: 2 * 2 ** 30,
		labels: {app: 'postgresql-0'},
	});
});

test('the problem a person should read first', () => {
	assert.equal(trimPod(podObject('a', {waiting: 'CrashLoopBackOff', ready: false, restarts: 7})).problem, 'CrashLoopBackOff');
	assert.equal(trimPod(podObject('a', {lastTerminated: 'OOMKilled', restarts: 1})).problem, 'OOMKilled');
	assert.equal(trimPod(podObject('a', {waiting: 'ImagePullBackOff', ready: false})).problem, 'ImagePullBackOff');
	assert.equal(trimPod(podObject('a', {waiting: 'ContainerCreating', ready: false})).problem, 'NotReady');
	assert.equal(trimPod(podObject('a', {phase: 'Pending'})).problem, 'Pending');
	assert.equal(trimPod(podObject('a', {phase: 'Failed'})).problem, 'Failed');
	assert.equal(trimPod(podObject('a', {restarts: 5})).problem, 'Restarts');
	assert.equal(trimPod(podObject('a', {restarts: 4})).problem, undefined);
	assert.equal(trimPod(podObject('a', {phase: 'Succeeded'})).problem, undefined);
});

test('nodes: Ready condition and memory', () => {
	assert.deepEqual(trimNode(nodeObject('m1-worker')), {
		name: 'm1-worker',
		ready: true,
		memoryCapacityBytes: 2 * 2 ** 30,
		memoryAllocatableBytes: 1900 * 2 ** 20,
		createdMs: Date.parse('2026-11-01T00:00:00Z'),
	});
	assert.equal(trimNode(nodeObject('x', false)).ready, false);
	assert.equal(trimNode({metadata: {name: 'bare'}}).ready, false);
});
