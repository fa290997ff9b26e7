// @kubernetes/client-node 1.4 informers against the simulator, unchanged: list then watch, add/update/delete,
// bookmarks in the path, custom resources through CustomObjectsApi.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {CoreV1Api, CustomObjectsApi, KubeConfig, makeInformer, type KubernetesListObject, type KubernetesObject, type V1Node, type V1Pod} from '@kubernetes/client-node';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';
import {waitFor} from './helpers.js';

let sim: HomelabSim;

before(async () => {
	sim = await startHomelab({life: false, bookmarkIntervalMs: 400, healthCheck: {pingIntervalMs: 100, syncIntervalMs: 300}});
});
after(() => sim.stop());

function kubeConfigFor(context: string): KubeConfig {
	const kc = new KubeConfig();
	kc.loadFromString(sim.kubeconfigYaml());
	kc.setCurrentContext(context);
	return kc;
}

type Informer<T extends KubernetesObject> = ReturnType<typeof makeInformer<T>>;

function record<T extends KubernetesObject>(informer: Informer<T>) {
	const events: Array<{verb: string; object: T}> = [];
	const errors: unknown[] = [];
	for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, object => events.push({verb, object}));
	informer.on('error', error => {
		if ((error as Error | undefined)?.name !== 'AbortError') errors.push(error);
	});
	return {events, errors};
}

describe('client-node informers', () => {
	it('nodes: initial adds from the list, then updates from the watch', async () => {
		const kc = kubeConfigFor('sim-m1');
		const core = kc.makeApiClient(CoreV1Api);
		const informer = makeInformer<V1Node>(kc, '/api/v1/nodes', () => core.listNode());
		const {events, errors} = record(informer);
		await informer.start();
		try {
			await waitFor(() => events.filter(event => event.verb === 'add').length === 3, 5000, '3 node adds');
			assert.deepEqual(informer.list().map(node => node.metadata!.name).sort(), ['m1-control-plane', 'm1-worker', 'm1-worker2']);
			const model = sim.clusters[0]!.model;
			model.update('nodes', undefined, 'm1-worker2', node => {
				node.metadata.labels = {...node.metadata.labels, drained: 'yes'};
			});
			const update = await waitFor(() => events.find(event => event.verb === 'update'), 5000, 'node update');
			assert.equal(update.object.metadata!.labels!.drained, 'yes');
			assert.equal(informer.get('m1-worker2')!.metadata!.labels!.drained, 'yes');
			assert.deepEqual(errors, []);
		} finally {
			await informer.stop();
		}
	});

	it('pods in all namespaces: add, update and delete; bookmarks advance the version', async () => {
		const kc = kubeConfigFor('sim-m2');
		const core = kc.makeApiClient(CoreV1Api);
		const informer = makeInformer<V1Pod>(kc, '/api/v1/pods?allowWatchBookmarks=true', () => core.listPodForAllNamespaces());
		const {events, errors} = record(informer);
		const model = sim.clusters.find(cluster => cluster.name === 'm2')!.model;
		await informer.start();
		try {
			await waitFor(() => informer.list().length === model.count('pods'), 5000, 'all m2 pods listed');
			const backend = informer.list().filter(pod => pod.metadata!.labels!.app === 'backend');
			assert.equal(backend.length, 2);
			for (const pod of backend) assert.match(pod.metadata!.name!, /^backend-7d9f[a-z0-9]+-[a-z0-9]{5}$/);
			const ci = informer.list().find(pod => pod.metadata!.labels!['job-name']);
			assert.equal(ci?.metadata!.labels!.app, 'ci-runner');

			const template = structuredClone(model.get('pods', 'apps', backend[0]!.metadata!.name!)!);
			template.metadata.name = 'backend-7d9f8c6b5d-zzzzz';
			template.metadata.uid = 'new-backend-uid';
			model.create('pods', template);
			await waitFor(() => events.find(event => event.verb === 'add' && event.object.metadata!.name === 'backend-7d9f8c6b5d-zzzzz'), 5000, 'pod add');
			model.update('pods', 'apps', 'backend-7d9f8c6b5d-zzzzz', pod => {
				(pod.status as any).containerStatuses[0].restartCount = 4;
			});
			const update = await waitFor(() => events.find(event => event.verb === 'update' && event.object.metadata!.name === 'backend-7d9f8c6b5d-zzzzz'), 5000, 'pod update');
			assert.equal(update.object.status!.containerStatuses![0]!.restartCount, 4);
			model.remove('pods', 'apps', 'backend-7d9f8c6b5d-zzzzz');
			await waitFor(() => events.find(event => event.verb === 'delete' && event.object.metadata!.name === 'backend-7d9f8c6b5d-zzzzz'), 5000, 'pod delete');
			assert.equal(informer.get('backend-7d9f8c6b5d-zzzzz', 'apps'), undefined);

			// Gateway syncs move the cluster's version; a pod watch only learns it from bookmarks.
			const latest = () => Number((informer as unknown as {latestResourceVersion(): string}).latestResourceVersion());
			const seen = latest();
			// No pod changes happen now (life is off), so only a BOOKMARK can move it.
			await waitFor(() => latest() > seen, 5000, 'a bookmark to advance the informer');
			assert.deepEqual(errors, []);
		} finally {
			await informer.stop();
		}
	});

	it('gateways through CustomObjectsApi.listClusterCustomObject, updated at every sync', async () => {
		const kc = kubeConfigFor('sim-m1');
		const custom = kc.makeApiClient(CustomObjectsApi);
		const list = () => custom.listClusterCustomObject({group: 'submariner.io', version: 'v1', plural: 'gateways'}) as Promise<KubernetesListObject<KubernetesObject & {status: any}>>;
		const informer = makeInformer(kc, '/apis/submariner.io/v1/gateways', list);
		const {events, errors} = record(informer);
		await informer.start();
		try {
			await waitFor(() => informer.list().length === 1, 5000, 'the gateway');
			const update = await waitFor(
				() => events.find(event => event.verb === 'update' && event.object.status.connections[0]?.latencyRTT?.average !== '0s'),
				5000,
				'a gateway update with measured latency',
			);
			const connection = update.object.status.connections[0];
			assert.equal(connection.status, 'connected');
			assert.equal(connection.statusMessage, '');
			assert.equal(connection.endpoint.cluster_id, 'm2');
			assert.equal(connection.usingIP, '192.168.1.20');
			assert.match(connection.latencyRTT.average, /^\d+(\.\d+)?(µs|ms|s)$/);
			assert.equal(update.object.metadata!.namespace, 'submariner-operator');
			assert.deepEqual(errors, []);
		} finally {
			await informer.stop();
		}
	});
});
