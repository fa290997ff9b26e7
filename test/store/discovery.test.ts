// The store's discovery kinds and the one per-connection verdict: a connection Submariner does not health-check
// is "connected, not health-checked" (UNKNOWN) for the TUI and `check` alike; a missing CRD is a fact, a 403 an
// error like gateways'.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {LabStore} from '../../source/store/lab-store.js';
import {trimGateway} from '../../source/submariner/gateway.js';
import {trimSubmariner} from '../../source/submariner/submariner-cr.js';
import {trimServiceExport} from '../../source/lighthouse/service-export.js';
import {connectionVerdict} from '../../source/store/verdicts.js';
import {checkJson, checkText} from '../../source/check-report.js';

const nowMs = Date.parse('2026-12-01T12:00:00Z');
const cr = (healthCheck?: object) => trimSubmariner({metadata: {name: 'submariner', namespace: 'submariner-operator'}, spec: {clusterID: 'm1', ...(healthCheck ? {connectionHealthCheck: healthCheck} : {})}});

function gateway(connection: Record<string, unknown>) {
	return trimGateway({
		metadata: {name: 'm1-gw', namespace: 'submariner-operator', annotations: {'update-timestamp': String(Math.floor(nowMs / 1000))}},
		status: {haStatus: 'active', statusFailure: '', localEndpoint: {cluster_id: 'm1'}, connections: [{statusMessage: '', ...connection}]},
	});
}

const pinged = {status: 'connected', endpoint: {cluster_id: 'm2', healthCheckIP: '10.245.1.1'}, latencyRTT: {average: '688.52µs'}};
const unpinged = {status: 'connected', endpoint: {cluster_id: 'm2', backend: 'vxlan'}};

function storeWith(connection: Record<string, unknown>, submariner?: ReturnType<typeof cr>) {
	const store = new LabStore([{name: 'm1', context: 'a', host: 'm1'}], {clock: () => nowMs});
	store.setConnection('m1', 'live');
	store.replaceNodes('m1', [{name: 'n', ready: true, memoryCapacityBytes: 1, memoryAllocatableBytes: 1, createdMs: 0}]);
	store.replacePods('m1', []);
	store.replaceGateways('m1', [gateway(connection)]);
	if (submariner) store.replaceDiscovery('m1', 'submariners', [submariner]);
	return store;
}

test('a pinged connection is judged on its health: connected is OK, with its RTT', () => {
	const store = storeWith(pinged, cr());
	assert.deepEqual(store.snapshot().gateways[0]!.verdict, {level: 'ok', reasons: []});
	assert.match(checkText(store.snapshot()), /^gateway m1 OK →m2 connected 0\.69ms$/m);
});

test('connectionHealthCheck disabled in the CR: "connected, not health-checked", UNKNOWN, alike in check text and JSON', () => {
	const store = storeWith(pinged, cr({enabled: false, intervalSeconds: 1, maxPacketLossCount: 5}));
	const snapshot = store.snapshot();
	assert.deepEqual(snapshot.gateways[0]!.verdict, {level: 'unknown', reasons: ['m1→m2 connected, not health-checked (connectionHealthCheck disabled in submariner-operator/submariner)']});
	const text = checkText(snapshot);
	assert.match(text, /^gateway m1 UNKNOWN →m2 connected, not health-checked$/m, 'no RTT beside it: no pinger measures one');
	assert.match(text, /^submariner m1 submariner-operator\/submariner: cluster m1, cable driver \?, health check off$/m);
	const json = checkJson(snapshot) as {gateways: Array<{gateways: Array<{connections: Array<{healthChecked: boolean}>}>}>};
	assert.equal(json.gateways[0]!.gateways[0]!.connections[0]!.healthChecked, false);
});

test('no health-check IP on the remote endpoint (nobody pings it): not health-checked even with the check on', () => {
	const snapshot = storeWith(unpinged, cr()).snapshot();
	assert.deepEqual(snapshot.gateways[0]!.verdict.reasons, ["m1→m2 connected, not health-checked (m2's endpoint has no health-check IP)"]);
	// The CR absent entirely (not readable): the gateway's own evidence decides, as before.
	assert.equal(connectionVerdict(snapshot.clusters[0]!.gateways[0]!.connections[0]!, undefined, nowMs).level, 'unknown');
	assert.equal(connectionVerdict(storeWith(pinged).snapshot().clusters[0]!.gateways[0]!.connections[0]!, undefined, nowMs).level, 'ok');
});

test("a driver's error stays an error without a health check: not health-checked never hides a failure", () => {
	const snapshot = storeWith({status: 'error', statusMessage: 'no handshake for 130 seconds', endpoint: {cluster_id: 'm2', backend: 'wireguard'}}, cr({enabled: false})).snapshot();
	assert.deepEqual(snapshot.gateways[0]!.verdict, {level: 'crit', reasons: ['m1→m2 connection error: no handshake for 130 seconds']});
	const connecting = storeWith({status: 'connecting', endpoint: {cluster_id: 'm2'}}, cr({enabled: false})).snapshot();
	assert.equal(connecting.gateways[0]!.verdict.level, 'warn');
});

test('a missing CRD is a fact with no verdict; a 403 is the resource\'s error, as for gateways', () => {
	const store = storeWith(pinged, cr());
	store.markDiscoveryMissing('m1', 'serviceexports');
	store.markDiscoveryMissing('m1', 'serviceimports');
	let snapshot = store.snapshot();
	assert.equal(snapshot.clusters[0]!.discovery?.state.serviceexports, 'missing');
	assert.equal(snapshot.verdict.level, 'ok', snapshot.verdict.reasons.join('; '));
	assert.match(checkText(snapshot), /^services m1 Lighthouse not installed \(no serviceexports\.multicluster\.x-k8s\.io API\)$/m);
	assert.equal((checkJson(snapshot).services as Array<{lighthouse: string}>)[0]!.lighthouse, 'not installed');
	store.setResourceError('m1', 'serviceexports', 'forbidden: serviceexports.multicluster.x-k8s.io is forbidden: User "ro" cannot list resource "serviceexports"');
	snapshot = store.snapshot();
	assert.equal(snapshot.verdict.level, 'warn');
	assert.deepEqual(snapshot.verdict.reasons, ['m1 serviceexports: forbidden: serviceexports.multicluster.x-k8s.io is forbidden: User "ro" cannot list resource "serviceexports"']);
});

test('the same object again changes nothing (no new snapshot); a change does', () => {
	const store = storeWith(pinged, cr());
	const item = trimServiceExport({metadata: {name: 'redis', namespace: 'data'}, status: {conditions: [{type: 'Valid', status: 'True', reason: 'Valid'}]}});
	store.upsertDiscovery('m1', 'serviceexports', item);
	const version = store.version;
	store.upsertDiscovery('m1', 'serviceexports', {...item});
	assert.equal(store.version, version);
	store.upsertDiscovery('m1', 'serviceexports', {...item, ready: {status: 'True', reason: 'Exported', message: ''}});
	assert.ok(store.version > version, 'a real change makes a new snapshot');
	store.removeDiscovery('m1', 'serviceexports', 'data/redis');
	assert.deepEqual(store.snapshot().clusters[0]!.discovery?.serviceExports, []);
});

test('an export Lighthouse refuses or reports in Conflict is a WARNING, and news in the feed; one being synced is neither', () => {
	const store = storeWith(pinged, cr());
	const conditions = (...items: Array<[string, string, string, string?]>) => items.map(([type, status, reason, message = '']) => ({type, status, reason, message}));
	const item = (name: string, list: ReturnType<typeof conditions>) => trimServiceExport({metadata: {name, namespace: 'data'}, status: {conditions: list}});
	store.replaceDiscovery('m1', 'serviceexports', [item('redis', conditions(['Valid', 'True', 'Valid'], ['Ready', 'True', 'Exported']))]);
	assert.equal(store.snapshot().clusters[0]!.verdict.level, 'ok');
	store.upsertDiscovery('m1', 'serviceexports', item('postgresql', conditions(['Valid', 'True', 'Valid'], ['Ready', 'False', 'Pending', 'ServiceImport created - awaiting aggregation on the broker'])));
	assert.equal(store.snapshot().clusters[0]!.verdict.level, 'ok', 'still being synced: not a problem');
	store.upsertDiscovery('m1', 'serviceexports', item('redis', conditions(['Valid', 'True', 'Valid'], ['Ready', 'True', 'Exported'], ['Conflict', 'True', 'PortConflict', 'ports differ'])));
	const snapshot = store.snapshot();
	assert.deepEqual(snapshot.clusters[0]!.verdict, {level: 'warn', reasons: ['m1 ServiceExport data/redis Conflict: PortConflict: ports differ']});
	assert.equal(snapshot.verdict.level, 'warn');
	assert.deepEqual(snapshot.events.at(-1), {atMs: nowMs, cluster: 'm1', level: 'warn', text: 'm1: ServiceExport data/redis Conflict: PortConflict: ports differ'});
	store.upsertDiscovery('m1', 'serviceexports', item('redis', conditions(['Valid', 'False', 'NoService', "Service to be exported doesn't exist"])));
	assert.deepEqual(store.snapshot().clusters[0]!.verdict.reasons, ["m1 ServiceExport data/redis not Valid: NoService: Service to be exported doesn't exist"]);
	store.upsertDiscovery('m1', 'serviceexports', item('redis', conditions(['Valid', 'True', 'Valid'], ['Ready', 'True', 'Exported'])));
	assert.equal(store.snapshot().clusters[0]!.verdict.level, 'ok');
	assert.equal(store.snapshot().events.at(-1)?.text, 'm1: ServiceExport data/redis Valid, Ready');
});
