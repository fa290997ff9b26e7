// The plan's checklist evaluated on hand-made snapshots: each criterion passed, failed or unknown, with
// its evidence in one line.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {evaluatePhases, type PhaseCriterion} from '../../source/phases/checklist.js';
import {evidenceFrom} from '../../source/phases/drill-evidence.js';
import {validateConfig} from '../../source/config/load.js';
import type {ClusterSnapshot, LabSnapshot} from '../../source/store/types.js';
import type {HostBudget} from '../../source/budget/types.js';
import type {ProbeStatus} from '../../source/probes/types.js';

const gib = 2 ** 30;

function cluster(name: string, fields: Partial<ClusterSnapshot> & {ready?: number; total?: number; remote?: string; gatewayStatus?: string} = {}): ClusterSnapshot {
	const total = fields.total ?? 2;
	const ready = fields.ready ?? total;
	return {
		name,
		context: name,
		host: name,
		connection: {phase: 'live', sinceMs: 0},
		stale: false,
		synced: {nodes: true, pods: true, gateways: true},
		nodes: [],
		nodeCounts: {ready, total},
		podCounts: {running: 0, failing: 0, pending: 0, failed: 0, succeeded: 0, total: 0},
		pods: [],
		gateways: [
			{
				name: `${name}-gw`,
				namespace: 'submariner-operator',
				haStatus: 'active',
				version: 'v',
				statusFailure: '',
				localClusterId: name,
				connections: [{remoteCluster: fields.remote ?? 'm1', remoteHostname: 'h', status: fields.gatewayStatus ?? 'connected', statusMessage: ''}],
			},
		],
		verdict: {level: 'ok', reasons: []},
		...fields,
	};
}

const host = (name: string, actualBytes: number | undefined): HostBudget => ({
	host: name,
	limitBytes: 8 * gib,
	reservedBytes: 2 * gib,
	plannedBytes: 0,
	requestBytes: 0,
	limitsBytes: 0,
	actualBytes,
	actualSource: actualBytes === undefined ? 'none' : 'node-exporter-darwin',
	lines: [],
	history: [],
	verdict: {level: 'ok', reasons: []},
});

const probe = (name: string, fields: Partial<ProbeStatus>): ProbeStatus => ({name, kind: 'http', target: 'http://127.0.0.1:1/', level: 'warn', samples: 1, ...fields});

function snapshot(fields: Partial<LabSnapshot>): LabSnapshot {
	return {atMs: 0, version: 1, clusters: [], gateways: [], events: [], verdict: {level: 'ok', reasons: []}, ...fields};
}

const configWith = (extra: Record<string, unknown> = {}) =>
	validateConfig(
		{
			clusters: {m1: {context: 'a', host: 'm1'}, m2: {context: 'b', host: 'm2'}},
			hosts: {m1: {memory: '16GiB', address: '10.0.0.1'}, m2: {memory: '8GiB', address: '10.0.0.2'}},
			prometheus: {url: 'http://127.0.0.1:9090', jobs: {m2: 'kubelet-m2'}},
			probes: [{name: 'm2-api', http: 'http://127.0.0.1:1/readyz'}, {name: 'pg', tcp: '127.0.0.1:5432'}],
			phases: {http: [{from: 'm1', to: 'm2', probe: 'm2-api'}, {from: 'm2', to: 'm1'}], reach: [{phase: 4, criterion: 'the m2 API reaches PostgreSQL on m1', probe: 'pg'}, {phase: 4, criterion: 'the m2 API reaches Redis on m1'}]},
			...extra,
		},
		'test',
	);

const find = (list: PhaseCriterion[], criterion: string) => {
	const found = list.find(item => item.criterion === criterion);
	assert.ok(found, `criterion "${criterion}" in ${JSON.stringify(list.map(item => item.criterion))}`);
	return [found.phase, found.status, found.evidence];
};

const healthy = () =>
	snapshot({
		clusters: [cluster('m1', {total: 3, remote: 'm2'}), cluster('m2')],
		hosts: [host('m1', 11 * gib), host('m2', 5.1 * gib)],
		prometheus: {url: 'u', state: 'ok', targets: [{job: 'm1', instance: 'a', up: true}, {job: 'm1', instance: 'b', up: true}, {job: 'kubelet-m2', instance: 'c', up: true}]},
		probes: [probe('m2-api', {p95Ms: 3.24, last: {atMs: 0, ok: true, latencyMs: 3}}), probe('pg', {last: {atMs: 0, ok: true, latencyMs: 0.8}})],
	});

test('a healthy homelab: phases 1 to 4 pass with their evidence; what is not configured is unknown', () => {
	const list = evaluatePhases({snapshot: healthy(), config: configWith()});
	assert.deepEqual(find(list, 'm2 nodes Ready ≥ 2'), [1, 'passed', 'm2 nodes 2/2 Ready ≥ 2']);
	assert.deepEqual(find(list, 'm2 memory in use ≤ 6 GiB'), [1, 'passed', 'm2 memory 5.1 GiB ≤ 6 GiB']);
	assert.deepEqual(find(list, 'HTTP m1→m2 succeeds, p95 < 5 ms'), [2, 'passed', 'HTTP m1→m2 p95 3.2 ms < 5 ms']);
	assert.deepEqual(find(list, 'HTTP m2→m1 succeeds, p95 < 5 ms'), [2, 'unknown', 'not configured: no probe named in phases.http']);
	assert.deepEqual(find(list, 'm1 Submariner gateway connected'), [3, 'passed', 'gateway m1→m2 connected']);
	assert.deepEqual(find(list, 'the m2 API reaches PostgreSQL on m1'), [4, 'passed', 'probe pg OK 0.8 ms']);
	assert.deepEqual(find(list, 'the m2 API reaches Redis on m1'), [4, 'unknown', 'not configured: no probe named in phases.reach']);
	assert.deepEqual(find(list, 'Prometheus scrapes a job per cluster'), [4, 'passed', 'Prometheus targets: job m1 2/2 up, job kubelet-m2 1/1 up']);
	assert.deepEqual(find(list, 'partition detected in ≤ 3 s'), [5, 'unknown', 'no partition drill report yet']);
	assert.deepEqual(
		list.map(item => item.phase),
		[...list.map(item => item.phase)].sort((a, b) => a - b),
		'in phase order',
	);
	assert.ok(!list.some(item => item.status === 'failed'));
});

test('m2 cut off: its criteria are unknown or failed, never passed on old data', () => {
	const cut = healthy();
	cut.clusters = [cluster('m1', {total: 3, remote: 'm2', gatewayStatus: 'error'}), cluster('m2', {stale: true, connection: {phase: 'unreachable', sinceMs: 0}})];
	cut.probes = [probe('m2-api', {p95Ms: 3, last: {atMs: 0, ok: false, error: 'timeout after 1s'}}), probe('pg', {last: {atMs: 0, ok: true, latencyMs: 1}})];
	cut.prometheus = {url: 'u', state: 'partial', targets: [{job: 'm1', instance: 'a', up: true}, {job: 'kubelet-m2', instance: 'c', up: false}, {job: 'kubelet-m2', instance: 'd', up: false}]};
	const list = evaluatePhases({snapshot: cut, config: configWith()});
	assert.deepEqual(find(list, 'm2 nodes Ready ≥ 2'), [1, 'unknown', 'm2 unreachable: nodes not known']);
	assert.deepEqual(find(list, 'HTTP m1→m2 succeeds, p95 < 5 ms'), [2, 'failed', 'HTTP m1→m2 failing: timeout after 1s']);
	assert.deepEqual(find(list, 'm1 Submariner gateway connected'), [3, 'failed', 'gateway m1→m2 error']);
	assert.deepEqual(find(list, 'm2 Submariner gateway connected'), [3, 'unknown', 'm2 unreachable: gateways not known']);
	assert.deepEqual(find(list, 'Prometheus scrapes a job per cluster'), [4, 'failed', 'Prometheus targets: job m1 1/1 up, job kubelet-m2 0/2 up']);
});

test('thresholds fail with the numbers: too few nodes, too much memory, a slow p95', () => {
	const slow = healthy();
	slow.clusters = [cluster('m1', {total: 3, remote: 'm2'}), cluster('m2', {ready: 1, total: 2})];
	slow.hosts = [host('m2', 6.4 * gib)];
	slow.probes = [probe('m2-api', {p95Ms: 7.1, last: {atMs: 0, ok: true, latencyMs: 7.1}})];
	const list = evaluatePhases({snapshot: slow, config: configWith()});
	assert.deepEqual(find(list, 'm2 nodes Ready ≥ 2'), [1, 'failed', 'm2 nodes 1/2 Ready < 2']);
	assert.deepEqual(find(list, 'm2 memory in use ≤ 6 GiB'), [1, 'failed', 'm2 memory 6.4 GiB > 6 GiB']);
	assert.deepEqual(find(list, 'HTTP m1→m2 succeeds, p95 < 5 ms'), [2, 'failed', 'HTTP m1→m2 p95 7.1 ms ≥ 5 ms']);
	// A probe named but not run yet is not evidence either way.
	assert.deepEqual(find(list, 'the m2 API reaches PostgreSQL on m1'), [4, 'unknown', 'probe pg: no result yet']);
});

test('thresholds come from the config: a user edits them', () => {
	const config = configWith({phases: {nodesReady: {m2: 3}, memoryInUse: {m2: '5GiB'}, httpP95: '2ms', http: [{from: 'm1', to: 'm2', probe: 'm2-api'}], partitionDetect: '1s'}});
	const list = evaluatePhases({snapshot: healthy(), config, drill: {drillId: 'd20261202T193000Z', detectMs: 1300}});
	assert.deepEqual(find(list, 'm2 nodes Ready ≥ 3'), [1, 'failed', 'm2 nodes 2/2 Ready < 3']);
	assert.deepEqual(find(list, 'm2 memory in use ≤ 5 GiB'), [1, 'failed', 'm2 memory 5.1 GiB > 5 GiB']);
	assert.deepEqual(find(list, 'HTTP m1→m2 succeeds, p95 < 2 ms'), [2, 'failed', 'HTTP m1→m2 p95 3.2 ms ≥ 2 ms']);
	assert.deepEqual(find(list, 'partition detected in ≤ 1 s'), [5, 'failed', 'partition drill d20261202T193000Z detected in 1.3 s > 1 s']);
});

test('unconfigured: no cluster or host by that name, no Prometheus: unknown, never failed', () => {
	const config = validateConfig({clusters: {lab: {context: 'a', host: 'pi'}}, hosts: {pi: {memory: '1GiB', address: '10.0.0.1'}}}, 'test');
	const list = evaluatePhases({snapshot: snapshot({clusters: [cluster('lab', {remote: 'x'})], hosts: [host('pi', gib / 2)]}), config});
	assert.deepEqual(find(list, 'm2 nodes Ready ≥ 2'), [1, 'unknown', 'not configured: no cluster m2']);
	assert.deepEqual(find(list, 'm2 memory in use ≤ 6 GiB'), [1, 'unknown', 'not configured: no host m2']);
	assert.deepEqual(find(list, 'Prometheus scrapes a job per cluster'), [4, 'unknown', 'not configured: no prometheus: url']);
	assert.ok(!list.some(item => item.status === 'failed'), JSON.stringify(list));
});

test('phase 5: the newest drill report, its first detection against the goal', () => {
	const report = {signals: [{signal: 'm2 unreachable', detectMs: 2100}, {signal: 'gateway error', detectMs: 1300}, {signal: 'x', detectMs: 'soon'}]};
	const drill = evidenceFrom('d20261202T193000Z', report);
	assert.deepEqual(drill, {drillId: 'd20261202T193000Z', detectMs: 1300});
	const list = evaluatePhases({snapshot: healthy(), config: configWith(), drill});
	assert.deepEqual(find(list, 'partition detected in ≤ 3 s'), [5, 'passed', 'partition drill d20261202T193000Z detected in 1.3 s ≤ 3 s']);
	const missed = evaluatePhases({snapshot: healthy(), config: configWith(), drill: evidenceFrom('d2', {signals: [{signal: 'm2 unreachable'}]})});
	assert.deepEqual(find(missed, 'partition detected in ≤ 3 s'), [5, 'failed', 'partition drill d2: the cut was not detected']);
	assert.equal(evidenceFrom('d3', 'not a report'), undefined);
});

test('a cluster without Submariner: phase 3 says it is not installed, not "no active gateway"', async () => {
	const {LabStore} = await import('../../source/store/lab-store.js');
	const store = new LabStore([{name: 'm1', context: 'c', host: 'm1'}]);
	store.replaceNodes('m1', []);
	store.replacePods('m1', []);
	store.markGatewaysMissing('m1');
	store.setConnection('m1', 'live');
	const config = validateConfig({clusters: {m1: {context: 'c', host: 'm1'}}, hosts: {m1: {memory: '16GiB', address: '10.0.0.1'}}}, 'test');
	const phase3 = evaluatePhases({snapshot: store.snapshot(), config}).find(item => item.criterion === 'm1 Submariner gateway connected');
	assert.deepEqual(phase3, {phase: 3, criterion: 'm1 Submariner gateway connected', status: 'failed', evidence: 'm1: Submariner not installed (no gateways.submariner.io API)'});
});
