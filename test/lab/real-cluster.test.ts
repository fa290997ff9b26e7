// Smoke test of the real-Kubernetes lab: one real kube-apiserver on its own etcd (lab/), reached with
// @kubernetes/client-node through the kind-style kubeconfig the lab writes. The first run on a machine
// builds the lab binary (~7 min); CI builds it in .ci/run before npm test.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ApiException, ApisApi, CoreV1Api, CustomObjectsApi, KubeConfig} from '@kubernetes/client-node';
import {ensureLabBinary, goVersion, labBinaryIsBuilt} from '../../lab/build.js';
import {processAlive, startRealCluster} from '../../lab/cluster.js';
import {needs} from '../support/infra.js';

function client<T>(kubeconfig: string, context: string, api: new (...args: never[]) => T): T {
	const kc = new KubeConfig();
	kc.loadFromFile(kubeconfig);
	kc.setCurrentContext(context);
	return kc.makeApiClient(api as never) as T;
}

test('one real cluster: namespaces, a 403 on gateways for the read-only user, the Gateway CRD in discovery, clean stop', {timeout: 45 * 60_000}, async t => {
	const go = labBinaryIsBuilt() || (await goVersion()) !== undefined;
	if (!needs(t, go, 'needs Go (or a built lab binary) to build the real-apiserver lab: see lab/README.md')) return;
	const binary = await ensureLabBinary();
	const cluster = await startRealCluster({name: 'smoke', binary, t});
	const pids = cluster.processes();
	assert.ok(pids.etcd && pids.apiserver, 'etcd and the apiserver run');
	assert.match(cluster.server, /^https:\/\/127\.0\.0\.1:\d+$/);
	assert.equal(cluster.context, 'kind-smoke');
	assert.equal(cluster.readonlyContext, 'smoke-readonly');
	assert.match(cluster.info.version ?? '', /^v1\.\d+\.\d+$/, 'the apiserver reports a release version');

	const admin = client(cluster.kubeconfigPath, cluster.context, CoreV1Api);
	const namespaces = await admin.listNamespace();
	const names = namespaces.items.map(ns => ns.metadata?.name);
	for (const expected of ['default', 'kube-system', 'kube-public']) assert.ok(names.includes(expected), `namespace ${expected} in ${names.join(', ')}`);

	const readonlyCore = client(cluster.kubeconfigPath, cluster.readonlyContext, CoreV1Api);
	assert.ok((await readonlyCore.listNamespace()).items.length >= 3, 'the read-only user lists namespaces');
	const readonlyCustom = client(cluster.kubeconfigPath, cluster.readonlyContext, CustomObjectsApi);
	await assert.rejects(
		readonlyCustom.listClusterCustomObject({group: 'submariner.io', version: 'v1', plural: 'gateways'}),
		(error: unknown) => {
			assert.ok(error instanceof ApiException, String(error));
			assert.equal(error.code, 403);
			const status = JSON.parse(String(error.body)) as {kind: string; reason: string; message: string};
			assert.equal(status.kind, 'Status');
			assert.equal(status.reason, 'Forbidden');
			assert.match(status.message, /^gateways\.submariner\.io is forbidden: User "labwatch-readonly" cannot list resource "gateways" in API group "submariner\.io"/);
			return true;
		},
	);
	// ...while the same user may list the other Submariner resources.
	await readonlyCustom.listClusterCustomObject({group: 'submariner.io', version: 'v1', plural: 'endpoints'});

	const groups = await client(cluster.kubeconfigPath, cluster.context, ApisApi).getAPIVersions();
	const submariner = groups.groups.find(group => group.name === 'submariner.io');
	assert.ok(submariner, 'submariner.io is served');
	const resources = await client(cluster.kubeconfigPath, cluster.context, CustomObjectsApi).getAPIResources({group: 'submariner.io', version: 'v1'});
	const gateway = resources.resources.find(resource => resource.name === 'gateways');
	assert.equal(gateway?.kind, 'Gateway');
	assert.equal(gateway?.namespaced, true);
	assert.ok(!resources.resources.some(resource => resource.name === 'gateways/status'), 'Gateway has no status subresource');

	await cluster.stop();
	for (const [component, pid] of Object.entries(pids)) {
		if (pid) assert.equal(processAlive(pid), false, `${component} (pid ${pid}) is gone after stop()`);
	}
});
