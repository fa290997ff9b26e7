// Service discovery end to end against REAL kube-apiservers with the real CRDs (submariner-operator v0.21:
// serviceexports/serviceimports.multicluster.x-k8s.io, endpoints/clusters/submariners.submariner.io): the
// objects written as Lighthouse's agent, the gateway and the operator write them (status through the status
// subresource where the CRD has one), read by labwatch's watches, `check` (text and JSON) and the TUI; a
// cluster without the CRDs says "Lighthouse not installed" with no error verdict; the read-only user is
// refused gateways only.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {ensureLabBinary} from '../../lab/build.js';
import {startRealCluster, startRealHomelab} from '../../lab/cluster.js';
import {openLab, startWatching, type Lab} from '../../source/lab.js';
import type {ClusterSnapshot} from '../../source/store/types.js';
import {exportRows} from '../../source/lighthouse/exports.js';
import {needs} from '../support/infra.js';
import {ClusterWriter, labAvailable, labReason, labwatch, until} from './support.js';
import {renderApp, settle} from '../views/harness.js';
import {fakeDig} from '../views/dig-harness.js';

type Homelab = Awaited<ReturnType<typeof startRealHomelab>>;
type Bare = Awaited<ReturnType<typeof startRealCluster>>;

const available = await labAvailable();
const directory = mkdtempSync(join(tmpdir(), 'labwatch-reallighthouse-'));
let homelab: Homelab | undefined;
let bare: Bare | undefined;
let lab: Lab | undefined;
let stopWatching: (() => void) | undefined;
let configPath = '';
const namespace = 'submariner-operator';
const now = () => new Date().toISOString();

/** What Lighthouse's agent, the gateway and the operator write, by hand through client-node. */
class SubmarinerWriter extends ClusterWriter {
	private async create(group: string, version: string, plural: string, ns: string, body: object): Promise<{metadata: {resourceVersion: string}}> {
		return (await this.custom.createNamespacedCustomObject({group, version, namespace: ns, plural, body})) as {metadata: {resourceVersion: string}};
	}

	async submariner(clusterId: string, healthCheck: {enabled: boolean; intervalSeconds: number; maxPacketLossCount: number}): Promise<void> {
		await this.create('submariner.io', 'v1alpha1', 'submariners', namespace, {
			apiVersion: 'submariner.io/v1alpha1',
			kind: 'Submariner',
			metadata: {name: 'submariner', namespace},
			spec: {
				broker: 'k8s', brokerK8sApiServer: 'https://127.0.0.1:6443', brokerK8sRemoteNamespace: 'submariner-k8s-broker', ceIPSecDebug: false,
				clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/16', clusterID: clusterId, debug: false, namespace, natEnabled: false,
				cableDriver: 'libreswan', serviceDiscoveryEnabled: true, connectionHealthCheck: healthCheck,
			},
		});
	}

	/** The local Endpoint and Cluster and a copy of the remote's, as the datastore syncer leaves them. */
	async endpointsAndClusters(local: string, remote: string): Promise<void> {
		for (const [id, ip] of [[local, local === 'm1' ? '127.0.0.10' : '127.0.0.20'], [remote, remote === 'm1' ? '127.0.0.10' : '127.0.0.20']] as const) {
			const cable = `submariner-cable-${id}-${ip.replaceAll('.', '-')}`;
			await this.create('submariner.io', 'v1', 'endpoints', namespace, {
				apiVersion: 'submariner.io/v1',
				kind: 'Endpoint',
				metadata: {name: `${id}-${cable}`, namespace, ...(id === remote ? {labels: {'submariner-io/clusterID': id}} : {})},
				spec: {cluster_id: id, cable_name: cable, healthCheckIP: id === 'm1' ? '10.244.0.1' : '10.245.0.1', hostname: `${id}-gw`, subnets: ['10.96.0.0/16', '10.244.0.0/16'], private_ip: ip, public_ip: '', nat_enabled: false, backend: 'libreswan', backend_config: {'udp-port': '4500'}},
			});
			await this.create('submariner.io', 'v1', 'clusters', namespace, {
				apiVersion: 'submariner.io/v1', kind: 'Cluster', metadata: {name: id, namespace},
				spec: {cluster_id: id, service_cidr: ['10.96.0.0/16'], cluster_cidr: ['10.244.0.0/16'], global_cidr: []},
			});
		}
	}

	/** A ServiceExport, then its conditions through /status, as the agent writes them (mcs-api v0.2: reasons required). */
	async serviceExport(ns: string, name: string, conditions: Array<{type: string; status: string; reason: string; message: string}>): Promise<void> {
		const created = await this.create('multicluster.x-k8s.io', 'v1alpha1', 'serviceexports', ns, {apiVersion: 'multicluster.x-k8s.io/v1alpha1', kind: 'ServiceExport', metadata: {name, namespace: ns}});
		await this.exportStatus(ns, name, conditions, created.metadata.resourceVersion);
	}

	async exportStatus(ns: string, name: string, conditions: Array<{type: string; status: string; reason: string; message: string}>, resourceVersion?: string): Promise<void> {
		const version = resourceVersion ?? ((await this.custom.getNamespacedCustomObject({group: 'multicluster.x-k8s.io', version: 'v1alpha1', namespace: ns, plural: 'serviceexports', name})) as {metadata: {resourceVersion: string}}).metadata.resourceVersion;
		await this.custom.replaceNamespacedCustomObjectStatus({
			group: 'multicluster.x-k8s.io', version: 'v1alpha1', namespace: ns, plural: 'serviceexports', name,
			body: {apiVersion: 'multicluster.x-k8s.io/v1alpha1', kind: 'ServiceExport', metadata: {name, namespace: ns, resourceVersion: version}, status: {conditions: conditions.map(item => ({...item, lastTransitionTime: now()}))}},
		});
	}

	/** A ServiceImport (aggregated, or a cluster's local copy with its labels), status.clusters through /status. */
	async serviceImport(ns: string, name: string, port: number, clusters: string[], labels?: Record<string, string>): Promise<void> {
		const created = await this.create('multicluster.x-k8s.io', 'v1alpha1', 'serviceimports', ns, {
			apiVersion: 'multicluster.x-k8s.io/v1alpha1', kind: 'ServiceImport', metadata: {name, namespace: ns, ...(labels ? {labels} : {})},
			spec: {type: 'ClusterSetIP', ports: [{name: 'tcp', protocol: 'TCP', port}]},
		});
		await this.custom.replaceNamespacedCustomObjectStatus({
			group: 'multicluster.x-k8s.io', version: 'v1alpha1', namespace: ns, plural: 'serviceimports', name,
			body: {apiVersion: 'multicluster.x-k8s.io/v1alpha1', kind: 'ServiceImport', metadata: {name, namespace: ns, resourceVersion: created.metadata.resourceVersion}, status: {clusters: clusters.map(cluster => ({cluster}))}},
		});
	}
}

const valid = {type: 'Valid', status: 'True', reason: 'Valid', message: ''};
const ready = {type: 'Ready', status: 'True', reason: 'Exported', message: 'Service was successfully exported to the broker'};

before(async () => {
	if (!available) return;
	const binary = await ensureLabBinary();
	// allSettled, not all: when one start fails, the one that started must still be known to after(), which
	// stops it (with Promise.all its processes outlived the failed test and held the test file open).
	const [started, startedBare] = await Promise.allSettled([
		startRealHomelab(['m1', 'm2'], {binary, controllerManager: false}),
		startRealCluster({name: 'bare', binary, submariner: false, controllerManager: false}),
	]);
	if (started.status === 'fulfilled') homelab = started.value;
	if (startedBare.status === 'fulfilled') bare = startedBare.value;
	if (started.status === 'rejected') throw started.reason;
	if (startedBare.status === 'rejected') throw startedBare.reason;
	const [homelabStarted, bareStarted] = [started.value, startedBare.value];
	configPath = join(directory, 'config.yaml');
	const clusters = {
		m1: {context: 'kind-m1', host: 'm1', kubeconfig: homelabStarted.kubeconfigPath},
		m2: {context: 'kind-m2', host: 'm2', kubeconfig: homelabStarted.kubeconfigPath},
		bare: {context: bareStarted.context, host: 'pi', kubeconfig: bareStarted.kubeconfigPath},
	};
	const hosts = {m1: {memory: '64GiB', address: '127.0.0.1'}, m2: {memory: '64GiB', address: '127.0.0.2'}, pi: {memory: '64GiB', address: '127.0.0.3'}};
	writeFileSync(configPath, stringify({clusters, hosts}));
	writeFileSync(join(directory, 'readonly.yaml'), stringify({clusters: {m1: {...clusters.m1, context: 'm1-readonly'}}, hosts: {m1: hosts.m1}}));
	lab = await openLab({configFlag: configPath});
	stopWatching = await startWatching(lab);
});

after(async () => {
	stopWatching?.();
	await lab?.close();
	await Promise.all([homelab?.stop(), bare?.stop()]);
	rmSync(directory, {recursive: true, force: true});
});

const cluster = (name: string): ClusterSnapshot => lab!.store.snapshot().clusters.find(each => each.name === name)!;

test('real CRDs: exports, imports, Endpoints, Clusters and the Submariner CR reach the store, check and the TUI; a cluster without the CRDs is "Lighthouse not installed", not an error', {timeout: 120_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const m1 = new SubmarinerWriter(homelab!.kubeconfigPath, 'kind-m1');
	const m2 = new SubmarinerWriter(homelab!.kubeconfigPath, 'kind-m2');
	const pi = new SubmarinerWriter(bare!.kubeconfigPath, bare!.context);
	await Promise.all([m1.node('m1-control-plane', {ready: true, memoryGiB: 8}), m2.node('m2-control-plane', {ready: true, memoryGiB: 4}), pi.node('pi', {ready: true, memoryGiB: 1})]);
	for (const writer of [m1, m2]) for (const ns of [namespace, 'data']) await writer.namespace(ns);
	await m1.submariner('m1', {enabled: true, intervalSeconds: 1, maxPacketLossCount: 5});
	// m2's operator runs without the health check: its gateway's `connected` is only the cable driver's word.
	await m2.submariner('m2', {enabled: false, intervalSeconds: 1, maxPacketLossCount: 5});
	await m1.endpointsAndClusters('m1', 'm2');
	await m2.endpointsAndClusters('m2', 'm1');
	await m1.gateway(namespace, 'm1-gw', 'm1', [{cluster: 'm2', status: 'connected'}]);
	await m2.gateway(namespace, 'm2-gw', 'm2', [{cluster: 'm1', status: 'connected'}]);
	await m1.serviceExport('data', 'postgresql', [valid, ready]);
	await m1.serviceExport('data', 'redis', [valid, ready]);
	for (const service of ['postgresql', 'redis']) {
		const port = service === 'redis' ? 6379 : 5432;
		await m1.serviceImport(namespace, `${service}-data-m1`, port, ['m1'], {'multicluster.kubernetes.io/service-name': service, 'lighthouse.submariner.io/sourceNamespace': 'data', 'multicluster.kubernetes.io/source-cluster': 'm1'});
		await m1.serviceImport('data', service, port, ['m1']);
		await m2.serviceImport('data', service, port, ['m1']);
	}

	await until('every cluster live', () => lab!.store.snapshot().clusters.every(each => each.connection.phase === 'live'), 30_000);
	await until('m1 exports both, imported on m2', () => {
		const rows = exportRows(lab!.store.snapshot());
		return rows.length === 2 && rows.every(row => row.state === 'exported' && row.importedOn.map(site => site.cluster).join() === 'm2');
	}, 15_000);
	await until("m2's CR and endpoints", () => cluster('m2').discovery?.submariner && cluster('m2').discovery!.endpoints.length === 2 && cluster('m1').discovery!.clusters.length === 2, 15_000);
	assert.deepEqual(cluster('m1').discovery!.submariner!.healthCheck, {enabled: true, intervalSeconds: 1, maxPacketLossCount: 5, defaulted: false});
	assert.deepEqual(cluster('m1').discovery!.endpoints.map(endpoint => [endpoint.clusterId, endpoint.backend, endpoint.healthCheckIP]).sort(), [['m1', 'libreswan', '10.244.0.1'], ['m2', 'libreswan', '10.245.0.1']]);
	const bareView = await until('bare: every discovery kind missing', () => {
		const view = cluster('bare');
		return Object.values(view.discovery!.state).every(state => state === 'missing') && view.submarinerMissing ? view : undefined;
	}, 15_000);
	assert.equal(bareView.verdict.level, 'ok', bareView.verdict.reasons.join('; '));
	const gateways = lab!.store.snapshot().gateways;
	assert.deepEqual(gateways.find(each => each.cluster === 'm1')!.verdict, {level: 'ok', reasons: []});
	assert.deepEqual(gateways.find(each => each.cluster === 'm2')!.verdict, {level: 'unknown', reasons: ['m2→m1 connected, not health-checked (connectionHealthCheck disabled in submariner-operator/submariner)']});

	// A port conflict, as the agent merges it into the Conflict condition.
	await m1.exportStatus('data', 'redis', [valid, {type: 'Ready', status: 'False', reason: 'Failed', message: 'Unable to export due to an irresolvable conflict'}, {type: 'Conflict', status: 'True', reason: 'PortConflict', message: 'The service ports conflict between the constituent clusters'}]);
	await until('the conflict in the store', () => exportRows(lab!.store.snapshot()).find(row => row.export.name === 'redis')?.state === 'conflict', 15_000);
	assert.deepEqual(cluster('m1').verdict.reasons, ['m1 ServiceExport data/redis Conflict: PortConflict: The service ports conflict between the constituent clusters']);
	assert.ok(lab!.store.snapshot().events.some(event => event.text === 'm1: ServiceExport data/redis Conflict: PortConflict: The service ports conflict between the constituent clusters'), 'news in the feed');

	// The TUI: x lists them, the gateways view shows the CR and endpoints.
	const app = renderApp(lab!.store, {intents: {quit: () => {}, dig: fakeDig()}, columns: 120, rows: 30});
	await settle();
	const services = await app.press('x');
	assert.match(services, /m1\s+data\/postgresql\s+m2\s+Valid, Ready/);
	assert.match(services, /m1\s+data\/redis\s+m2\s+Conflict: PortConflict: The service ports conflict/);
	assert.match(services, /bare\s+Lighthouse not installed \(no serviceexports\.multicluster\.x-k8s\.io API\)/);
	const gatewaysView = await app.press('g');
	assert.match(gatewaysView, /m2\s+m2-gw\s+active\s+→m1 connected, not health-checked/);
	assert.match(gatewaysView, /submariner-operator\/submariner: cluster m2, libreswan, health check off/);
	assert.match(gatewaysView, /remote m2\s+m2-gw\s+libreswan 127\.0\.0\.20\s+hc 10\.245\.0\.1/);
	app.unmount();

	// check, text and JSON, from its own one-shot lists.
	const env = {XDG_STATE_HOME: directory};
	const text = await labwatch(['check', '--config', configPath, '--timeout', '10s'], env);
	assert.match(text.stdout, /^service m1 data\/postgresql Valid, Ready, imported on m2$/m, text.stdout + text.stderr);
	assert.match(text.stdout, /^service m1 data\/redis Conflict: PortConflict: The service ports conflict between the constituent clusters, imported on m2$/m);
	assert.match(text.stdout, /^services bare Lighthouse not installed \(no serviceexports\.multicluster\.x-k8s\.io API\)$/m);
	assert.match(text.stdout, /^gateway m2 UNKNOWN →m1 connected, not health-checked$/m);
	assert.match(text.stdout, /^phase 3 passed an m2 service reached by its clusterset DNS name: ServiceExport data\/postgresql on m1 Valid, Ready, imported on m2 \(1 other export not found: data\/redis\)$/m);
	assert.doesNotMatch(text.stdout, /^ {2}bare /m, 'no reason against the cluster without the CRDs');
	// WARNING for the conflict (UNKNOWN, for m2's tunnel not health-checked, ranks below it).
	assert.equal(text.code, 1, text.stdout);
	assert.match(text.stdout, /^LABWATCH WARNING - m1 ServiceExport data\/redis Conflict: PortConflict: The service ports conflict between the constituent clusters$/m);
	const json = JSON.parse((await labwatch(['check', '--config', configPath, '--json', '--timeout', '10s'], env)).stdout);
	assert.deepEqual(json.services.map((each: any) => [each.cluster, each.lighthouse, each.exports.map((item: any) => `${item.name}:${item.state}:${item.importedOn.map((site: any) => site.cluster)}`)]), [
		['m1', 'installed', ['postgresql:exported:m2', 'redis:conflict:m2']],
		['m2', 'installed', []],
		['bare', 'not installed', []],
	]);
	assert.deepEqual(json.submariner.find((each: any) => each.cluster === 'm2').cr.healthCheck, {enabled: false, intervalSeconds: 1, maxPacketLossCount: 5, defaulted: false});
	assert.equal(json.gateways.find((each: any) => each.cluster === 'm2').gateways[0].connections[0].healthChecked, false);
	assert.equal(json.clusters.find((each: any) => each.name === 'bare').resources.serviceexports.error, null);
});

test('the read-only user: 403 on gateways only; exports, imports, endpoints and the CR stay readable', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const readonly = await openLab({configFlag: join(directory, 'readonly.yaml')});
	const stop = await startWatching(readonly);
	t.after(async () => {
		stop();
		await readonly.close();
	});
	const view = () => readonly.store.snapshot().clusters[0]!;
	await until('m1 live for the read-only user', () => view().connection.phase === 'live', 15_000);
	assert.match(await until('gateways forbidden', () => view().resources?.gateways.error), /^forbidden: gateways\.submariner\.io is forbidden/);
	await until('exports listed', () => view().discovery?.serviceExports.length === 2, 15_000);
	await until('every discovery kind listed', () => Object.values(view().discovery!.state).every(state => state === 'listed'), 15_000);
	for (const kind of ['serviceexports', 'serviceimports', 'endpoints', 'clusters', 'submariners'] as const) {
		assert.equal(view().resources?.[kind].error, undefined, `${kind}: ${view().resources?.[kind].error}`);
		assert.equal(view().discovery?.state[kind], 'listed', kind);
	}
	assert.equal(view().discovery?.submariner?.clusterId, 'm1');
});
