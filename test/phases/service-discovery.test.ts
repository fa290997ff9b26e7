// Phase 3's "a service found by its clusterset name" from Lighthouse's objects in the store: passed,
// failed with the conflict or the DNS rule, failed when Lighthouse is not installed anywhere, unknown
// when nothing could be seen; and a named clusterset probe beside it.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {LabStore} from '../../source/store/lab-store.js';
import {trimGateway} from '../../source/submariner/gateway.js';
import {trimServiceExport} from '../../source/lighthouse/service-export.js';
import {trimServiceImport} from '../../source/lighthouse/service-import.js';
import {trimSubmariner} from '../../source/submariner/submariner-cr.js';
import {clustersetProbes, serviceDiscoveryEvidence} from '../../source/phases/service-discovery-evidence.js';
import {evaluatePhases} from '../../source/phases/checklist.js';
import {validateConfig} from '../../source/config/load.js';
import type {ProbeStatus} from '../../source/probes/types.js';

const criterion = 'an m2 service reached by its clusterset DNS name';
const nowMs = Date.parse('2026-12-01T12:00:00Z');

function gatewayObject(cluster: string, remote: string, status: string) {
	return trimGateway({
		metadata: {name: `${cluster}-gw`, namespace: 'submariner-operator', annotations: {'update-timestamp': String(Math.floor(nowMs / 1000))}},
		status: {haStatus: 'active', statusFailure: '', localEndpoint: {cluster_id: cluster}, connections: [{status, statusMessage: '', endpoint: {cluster_id: remote, healthCheckIP: '10.0.0.1'}, latencyRTT: {average: '1ms'}}]},
	});
}

const exported = (namespace: string, name: string, conflict?: [string, string]) =>
	trimServiceExport({
		metadata: {name, namespace},
		status: {
			conditions: [
				{type: 'Valid', status: 'True', reason: 'Valid', message: ''},
				{type: 'Ready', status: 'True', reason: 'Exported', message: 'Service was successfully exported to the broker'},
				...(conflict ? [{type: 'Conflict', status: 'True', reason: conflict[0], message: conflict[1]}] : []),
			],
		},
	});

const aggregated = (namespace: string, name: string, from: string[]) => trimServiceImport({metadata: {name, namespace}, spec: {type: 'ClusterSetIP'}, status: {clusters: from.map(cluster => ({cluster}))}});

/** m1 exports data/postgresql (imported on m2), m2 exports apps/backend (imported on m1); every gateway connected. */
function homelab(options: {m1ToM2?: string; m2ToM1?: string} = {}) {
	const store = new LabStore([{name: 'm1', context: 'a', host: 'm1'}, {name: 'm2', context: 'b', host: 'm2'}], {clock: () => nowMs});
	for (const [cluster, remote, status] of [['m1', 'm2', options.m1ToM2 ?? 'connected'], ['m2', 'm1', options.m2ToM1 ?? 'connected']] as const) {
		store.setConnection(cluster, 'live');
		store.replaceGateways(cluster, [gatewayObject(cluster, remote, status)]);
		store.replaceDiscovery(cluster, 'submariners', [trimSubmariner({metadata: {name: 'submariner', namespace: 'submariner-operator'}, spec: {clusterID: cluster}})]);
	}
	store.replaceDiscovery('m1', 'serviceexports', [exported('data', 'postgresql')]);
	store.replaceDiscovery('m2', 'serviceexports', [exported('apps', 'backend')]);
	store.replaceDiscovery('m1', 'serviceimports', [aggregated('apps', 'backend', ['m2']), aggregated('data', 'postgresql', ['m1'])]);
	store.replaceDiscovery('m2', 'serviceimports', [aggregated('data', 'postgresql', ['m1']), aggregated('apps', 'backend', ['m2'])]);
	return store;
}

test('passed: an export Valid and Ready, imported on the other cluster, the one the criterion names first', () => {
	const result = serviceDiscoveryEvidence(homelab().snapshot(), {criterion});
	assert.deepEqual(result, {status: 'passed', evidence: 'ServiceExport apps/backend on m2 Valid, Ready, imported on m1'});
});

test("failed: the importing cluster's gateway connection is not connected, so Lighthouse's DNS there does not answer", () => {
	const result = serviceDiscoveryEvidence(homelab({m1ToM2: 'error', m2ToM1: 'error'}).snapshot(), {criterion});
	assert.equal(result.status, 'failed');
	assert.equal(result.evidence, 'ServiceImport apps/backend on m1 (exported by m2): m1→m2 is error, and Lighthouse DNS answers only connected clusters');
	// One direction still answering is enough for "a service".
	assert.deepEqual(serviceDiscoveryEvidence(homelab({m1ToM2: 'error'}).snapshot(), {criterion}), {status: 'passed', evidence: 'ServiceExport data/postgresql on m1 Valid, Ready, imported on m2 (1 other export not found: apps/backend)'});
});

test('a cut: m2 unreachable, m1→m2 error: failed from what m1 alone shows (its import of m2\'s service is not answered)', () => {
	const store = homelab({m1ToM2: 'connected'});
	store.setConnection('m2', 'unreachable', 'timeout');
	// Before Submariner notices: nothing seen fails, and m2's side is not evidence.
	assert.deepEqual(serviceDiscoveryEvidence(store.snapshot(), {criterion}), {status: 'unknown', evidence: 'ServiceExport data/postgresql on m1 Valid, Ready; m2 not live'});
	store.replaceGateways('m1', [gatewayObject('m1', 'm2', 'error')]);
	assert.deepEqual(serviceDiscoveryEvidence(store.snapshot(), {criterion}), {status: 'failed', evidence: 'ServiceImport apps/backend on m1 (exported by m2): m1→m2 is error, and Lighthouse DNS answers only connected clusters'});
	// Healed: passed again.
	store.setConnection('m2', 'live');
	store.replaceGateways('m1', [gatewayObject('m1', 'm2', 'connected')]);
	assert.equal(serviceDiscoveryEvidence(store.snapshot(), {criterion}).status, 'passed');
});

test('failed: a Conflict is named with its reason and message', () => {
	const store = homelab();
	store.replaceDiscovery('m2', 'serviceexports', [exported('apps', 'backend', ['PortConflict', 'The service ports conflict between clusters'])]);
	store.replaceDiscovery('m1', 'serviceexports', []);
	assert.deepEqual(serviceDiscoveryEvidence(store.snapshot(), {criterion}), {status: 'failed', evidence: 'ServiceExport apps/backend on m2 Conflict: PortConflict: The service ports conflict between clusters'});
});

test('failed: Lighthouse not installed in any cluster (404 on serviceexports) — a fact, and no verdict from it', () => {
	const store = homelab();
	for (const cluster of ['m1', 'm2']) {
		store.markDiscoveryMissing(cluster, 'serviceexports');
		store.markDiscoveryMissing(cluster, 'serviceimports');
	}
	const snapshot = store.snapshot();
	assert.deepEqual(serviceDiscoveryEvidence(snapshot, {criterion}), {status: 'failed', evidence: 'Lighthouse not installed (no serviceexports.multicluster.x-k8s.io API on m1, m2)'});
	assert.equal(snapshot.verdict.level, 'ok', snapshot.verdict.reasons.join('; '));
	// Only one cluster without it: the other's exports still count.
	const half = homelab();
	half.markDiscoveryMissing('m1', 'serviceexports');
	half.markDiscoveryMissing('m1', 'serviceimports');
	assert.deepEqual(serviceDiscoveryEvidence(half.snapshot(), {criterion}), {status: 'failed', evidence: 'ServiceExport apps/backend on m2 Valid, Ready, not imported on any other cluster'});
});

test('unknown: nothing seen (not listed yet, a cluster not live, forbidden) is never a pass or a fail', () => {
	const fresh = new LabStore([{name: 'm1', context: 'a', host: 'm1'}], {clock: () => nowMs});
	fresh.setConnection('m1', 'live');
	assert.deepEqual(serviceDiscoveryEvidence(fresh.snapshot(), {criterion}), {status: 'unknown', evidence: 'serviceexports not listed yet'});
	fresh.setResourceError('m1', 'serviceexports', 'forbidden: serviceexports.multicluster.x-k8s.io is forbidden');
	assert.deepEqual(serviceDiscoveryEvidence(fresh.snapshot(), {criterion}), {status: 'unknown', evidence: 'm1 serviceexports: forbidden: serviceexports.multicluster.x-k8s.io is forbidden'});
	// m1 exports but m2 (its importer) is cut off: unknown, not a pass on old data.
	const cut = homelab();
	cut.setConnection('m2', 'unreachable', 'timeout');
	cut.replaceDiscovery('m1', 'serviceimports', []);
	const result = serviceDiscoveryEvidence(cut.snapshot(), {criterion});
	assert.deepEqual(result, {status: 'unknown', evidence: 'ServiceExport data/postgresql on m1 Valid, Ready; m2 not live'});
});

test('a clusterset DNS probe: found by its target, or named in phases.reach; failing it fails the criterion', () => {
	const probe = (name: string, target: string, ok: boolean): ProbeStatus => ({name, kind: 'tcp', target, level: 'warn', samples: 1, last: {atMs: nowMs, ok, latencyMs: 2, ...(ok ? {} : {error: 'timeout after 2s'})}});
	assert.deepEqual(clustersetProbes([probe('pg', 'postgresql.data.svc.clusterset.local:5432', true), probe('api', '127.0.0.1:6443', true)]).map(each => each.name), ['pg']);
	const store = homelab();
	store.setProbes([probe('backend-dns', 'backend.apps.svc.clusterset.local:8080', false)]);
	assert.deepEqual(serviceDiscoveryEvidence(store.snapshot(), {criterion}), {status: 'failed', evidence: 'ServiceExport apps/backend on m2 Valid, Ready, imported on m1; but probe backend-dns failing: timeout after 2s'});
	store.setProbes([probe('backend', '127.0.0.1:8080', true)]);
	assert.deepEqual(serviceDiscoveryEvidence(store.snapshot(), {criterion, probe: 'backend'}), {status: 'passed', evidence: 'ServiceExport apps/backend on m2 Valid, Ready, imported on m1; probe backend OK 2 ms'});
});

test("the checklist's phase 3 reach criterion is this one (its probe optional); without health check the gateway criterion is unknown", () => {
	const config = validateConfig({clusters: {m1: {context: 'a', host: 'm1'}, m2: {context: 'b', host: 'm2'}}, hosts: {m1: {memory: '16GiB', address: '10.0.0.1'}, m2: {memory: '8GiB', address: '10.0.0.2'}}}, 'test');
	const store = homelab();
	store.replaceDiscovery('m1', 'submariners', [trimSubmariner({metadata: {name: 'submariner', namespace: 'submariner-operator'}, spec: {clusterID: 'm1', connectionHealthCheck: {enabled: false}}})]);
	const list = evaluatePhases({snapshot: store.snapshot(), config});
	const item = list.find(each => each.criterion === criterion);
	assert.deepEqual(item, {phase: 3, criterion, status: 'passed', evidence: 'ServiceExport apps/backend on m2 Valid, Ready, imported on m1'});
	const gateway = list.find(each => each.criterion === 'm1 Submariner gateway connected');
	assert.deepEqual(gateway, {phase: 3, criterion: 'm1 Submariner gateway connected', status: 'unknown', evidence: 'gateway m1→m2 connected, not health-checked'});
	assert.equal(list.find(each => each.criterion === 'm2 Submariner gateway connected')?.status, 'passed');
});
