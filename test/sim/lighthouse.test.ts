// The simulator serves Lighthouse's and Submariner's other objects as their controllers write them, labwatch
// reads them (store, check's join, kubectl), a cluster without Lighthouse answers 404 (a fact, not an error),
// and a cut changes none of them: only the gateways' health checks see it (Lighthouse's agents keep their
// copies; its DNS follows the gateway connection).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {execa} from 'execa';
import {startHomelab, contextName, type HomelabSim} from '../../source/sim/homelab.js';
import {LabStore} from '../../source/store/lab-store.js';
import {fetchClusterOnce} from '../../source/kube/fetch-once.js';
import {exportRows} from '../../source/lighthouse/exports.js';
import {serviceDiscoveryEvidence} from '../../source/phases/service-discovery-evidence.js';
import {checkText} from '../../source/check-report.js';
import {hasCommand, needs} from '../support/infra.js';
import {waitFor} from './helpers.js';

const fast = {pingIntervalMs: 100, pingTimeoutMs: 150, maxPacketLossCount: 5, syncIntervalMs: 300};

async function look(sim: HomelabSim, timeoutMs = 3000): Promise<LabStore> {
	const store = new LabStore(sim.clusters.map(cluster => ({name: cluster.name, context: contextName(cluster.name), host: cluster.host})));
	await Promise.all(sim.clusters.map(cluster => {
		const kc = new KubeConfig();
		kc.loadFromString(sim.kubeconfigYaml());
		kc.setCurrentContext(contextName(cluster.name));
		return fetchClusterOnce(kc, {name: cluster.name, submarinerNamespace: 'submariner-operator'}, store, timeoutMs, 1000);
	}));
	return store;
}

test('m1 exports data/postgresql and data/redis, imported on m2; m2 exports apps/backend; CRs, Endpoints and Clusters on both', async t => {
	const sim = await startHomelab({life: false, healthCheck: fast});
	t.after(() => sim.stop());
	const snapshot = (await look(sim)).snapshot();
	const rows = exportRows(snapshot).map(row => `${row.cluster} ${row.export.namespace}/${row.export.name} ${row.words} → ${row.importedOn.map(site => site.cluster).join(',')}`);
	assert.deepEqual(rows, ['m1 data/postgresql Valid, Ready → m2', 'm1 data/redis Valid, Ready → m2', 'm2 apps/backend Valid, Ready → m1']);
	for (const cluster of snapshot.clusters) {
		const discovery = cluster.discovery!;
		assert.deepEqual(discovery.submariner?.healthCheck, {enabled: true, intervalSeconds: 1, maxPacketLossCount: 5, defaulted: false});
		assert.equal(discovery.submariner?.clusterId, cluster.name);
		assert.deepEqual(discovery.endpoints.map(endpoint => [endpoint.clusterId, endpoint.backend, Boolean(endpoint.healthCheckIP)]).sort(), [['m1', 'libreswan', true], ['m2', 'libreswan', true]]);
		assert.deepEqual(discovery.clusters.map(item => item.clusterId).sort(), ['m1', 'm2']);
		// Lighthouse's per-cluster copy is kept apart from the aggregated imports.
		assert.ok(discovery.serviceImports.some(item => item.sourceCluster === cluster.name && item.namespace === 'submariner-operator'));
	}
	assert.equal(snapshot.verdict.level !== 'crit', true, snapshot.verdict.reasons.join('; '));
	assert.deepEqual(snapshot.gateways.map(gateway => gateway.verdict.reasons.filter(reason => /health-checked/.test(reason))), [[], []], 'the simulated gateways are health-checked');
	const text = checkText(snapshot);
	assert.match(text, /^service m1 data\/postgresql Valid, Ready, imported on m2$/m);
	assert.match(text, /^imports m2 apps\/backend ClusterSetIP from m2; data\/postgresql ClusterSetIP from m1; data\/redis ClusterSetIP from m1$/m);
	assert.match(text, /^submariner m2 submariner-operator\/submariner: cluster m2, libreswan, health check every 1 s, error after 5 lost$/m);
});

test('a cut changes no Lighthouse object; m1 alone then shows that its import of m2\'s service goes unanswered; heal: found again', async t => {
	const sim = await startHomelab({life: false, healthCheck: fast});
	t.after(() => sim.stop());
	const m1 = sim.clusters.find(cluster => cluster.name === 'm1')!;
	const objects = () => JSON.stringify(['serviceexports', 'serviceimports', 'endpoints', 'clusters', 'submariners'].map(plural => [...m1.model.entries(plural)].map(entry => entry.object)));
	const before = objects();
	assert.equal(serviceDiscoveryEvidence((await look(sim)).snapshot(), {criterion: 'an m2 service reached by its clusterset DNS name'}).status, 'passed');
	sim.partition();
	await waitFor(() => m1.connections().every(connection => connection.status === 'error'), 5000, 'm1→m2 error');
	m1.syncGateway();
	assert.equal(objects(), before, 'Lighthouse keeps every object through a partition');
	const cut = (await look(sim, 1500)).snapshot();
	assert.equal(cut.clusters.find(cluster => cluster.name === 'm2')!.connection.phase, 'unreachable');
	assert.deepEqual(serviceDiscoveryEvidence(cut, {criterion: 'an m2 service reached by its clusterset DNS name'}), {
		status: 'failed',
		evidence: 'ServiceImport apps/backend on m1 (exported by m2): m1→m2 is error, and Lighthouse DNS answers only connected clusters',
	});
	sim.heal();
	await waitFor(() => m1.connections().every(connection => connection.status === 'connected'), 5000, 'm1→m2 connected');
	m1.syncGateway();
	assert.equal(serviceDiscoveryEvidence((await look(sim)).snapshot(), {criterion: 'an m2 service reached by its clusterset DNS name'}).status, 'passed');
});

test('a cluster without Lighthouse: 404 on the MCS API, "Lighthouse not installed" as a fact, no warning from it', async t => {
	const sim = await startHomelab({life: false, healthCheck: fast, withoutLighthouse: ['m2']});
	t.after(() => sim.stop());
	const snapshot = (await look(sim)).snapshot();
	const m2 = snapshot.clusters.find(cluster => cluster.name === 'm2')!;
	assert.equal(m2.discovery?.state.serviceexports, 'missing');
	assert.equal(m2.discovery?.state.serviceimports, 'missing');
	assert.equal(m2.resources?.serviceexports.error, undefined);
	assert.equal(m2.discovery?.submariner?.serviceDiscoveryEnabled, false);
	assert.ok(!snapshot.verdict.reasons.some(reason => /serviceexports|serviceimports|Lighthouse/.test(reason)), snapshot.verdict.reasons.join('; '));
	assert.match(checkText(snapshot), /^services m2 Lighthouse not installed \(no serviceexports\.multicluster\.x-k8s\.io API\)$/m);
	// m1 still exports, but nothing imports it: m2 cannot.
	assert.deepEqual(exportRows(snapshot).map(row => [row.export.name, row.importedOn.length]), [['postgresql', 0], ['redis', 0]]);
	const all = await startHomelab({life: false, healthCheck: fast, withoutLighthouse: true});
	t.after(() => all.stop());
	assert.deepEqual(serviceDiscoveryEvidence((await look(all)).snapshot(), {criterion: 'x'}), {status: 'failed', evidence: 'Lighthouse not installed (no serviceexports.multicluster.x-k8s.io API on m1, m2)'});
});

test('kubectl reads them: svcex by short name, ServiceImports with the CRD\'s TYPE and IP columns, no MCS API where Lighthouse is absent', async t => {
	if (!needs(t, hasCommand('kubectl'), 'kubectl is not installed')) return;
	const sim = await startHomelab({life: false, healthCheck: {syncIntervalMs: 600_000}, withoutLighthouse: ['m2']});
	const dir = mkdtempSync(join(tmpdir(), 'labwatch-sim-lighthouse-'));
	t.after(async () => {
		await sim.stop();
		rmSync(dir, {recursive: true, force: true});
	});
	const kubeconfig = join(dir, 'kubeconfig');
	writeFileSync(kubeconfig, sim.kubeconfigYaml());
	const kubectl = (...args: string[]) => execa('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), '--request-timeout', '10s', ...args], {timeout: 20_000, reject: false});
	const exports = await kubectl('--context', 'sim-m1', 'get', 'svcex', '-A');
	assert.equal(exports.exitCode, 0, exports.stderr);
	assert.match(exports.stdout, /^data\s+postgresql\s+\S+$/m);
	const imports = await kubectl('--context', 'sim-m1', 'get', 'serviceimports.multicluster.x-k8s.io', '-n', 'data');
	assert.equal(imports.exitCode, 0, imports.stderr);
	assert.match(imports.stdout, /^NAME\s+TYPE\s+IP\s+AGE\n/);
	assert.match(imports.stdout, /^postgresql\s+ClusterSetIP\s+/m);
	const endpoints = await kubectl('--context', 'sim-m1', 'get', 'endpoints.submariner.io', '-n', 'submariner-operator', '-o', 'json');
	assert.equal(endpoints.exitCode, 0, endpoints.stderr);
	assert.deepEqual(JSON.parse(endpoints.stdout).items.map((item: any) => item.spec.cluster_id).sort(), ['m1', 'm2']);
	const absent = await kubectl('--context', 'sim-m2', 'get', 'svcex', '-A');
	assert.notEqual(absent.exitCode, 0);
	assert.match(absent.stderr, /the server doesn't have a resource type "svcex"/);
});
