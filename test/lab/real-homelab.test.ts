// The real-Kubernetes lab's controls, each against real kube-apiservers: a two-cluster homelab with one
// merged kubeconfig, freeze/thaw, compaction followed by an apiserver restart (the in-stream 410 of a
// watch from an old resourceVersion), etcd killed and restarted, namespace deletion by the
// controller-manager, and a cluster without Submariner's CRDs.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ApisApi, CoreV1Api, KubeConfig, Watch} from '@kubernetes/client-node';
import {ensureLabBinary, goVersion, labBinaryIsBuilt} from '../../lab/build.js';
import {processAlive, startRealCluster, startRealHomelab} from '../../lab/cluster.js';
import {needs} from '../support/infra.js';

function kubeconfig(path: string, context: string): KubeConfig {
	const kc = new KubeConfig();
	kc.loadFromFile(path);
	kc.setCurrentContext(context);
	return kc;
}

async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while (Date.now() < deadline) {
		try {
			return await fn();
		} catch (error) {
			last = error;
			await new Promise(resolve => setTimeout(resolve, 250));
		}
	}
	throw new Error(`${what}: still failing after ${timeoutMs} ms: ${String(last)}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
	return Promise.race([promise, new Promise<'timeout'>(resolve => setTimeout(() => resolve('timeout'), ms))]);
}

test('real homelab: merged kubeconfig, freeze, compaction 410, etcd kill, namespace deletion, no Submariner', {timeout: 45 * 60_000}, async t => {
	const go = labBinaryIsBuilt() || (await goVersion()) !== undefined;
	if (!needs(t, go, 'needs Go (or a built lab binary) to build the real-apiserver lab: see lab/README.md')) return;
	const binary = await ensureLabBinary();
	const started = Date.now();
	const mark = (what: string) => t.diagnostic(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
	const lab = await startRealHomelab(['h1', 'h2'], {binary, t});
	mark('homelab ready');
	const [h1, h2] = [lab.cluster('h1'), lab.cluster('h2')];
	const pids = lab.clusters.flatMap(c => Object.values(c.processes()).filter((pid): pid is number => pid !== undefined));
	assert.equal(pids.length, 6, 'etcd, apiserver and controller-manager for each cluster');

	// One kubeconfig, every context, each to its own apiserver.
	const merged = new KubeConfig();
	merged.loadFromFile(lab.kubeconfigPath);
	assert.deepEqual(merged.getContexts().map(c => c.name).sort(), ['h1-readonly', 'h2-readonly', 'kind-h1', 'kind-h2']);
	assert.equal(merged.getCurrentContext(), 'kind-h1');
	assert.notEqual(h1.server, h2.server);
	const core1 = kubeconfig(lab.kubeconfigPath, 'kind-h1').makeApiClient(CoreV1Api);
	const core2 = kubeconfig(lab.kubeconfigPath, 'kind-h2').makeApiClient(CoreV1Api);
	await core1.createNamespace({body: {metadata: {name: 'only-on-h1'}}});
	assert.ok((await core1.listNamespace()).items.some(ns => ns.metadata?.name === 'only-on-h1'));
	assert.ok(!(await core2.listNamespace()).items.some(ns => ns.metadata?.name === 'only-on-h1'));

	mark('merged kubeconfig checked');

	// A frozen apiserver hangs rather than refuses; thawed, it answers again.
	h2.freeze();
	assert.equal(await withTimeout(core2.listNamespace().then(() => 'answered' as const, () => 'failed' as const), 2000), 'timeout');
	h2.thaw();
	await eventually('h2 answers after thaw', () => core2.listNamespace());

	mark('freeze and thaw checked');

	// Compaction, then a restart (the watch cache starts over): a watch from an old resourceVersion gets
	// HTTP 200 and one ERROR event carrying a 410 Expired Status.
	const first = await core1.createNamespacedConfigMap({namespace: 'default', body: {metadata: {name: 'rv-1'}}});
	const oldVersion = first.metadata?.resourceVersion;
	assert.ok(oldVersion);
	for (let i = 2; i <= 4; i++) await core1.createNamespacedConfigMap({namespace: 'default', body: {metadata: {name: `rv-${i}`}}});
	const revision = await h1.compact();
	assert.ok(revision > Number(oldVersion), `compacted at ${revision}, after ${oldVersion}`);
	await h1.restartApiserver();
	const events: {phase: string; object: {code?: number; reason?: string; message?: string}}[] = [];
	await new Promise<void>((resolve, reject) => {
		void new Watch(kubeconfig(lab.kubeconfigPath, 'kind-h1'))
			.watch('/api/v1/namespaces/default/configmaps', {resourceVersion: oldVersion}, (phase, object) => events.push({phase, object}), () => resolve())
			.catch(reject);
	});
	assert.equal(events.length, 1, JSON.stringify(events));
	assert.equal(events[0]?.phase, 'ERROR');
	assert.equal(events[0]?.object.code, 410);
	assert.equal(events[0]?.object.reason, 'Expired');
	assert.match(events[0]?.object.message ?? '', /^too old resource version: /);

	mark('410 after compaction checked');

	// etcd killed: the apiserver keeps running but cannot serve; etcd back: it serves again.
	const apiserverBefore = h2.processes().apiserver;
	await h2.killEtcd();
	assert.equal(h2.processes().etcd, undefined);
	// The write fails or hangs (the apiserver retries etcd until its request timeout); it never succeeds.
	const write = core2.createNamespace({body: {metadata: {name: 'while-etcd-is-down'}}}).then(() => 'written' as const, () => 'failed' as const);
	assert.notEqual(await withTimeout(write, 3000), 'written');
	assert.equal(h2.processes().apiserver, apiserverBefore, 'the apiserver survives its etcd');
	await h2.restartEtcd();
	await eventually('h2 writes again after etcd restarted', () => core2.createNamespace({body: {metadata: {name: 'after-etcd-restart'}}}));

	mark('etcd kill and restart checked');

	// Namespace deletion needs the controller-manager's namespace controller.
	await core1.deleteNamespace({name: 'only-on-h1'});
	await eventually('only-on-h1 is gone', async () => {
		const names = (await core1.listNamespace()).items.map(ns => ns.metadata?.name);
		if (names.includes('only-on-h1')) throw new Error('still there');
	});

	mark('namespace deletion checked');

	// A cluster bootstrapped without Submariner serves no submariner.io group.
	const bare = await startRealCluster({name: 'bare', binary, submariner: false, controllerManager: false, t});
	const groups = await kubeconfig(bare.kubeconfigPath, bare.context).makeApiClient(ApisApi).getAPIVersions();
	assert.ok(!groups.groups.some(group => group.name === 'submariner.io'));
	assert.ok(groups.groups.some(group => group.name === 'apps'));
	pids.push(...Object.values(bare.processes()).filter((pid): pid is number => pid !== undefined));

	mark('bare cluster checked');

	await bare.stop();
	await lab.stop();
	mark('stopped');
	const alive = [...pids, ...Object.values(h2.processes())].filter((pid): pid is number => pid !== undefined && processAlive(pid));
	assert.deepEqual(alive, [], 'nothing left running');
});
