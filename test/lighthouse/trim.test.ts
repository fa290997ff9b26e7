// Lighthouse's and Submariner's objects trimmed to what labwatch shows, from the shapes their controllers
// write (submariner.md §1.3–1.4, §3; mcs-api v0.1 and v0.2 conditions; the v0.21 CRDs the lab installs).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {exportState, exportWords, maxConditionMessageChars, trimServiceExport} from '../../source/lighthouse/service-export.js';
import {trimServiceImport} from '../../source/lighthouse/service-import.js';
import {trimEndpoint, trimSubmarinerCluster} from '../../source/submariner/endpoint.js';
import {healthCheckWords, trimSubmariner} from '../../source/submariner/submariner-cr.js';

const at = '2026-12-01T10:00:00Z';
const condition = (type: string, status: string, reason: string, message = '') => ({type, status, reason, message, lastTransitionTime: at});

test('a ServiceExport as Lighthouse 0.21 writes it (metav1.Condition): Valid and Ready, no Conflict', () => {
	const trimmed = trimServiceExport({
		metadata: {name: 'postgresql', namespace: 'data', creationTimestamp: at, managedFields: [{manager: 'lighthouse-agent'}], uid: 'u'},
		status: {conditions: [condition('Valid', 'True', 'Valid'), condition('Ready', 'True', 'Exported', 'Service was successfully exported to the broker')]},
	});
	assert.deepEqual(trimmed, {
		namespace: 'data',
		name: 'postgresql',
		valid: {status: 'True', reason: 'Valid', message: ''},
		ready: {status: 'True', reason: 'Exported', message: 'Service was successfully exported to the broker'},
		createdMs: Date.parse(at),
	});
	assert.equal(exportState(trimmed), 'exported');
	assert.equal(exportWords(trimmed), 'Valid, Ready');
});

test('older agents: an empty reason, and the legacy Synced read as Ready', () => {
	const trimmed = trimServiceExport({metadata: {name: 'redis', namespace: 'data'}, status: {conditions: [{type: 'Valid', status: 'True', reason: '', message: ''}, {type: 'Synced', status: 'True', reason: '', message: 'Service was successfully synced to the broker'}]}});
	assert.equal(trimmed.ready?.status, 'True');
	assert.equal(exportState(trimmed), 'exported');
});

test('a Conflict with several reasons (comma-joined, messages newline-joined) is shown first, in one line', () => {
	const trimmed = trimServiceExport({
		metadata: {name: 'redis', namespace: 'data'},
		status: {conditions: [condition('Valid', 'True', 'Valid'), condition('Ready', 'True', 'Exported'), condition('Conflict', 'True', 'PortConflict,SessionAffinityConflict', 'The service ports conflict between clusters\nThe session affinity conflicts')]},
	});
	assert.equal(exportState(trimmed), 'conflict');
	assert.equal(exportWords(trimmed), 'Conflict: PortConflict,SessionAffinityConflict: The service ports conflict between clusters; The session affinity conflicts');
	// A cleared conflict (status False) is not one.
	const cleared = trimServiceExport({metadata: {name: 'redis', namespace: 'data'}, status: {conditions: [condition('Valid', 'True', 'Valid'), condition('Ready', 'True', 'Exported'), condition('Conflict', 'False', 'NoConflicts')]}});
	assert.equal(exportState(cleared), 'exported');
});

test('not Valid, not Ready yet, and no status at all each say so', () => {
	const invalid = trimServiceExport({metadata: {name: 'x', namespace: 'a'}, status: {conditions: [condition('Valid', 'False', 'NoService', "Service to be exported doesn't exist")]}});
	assert.equal(exportWords(invalid), "not Valid: NoService: Service to be exported doesn't exist");
	const pending = trimServiceExport({metadata: {name: 'x', namespace: 'a'}, status: {conditions: [condition('Valid', 'True', 'Valid'), condition('Ready', 'False', 'Pending', 'ServiceImport created - awaiting aggregation on the broker')]}});
	assert.equal(exportState(pending), 'pending');
	assert.equal(exportWords(pending), 'Valid, not Ready: Pending: ServiceImport created - awaiting aggregation on the broker');
	assert.equal(exportWords(trimServiceExport({metadata: {name: 'x', namespace: 'a'}})), 'no status yet (is the Lighthouse agent running?)');
});

test('untrusted shapes: no name is refused; nulls, numbers and huge messages are tolerated and bounded', () => {
	assert.throws(() => trimServiceExport({metadata: {}}), /without metadata.name/);
	const trimmed = trimServiceExport({metadata: {name: 'x', namespace: 7}, status: {conditions: [null, 5, {type: 'Valid', status: 'False', reason: 9, message: 'm'.repeat(100_000)}, {type: 'Other', status: 'True'}]}});
	assert.equal(trimmed.namespace, '');
	assert.equal(trimmed.valid?.message.length, maxConditionMessageChars);
	assert.equal(trimmed.valid?.reason, '');
	assert.deepEqual(Object.keys(trimmed).sort(), ['createdMs', 'name', 'namespace', 'valid']);
});

test('a ServiceImport: type, IPs, every exporting cluster, and the source-cluster label of a local copy', () => {
	const aggregated = trimServiceImport({metadata: {name: 'postgresql', namespace: 'data'}, spec: {type: 'ClusterSetIP', ips: ['242.0.255.1'], ports: [{port: 5432, protocol: 'TCP'}]}, status: {clusters: [{cluster: 'm1'}, {cluster: 'm3'}]}});
	assert.deepEqual(aggregated, {namespace: 'data', name: 'postgresql', type: 'ClusterSetIP', ips: ['242.0.255.1'], clusters: ['m1', 'm3'], createdMs: 0});
	const local = trimServiceImport({metadata: {name: 'postgresql-data-m1', namespace: 'submariner-operator', labels: {'multicluster.kubernetes.io/source-cluster': 'm1'}}, spec: {type: 'ClusterSetIP'}, status: {clusters: [{cluster: 'm1'}]}});
	assert.equal(local.sourceCluster, 'm1');
	const huge = trimServiceImport({metadata: {name: 'x'}, spec: {ips: Array.from({length: 100}, (_, i) => `10.0.0.${i}`)}, status: {clusters: Array.from({length: 1000}, (_, i) => ({cluster: `c${i}`}))}});
	assert.ok(huge.ips.length <= 4 && huge.clusters.length <= 64);
});

test('a Submariner Endpoint and Cluster: snake_case spec, camelCase healthCheckIP, plural IP lists as a fallback', () => {
	const endpoint = trimEndpoint({
		metadata: {name: 'm2-submariner-cable-m2-192-168-1-20', namespace: 'submariner-operator', labels: {'submariner-io/clusterID': 'm2'}},
		spec: {cluster_id: 'm2', cable_name: 'submariner-cable-m2-192-168-1-20', healthCheckIP: '10.245.1.1', hostname: 'm2-worker', subnets: ['10.97.0.0/16', '10.245.0.0/16'], private_ip: '192.168.1.20', public_ip: '', nat_enabled: false, backend: 'libreswan', backend_config: {'udp-port': '4500'}},
	});
	assert.deepEqual(endpoint, {namespace: 'submariner-operator', name: 'm2-submariner-cable-m2-192-168-1-20', clusterId: 'm2', hostname: 'm2-worker', backend: 'libreswan', healthCheckIP: '10.245.1.1', subnets: ['10.97.0.0/16', '10.245.0.0/16'], privateIp: '192.168.1.20', publicIp: '', natEnabled: false});
	const newer = trimEndpoint({metadata: {name: 'e'}, spec: {cluster_id: 'm3', healthCheckIPs: ['10.1.0.1'], privateIPs: ['192.168.1.30'], publicIPs: ['203.0.113.7'], backend: 'wireguard', nat_enabled: true}});
	assert.deepEqual([newer.healthCheckIP, newer.privateIp, newer.publicIp, newer.natEnabled], ['10.1.0.1', '192.168.1.30', '203.0.113.7', true]);
	assert.equal(trimEndpoint({metadata: {name: 'e'}, spec: {cluster_id: 'm3'}}).healthCheckIP, '', 'omitempty: absent means none');
	assert.deepEqual(trimSubmarinerCluster({metadata: {name: 'm1', namespace: 'submariner-operator'}, spec: {cluster_id: 'm1', service_cidr: ['10.96.0.0/16'], cluster_cidr: ['10.244.0.0/16'], global_cidr: []}}), {
		namespace: 'submariner-operator', name: 'm1', clusterId: 'm1', serviceCidrs: ['10.96.0.0/16'], clusterCidrs: ['10.244.0.0/16'], globalCidrs: [],
	});
});

test("the Submariner CR's connectionHealthCheck: absent means the operator's defaults (enabled), not disabled", () => {
	const base = {metadata: {name: 'submariner', namespace: 'submariner-operator'}, spec: {clusterID: 'm1', namespace: 'submariner-operator', cableDriver: 'libreswan', serviceDiscoveryEnabled: true}};
	const absent = trimSubmariner(base);
	assert.deepEqual(absent.healthCheck, {enabled: true, intervalSeconds: 1, maxPacketLossCount: 5, defaulted: true});
	assert.equal(healthCheckWords(absent.healthCheck), 'health check every 1 s, error after 5 lost (operator defaults)');
	const off = trimSubmariner({...base, spec: {...base.spec, connectionHealthCheck: {enabled: false, intervalSeconds: 1, maxPacketLossCount: 5}}});
	assert.equal(off.healthCheck.enabled, false);
	assert.equal(healthCheckWords(off.healthCheck), 'health check off');
	// The Go field is `enabled,omitempty`: a struct without it is a disabled check.
	assert.equal(trimSubmariner({...base, spec: {...base.spec, connectionHealthCheck: {intervalSeconds: 2}}}).healthCheck.enabled, false);
	const on = trimSubmariner({...base, spec: {...base.spec, connectionHealthCheck: {enabled: true, intervalSeconds: 2, maxPacketLossCount: 3}}});
	assert.equal(healthCheckWords(on.healthCheck), 'health check every 2 s, error after 3 lost');
	assert.deepEqual([on.clusterId, on.cableDriver, on.serviceDiscoveryEnabled, on.submarinerNamespace], ['m1', 'libreswan', true, 'submariner-operator']);
});
