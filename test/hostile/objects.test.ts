// Issue 11 item 5: one malformed object must not take a cluster down. Trimming tolerates any JSON shape;
// an object that cannot be read is skipped and counted; numbers shown are bounded.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {trimNode, trimPod} from '../../source/kube/trim.js';
import {trimGateway} from '../../source/submariner/gateway.js';
import {fetchClusterOnce} from '../../source/kube/fetch-once.js';
import {LabStore} from '../../source/store/lab-store.js';
import {formatBytes} from '../../source/config/size.js';
import {startHostileApiserver} from './hostile-apiserver.js';
import {kubeConfigFor, until, watchRig} from './rig.js';

// Every place a null, an array, a string or a number can stand in for an object or a list.
const shapes: unknown[] = [null, [], 'text', 7, true, {}];
function corpus(): unknown[] {
	const objects: unknown[] = [...shapes];
	for (const shape of shapes) {
		objects.push({metadata: shape}, {metadata: {name: 'x'}, spec: shape, status: shape});
		objects.push({metadata: {name: 'x', labels: shape, annotations: shape, uid: shape, namespace: shape, creationTimestamp: shape}});
		objects.push({metadata: {name: 'x'}, spec: {containers: [shape, {resources: shape}, {resources: {requests: shape, limits: {memory: shape}}}], nodeName: shape}});
		objects.push({metadata: {name: 'x'}, status: {containerStatuses: [shape, {state: shape, lastState: {terminated: shape}, restartCount: shape}], phase: shape, reason: shape}});
		objects.push({metadata: {name: 'x'}, status: {conditions: [shape], capacity: shape, allocatable: {memory: shape}, connections: [shape, {endpoint: shape, latencyRTT: shape}], localEndpoint: shape}});
		objects.push({metadata: {name: 'x'}, status: {containerStatuses: shape, conditions: shape, connections: shape}});
	}
	return objects;
}

test('11.5 trimming reads any JSON shape: a usable object or MalformedObject, never a TypeError', () => {
	for (const trim of [trimPod, trimNode, trimGateway] as Array<(object: any) => unknown>) {
		for (const object of corpus()) {
			try {
				trim(object);
			} catch (error) {
				assert.equal((error as Error).name, 'MalformedObject', `${trim.name}(${JSON.stringify(object)}) threw ${(error as Error).message}`);
			}
		}
	}
});

test('11.5 numbers shown are bounded: restarts and memory from absurd values', () => {
	const pod = trimPod({
		metadata: {name: 'absurd'},
		spec: {containers: [{resources: {requests: {memory: '1e100'}, limits: {memory: '99999999999999999999Ei'}}}, {resources: {requests: {memory: '-5Gi'}}}]},
		status: {phase: 'Running', containerStatuses: [{restartCount: 1e308, ready: true}, {restartCount: 1e308, ready: true}, {restartCount: -3}, {restartCount: 2.5}]},
	});
	assert.equal(pod.restarts, 0);
	assert.ok(Number.isFinite(pod.memoryRequestBytes) && pod.memoryRequestBytes === 0, String(pod.memoryRequestBytes));
	assert.equal(pod.memoryLimitBytes, 0);
	const node = trimNode({metadata: {name: 'n'}, status: {capacity: {memory: '1e100'}, allocatable: {memory: '8Gi'}}});
	assert.equal(node.memoryCapacityBytes, 0);
	assert.equal(formatBytes(node.memoryAllocatableBytes), '8 GiB');
	const counted = trimPod({metadata: {name: 'many'}, status: {containerStatuses: [{restartCount: 2 ** 31 - 1}, {restartCount: 2 ** 31 - 1}]}});
	assert.equal(counted.restarts, 2 ** 31 - 1, 'capped at int32');
});

test('11.5 a live watch with nulls in lists and events: the cluster stays live, good objects shown, bad ones counted', async () => {
	const r = await watchRig('null-fields');
	try {
		await until('live', () => r.cluster().connection.phase === 'live', 5000);
		await until('events read', () => (r.cluster().resources?.pods.skippedObjects ?? 0) >= 10, 3000);
		const cluster = r.cluster();
		assert.deepEqual(cluster.pods.map(pod => pod.name).sort(), ['absurd-memory', 'good-0', 'good-1', 'null-everything', 'null-statuses']);
		assert.equal(cluster.pods.find(pod => pod.name === 'null-statuses')!.restarts, 0);
		assert.equal(cluster.pods.find(pod => pod.name === 'absurd-memory')!.memoryRequestBytes, 0);
		assert.deepEqual(cluster.gateways.map(gateway => gateway.name).sort(), ['gw', 'gw-null']);
		assert.equal(cluster.resources?.gateways.skippedObjects, 1);
		const snapshot = r.store.snapshot();
		assert.equal(snapshot.verdict.level, 'warn');
		assert.match(snapshot.verdict.reasons.join('; '), /m1 pods: \d+ malformed objects skipped/);
	} finally {
		await r.stop();
	}
});

test('11.5 check with malformed objects: live, not unreachable', async () => {
	const server = await startHostileApiserver('null-fields');
	try {
		const store = new LabStore([{name: 'm1', context: 'hostile', host: 'm1'}]);
		await fetchClusterOnce(kubeConfigFor(server), {name: 'm1', submarinerNamespace: 'submariner-operator'}, store, 5000, 1500);
		const cluster = store.snapshot().clusters[0]!;
		assert.equal(cluster.connection.phase, 'live', cluster.connection.reason);
		assert.equal(cluster.podCounts.total, 5);
		assert.equal(cluster.resources?.pods.skippedObjects, 5);
	} finally {
		await server.close();
	}
});
