// x (or :services, :exports): every cluster's ServiceExports with their conditions in words and where each
// is imported; a cluster without Lighthouse says so as a fact; a not-health-checked connection says so on
// the panel's gateway line and in the gateways view.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, keys, renderApp, settle} from './harness.js';
import {fakeDig} from './dig-harness.js';
import {trimServiceExport} from '../../source/lighthouse/service-export.js';
import {trimServiceImport} from '../../source/lighthouse/service-import.js';
import {trimSubmariner} from '../../source/submariner/submariner-cr.js';
import {parseCommand} from '../../views/commands.js';

function withServices() {
	const lab = homelab();
	const {store} = lab;
	store.replaceDiscovery('m1', 'serviceexports', [
		trimServiceExport({metadata: {name: 'postgresql', namespace: 'data'}, status: {conditions: [{type: 'Valid', status: 'True', reason: 'Valid'}, {type: 'Ready', status: 'True', reason: 'Exported'}]}}),
		trimServiceExport({metadata: {name: 'redis', namespace: 'data'}, status: {conditions: [{type: 'Valid', status: 'True', reason: 'Valid'}, {type: 'Conflict', status: 'True', reason: 'PortConflict', message: 'ports differ'}]}}),
	]);
	store.replaceDiscovery('m2', 'serviceimports', [trimServiceImport({metadata: {name: 'postgresql', namespace: 'data'}, spec: {type: 'ClusterSetIP'}, status: {clusters: [{cluster: 'm1'}]}})]);
	store.markDiscoveryMissing('m2', 'serviceexports');
	return lab;
}

test('x lists each export with Valid/Ready/Conflict and where it is imported; a cluster without Lighthouse says so; Esc goes back', async () => {
	const app = renderApp(withServices().store, {intents: {quit: () => {}, dig: fakeDig()}});
	await settle();
	const frame = await app.press('x');
	assert.match(frame, /services · Lighthouse exports of every cluster/);
	assert.match(frame, /m1\s+data\/postgresql\s+m2\s+Valid, Ready/);
	assert.match(frame, /m1\s+data\/redis\s+nowhere else\s+Conflict: PortConflict: ports differ/);
	assert.match(frame, /m2\s+Lighthouse not installed \(no serviceexports\.multicluster\.x-k8s\.io API\)/);
	assert.match(frame, /m2\s+data\/postgresql\s+ClusterSetIP\s+m1\n/, 'the imports, with type and source clusters');
	assert.match(frame, /Esc back\s+j\/k move\s+g gateways/);
	const back = await app.press(keys.escape);
	assert.doesNotMatch(back, /services · Lighthouse/);
	app.unmount();
});

test(':services and :exports open the same view; Tab completes :se to :services', async () => {
	assert.deepEqual(parseCommand('exports'), {name: 'services'});
	assert.deepEqual(parseCommand('svcex'), {name: 'services'});
	const app = renderApp(withServices().store, {intents: {quit: () => {}, dig: fakeDig()}});
	await settle();
	const frame = await app.press(':', 'e', 'x', 'p', 'o', 'r', 't', 's', keys.enter);
	assert.match(frame, /m1\s+data\/postgresql\s+m2\s+Valid, Ready/);
	app.unmount();
});

test('the panel and the gateways view say "not health-checked" when the Submariner CR disables the check', async () => {
	const {store} = withServices();
	store.replaceDiscovery('m1', 'submariners', [trimSubmariner({metadata: {name: 'submariner', namespace: 'submariner-operator'}, spec: {clusterID: 'm1', cableDriver: 'vxlan', connectionHealthCheck: {enabled: false}}})]);
	const app = renderApp(store, {intents: {quit: () => {}, dig: fakeDig()}, columns: 140});
	await settle();
	assert.match(app.frame(), /→m2 connected, not health-checked/);
	const frame = await app.press('g');
	assert.match(frame, /m1\s+m1-gw\s+active\s+→m2 connected, not health-checked/);
	assert.match(frame, /submariner-operator\/submariner: cluster m1, vxlan, health check off/);
	app.unmount();
});
