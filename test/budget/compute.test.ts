import {test} from 'node:test';
import assert from 'node:assert/strict';
import {computeBudgets} from '../../source/budget/compute.js';
import {GiB, MiB, cluster, darwinHost, linuxHost, pod, promData, sample, testConfig} from './fixtures.js';

const nowMs = 1_000_000;

test('Linux exporter: used = MemTotal − MemAvailable, headroom = limit − reserved − used', () => {
	const config = testConfig();
	const data = promData({hostMemory: linuxHost('127.0.0.12:9100', 8 * GiB, 3 * GiB)});
	const m2 = computeBudgets(config, [cluster('m2', 'm2', [])], data, nowMs).find(budget => budget.host === 'm2');
	assert.ok(m2);
	assert.equal(m2.actualSource, 'node-exporter-linux');
	assert.equal(m2.actualBytes, 5 * GiB);
	assert.equal(m2.headroomBytes, 8 * GiB - 2 * GiB - 5 * GiB);
	assert.equal(m2.limitBytes, 8 * GiB);
	assert.equal(m2.reservedBytes, 2 * GiB);
	assert.equal(m2.plannedBytes, 4 * GiB + 256 * MiB + GiB);
	assert.equal(m2.verdict.level, 'ok');
	assert.equal(m2.sourceNote, undefined);
});

test('macOS exporter: used = (internal − purgeable) + wired + compressed', () => {
	const config = testConfig({
		hosts: {
			m1: {memory: '16GiB', address: '127.0.0.11', nodeExporter: 'mac-mini'},
			m2: {memory: '8GiB', address: '127.0.0.12'},
		},
	});
	const memory = {total: 16 * GiB, free: GiB, active: 6 * GiB, inactive: 3 * GiB, wired: 2 * GiB, compressed: GiB, internal: 8 * GiB, purgeable: 512 * MiB};
	const data = promData({hostMemory: darwinHost('mac-mini', memory)});
	const [m1] = computeBudgets(config, [], data, nowMs);
	assert.ok(m1);
	assert.equal(m1.actualSource, 'node-exporter-darwin');
	assert.equal(m1.actualBytes, 8 * GiB - 512 * MiB + 2 * GiB + GiB);
});

test('verdict thresholds: 85 % WARN, 95 % CRIT, above usable CRIT, floors the percentage', () => {
	const config = testConfig();
	const usable = 6 * GiB;
	const verdictAt = (usedBytes: number) => {
		const data = promData({hostMemory: linuxHost('127.0.0.12:9100', 8 * GiB, 8 * GiB - usedBytes)});
		return computeBudgets(config, [], data, nowMs)[1]!.verdict;
	};
	assert.equal(verdictAt(Math.ceil(usable * 0.84)).level, 'ok');
	assert.deepEqual(verdictAt(Math.ceil(usable * 0.85)), {level: 'warn', reasons: ['m2 at 85% of 6 GiB usable']});
	assert.deepEqual(verdictAt(Math.ceil(usable * 0.949)), {level: 'warn', reasons: ['m2 at 94% of 6 GiB usable']});
	assert.deepEqual(verdictAt(Math.ceil(usable * 0.95)), {level: 'crit', reasons: ['m2 at 95% of 6 GiB usable']});
	assert.deepEqual(verdictAt(usable + 0.5 * GiB), {level: 'crit', reasons: ['m2 over budget: 6.5 GiB of 6 GiB usable']});
});

test('over-commit: limits above limit − reserved warn even when use is low', () => {
	const config = testConfig();
	const pods = [
		pod('apps', 'backend-1', {memoryRequestBytes: GiB, memoryLimitBytes: 4 * GiB}),
		pod('apps', 'backend-2', {memoryRequestBytes: GiB, memoryLimitBytes: 3.2 * GiB}),
	];
	const data = promData({hostMemory: linuxHost('127.0.0.12:9100', 8 * GiB, 7 * GiB)});
	const m2 = computeBudgets(config, [cluster('m2', 'm2', pods)], data, nowMs)[1]!;
	assert.equal(m2.requestBytes, 2 * GiB);
	assert.equal(m2.limitsBytes, 7.2 * GiB);
	assert.deepEqual(m2.verdict, {level: 'warn', reasons: ['limits over-commit m2 by 1.2 GiB']});
});

test('no exporter: sum of working sets, lines split by plan, unmapped pods in "other"', () => {
	const config = testConfig();
	const pods = [
		pod('data', 'postgresql-0', {memoryRequestBytes: GiB, memoryLimitBytes: 2 * GiB, labels: {app: 'postgresql'}}),
		pod('data', 'cache-0', {memoryRequestBytes: 256 * MiB, labels: {'app.kubernetes.io/name': 'redis'}}),
		pod('kube-system', 'etcd-m1-control-plane', {labels: {component: 'etcd'}}),
		pod('kube-system', 'coredns-abc', {memoryRequestBytes: 70 * MiB}),
		pod('default', 'nginx-1'),
		pod('default', 'done-job', {phase: 'Succeeded', memoryRequestBytes: GiB}),
	];
	const workingSets = [
		sample({namespace: 'data', pod: 'postgresql-0', job: 'm1'}, 900 * MiB),
		sample({namespace: 'data', pod: 'cache-0', job: 'm1'}, 100 * MiB),
		sample({namespace: 'kube-system', pod: 'etcd-m1-control-plane', job: 'm1'}, 150 * MiB),
		sample({namespace: 'kube-system', pod: 'coredns-abc', job: 'm1'}, 20 * MiB),
		sample({namespace: 'default', pod: 'nginx-1', job: 'm1'}, 10 * MiB),
		// Another cluster's pod must not count on m1.
		sample({namespace: 'apps', pod: 'backend-1', job: 'm2'}, 300 * MiB),
	];
	const [m1] = computeBudgets(config, [cluster('m1', 'm1', pods)], promData({workingSets}), nowMs);
	assert.ok(m1);
	assert.equal(m1.actualSource, 'working-set');
	assert.equal(m1.actualBytes, (900 + 100 + 150 + 20 + 10) * MiB);
	assert.match(m1.sourceNote ?? '', /no series node_memory_MemTotal_bytes or node_memory_total_bytes for instance 127\.0\.0\.11:\*/);
	assert.equal(m1.requestBytes, GiB + 256 * MiB + 70 * MiB);
	const line = (name: string) => m1.lines.find(entry => entry.name === name);
	assert.deepEqual(line('postgresql'), {name: 'postgresql', plannedBytes: 2 * GiB, requestBytes: GiB, limitBytes: 2 * GiB, pods: 1, actualBytes: 900 * MiB});
	assert.equal(line('redis')?.actualBytes, 100 * MiB);
	// m1 has no nodes line: its kind nodes are the control plane's, so CoreDNS counts there.
	assert.equal(line('control-plane')?.actualBytes, (150 + 20) * MiB);
	assert.deepEqual(
		line('other'),
		{name: 'other', plannedBytes: 0, requestBytes: 0, limitBytes: 0, pods: 1, actualBytes: 10 * MiB},
	);
});

test('Prometheus down: requests stand in for use, and the budget says so', () => {
	const config = testConfig();
	const pods = [pod('apps', 'backend-1', {memoryRequestBytes: 5.5 * GiB, memoryLimitBytes: 6 * GiB})];
	const data = promData({reachable: false, error: 'connection refused'});
	const m2 = computeBudgets(config, [cluster('m2', 'm2', pods)], data, nowMs)[1]!;
	assert.equal(m2.actualSource, 'requests');
	assert.equal(m2.actualBytes, 5.5 * GiB);
	assert.equal(m2.sourceNote, 'Prometheus down: connection refused');
	assert.deepEqual(m2.verdict, {level: 'warn', reasons: ['m2 at 91% of 6 GiB usable (by requests)']});
});

test('nothing known: verdict unknown with the reason', () => {
	const config = testConfig();
	const budgets = computeBudgets(config, [cluster('m2', 'm2', [], false)], undefined, nowMs);
	const m2 = budgets[1]!;
	assert.equal(m2.actualSource, 'none');
	assert.equal(m2.actualBytes, undefined);
	assert.equal(m2.headroomBytes, undefined);
	// A live cluster whose pods have not been listed yet is waited for, not reported missing.
	assert.deepEqual(m2.waiting, ['pods from m2']);
	assert.deepEqual(m2.verdict, {level: 'unknown', reasons: ['m2 memory: waiting for pods from m2']});
	// An unreachable one is missing, and says why.
	const unreachable = {...cluster('m2', 'm2', [], false), connection: {phase: 'unreachable' as const, sinceMs: 0}, stale: true};
	const cut = computeBudgets(config, [unreachable], undefined, nowMs)[1]!;
	assert.deepEqual(cut.verdict, {level: 'unknown', reasons: ['no memory data for m2: m2 unreachable; Prometheus not configured']});
});

test('a cluster target down is named when working sets are missing', () => {
	const config = testConfig({prometheus: {url: 'http://127.0.0.1:1', jobs: {m2: 'kubelet-m2'}}});
	const data = promData({up: [sample({job: 'kubelet-m2', instance: '127.0.0.1:10250'}, 0)]});
	const m2 = computeBudgets(config, [cluster('m2', 'm2', [pod('apps', 'x', {memoryRequestBytes: GiB})])], data, nowMs)[1]!;
	assert.equal(m2.actualSource, 'requests');
	assert.match(m2.sourceNote ?? '', /target kubelet-m2 \(cluster m2\) down/);
});

test('history: the host series of the last 30 minutes, oldest first', () => {
	const config = testConfig();
	const instance = '127.0.0.12:9100';
	const data = promData({
		hostMemory: linuxHost(instance, 8 * GiB, 4 * GiB),
		usedHistory: [
			{labels: {instance: '127.0.0.11:9100'}, points: [{atMs: nowMs, value: 1}]},
			{labels: {instance}, points: [{atMs: nowMs - 31 * 60_000, value: 1}, {atMs: nowMs - 60_000, value: 2}, {atMs: nowMs, value: 3}]},
		],
	});
	assert.deepEqual(computeBudgets(config, [], data, nowMs)[1]!.history, [2, 3]);
});
