// Live watches against the simulated homelab over real HTTP: the probe's detection bound, resuming
// after a partition without a relist, 410 after history is gone, abrupt resets and server restarts.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';
import {loadKubeConfigs} from '../../source/kube/kubeconfig.js';
import {ClusterWatch} from '../../source/kube/cluster-watch.js';
import {LabStore} from '../../source/store/lab-store.js';
import {ClusterServer} from '../../source/sim/api-server.js';

const directory = mkdtempSync(join(tmpdir(), 'labwatch-kube-'));
after(() => rmSync(directory, {recursive: true, force: true}));

interface Rig {
	sim: HomelabSim;
	store: LabStore;
	watches: ClusterWatch[];
	relists: Record<string, number>;
	stop(): Promise<void>;
}

async function rig(options: Parameters<typeof startHomelab>[0] = {}): Promise<Rig> {
	const sim = await startHomelab({life: false, healthCheck: {pingIntervalMs: 200, pingTimeoutMs: 200, maxPacketLossCount: 2, syncIntervalMs: 500}, ...options});
	const file = join(directory, `kubeconfig-${Math.random().toString(36).slice(2)}.yaml`);
	writeFileSync(file, sim.kubeconfigYaml());
	const names = sim.clusters.map(cluster => cluster.name);
	const kubeconfigs = loadKubeConfigs(names.map(name => ({cluster: name, context: `sim-${name}`})), file);
	const store = new LabStore(names.map(name => ({name, context: `sim-${name}`, host: name})));
	// Count full lists: a healed partition should resume watches, not list everything again.
	const relists: Record<string, number> = {};
	const replacePods = store.replacePods.bind(store);
	store.replacePods = (cluster, pods) => {
		relists[cluster] = (relists[cluster] ?? 0) + 1;
		replacePods(cluster, pods);
	};
	const watches = names.map(name => new ClusterWatch(kubeconfigs.get(name)!, {name, submarinerNamespace: 'submariner-operator'}, store, {probeIntervalMs: 500, probeTimeoutMs: 500, requestTimeoutMs: 2000}));
	for (const watch of watches) watch.start();
	return {
		sim,
		store,
		watches,
		relists,
		async stop() {
			for (const watch of watches) watch.stop();
			await sim.stop();
		},
	};
}

async function until<T>(what: string, read: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = read();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

const cluster = (r: Rig, name: string) => r.store.snapshot().clusters.find(each => each.name === name)!;
const modelPods = (r: Rig, name: string) => r.sim.clusters.find(each => each.name === name)!.model.pods().length;

function touchPod(r: Rig, clusterName: string, index: number, label: string): string {
	const model = r.sim.clusters.find(each => each.name === clusterName)!.model;
	const pod = model.pods()[index]!;
	model.update('pods', pod.namespace, pod.name, object => {
		object.metadata.labels = {...object.metadata.labels, tier: label};
	});
	return pod.name;
}

test('both clusters go live with what the simulator holds', async () => {
	const r = await rig();
	try {
		await until('both live', () => r.store.snapshot().clusters.every(each => each.connection.phase === 'live'));
		for (const name of ['m1', 'm2']) {
			await until(`${name} pods`, () => cluster(r, name).podCounts.total === modelPods(r, name));
			assert.ok(cluster(r, name).nodeCounts.total >= 2);
			assert.equal(cluster(r, name).gateways.length, 1);
		}
		assert.equal(r.store.snapshot().verdict.level, 'ok', r.store.snapshot().verdict.reasons.join('; '));
	} finally {
		await r.stop();
	}
});

test('a partition makes m2 unreachable within 3 s while m1 stays live; heal resumes without a relist', async () => {
	const r = await rig();
	try {
		await until('both live', () => r.store.snapshot().clusters.every(each => each.connection.phase === 'live'));
		const relistsBefore = r.relists.m2;
		const cutMs = Date.now();
		r.sim.partition();
		await until('m2 unreachable', () => cluster(r, 'm2').connection.phase === 'unreachable', 3000);
		const detectMs = Date.now() - cutMs;
		assert.ok(detectMs <= 3000, `detected after ${detectMs} ms`);
		assert.equal(cluster(r, 'm2').connection.reason, 'timeout');
		assert.equal(cluster(r, 'm2').stale, true);
		assert.equal(cluster(r, 'm1').connection.phase, 'live');
		assert.equal(r.store.snapshot().verdict.level, 'crit');
		// A change made inside m2 during the cut reaches labwatch after the heal.
		const changed = touchPod(r, 'm2', 0, 'changed-during-cut');
		await new Promise(resolve => setTimeout(resolve, 300));
		const healMs = Date.now();
		r.sim.heal();
		await until('m2 live', () => cluster(r, 'm2').connection.phase === 'live', 3000);
		assert.ok(Date.now() - healMs <= 3000);
		await until('missed change', () => cluster(r, 'm2').pods.find(pod => pod.name === changed)?.labels.tier === 'changed-during-cut');
		assert.equal(r.relists.m2, relistsBefore, 'resumed from the last resourceVersion, no relist');
	} finally {
		await r.stop();
	}
});

test('a version older than the server keeps (410) makes the watch list again, and the store matches', async () => {
	const r = await rig({historyLimit: 20});
	try {
		await until('both live', () => r.store.snapshot().clusters.every(each => each.connection.phase === 'live'));
		const relistsBefore = r.relists.m2 ?? 0;
		r.sim.partition();
		await until('m2 unreachable', () => cluster(r, 'm2').connection.phase === 'unreachable', 3000);
		for (let index = 0; index < 40; index++) touchPod(r, 'm2', index % 5, `burst-${index}`);
		r.sim.heal();
		await until('relisted', () => (r.relists.m2 ?? 0) > relistsBefore, 5000);
		const lastTouched = r.sim.clusters.find(each => each.name === 'm2')!.model.pods()[4]!.name;
		await until('latest state', () => cluster(r, 'm2').pods.find(pod => pod.name === lastTouched)?.labels.tier === 'burst-39');
		// A reflector's own retry can relist before the next probe has said the cluster answers again.
		await until('m2 live', () => cluster(r, 'm2').connection.phase === 'live', 3000);
	} finally {
		await r.stop();
	}
});

test('an abrupt reset of every connection is survived: the watch comes back by itself', async () => {
	const r = await rig();
	try {
		await until('both live', () => r.store.snapshot().clusters.every(each => each.connection.phase === 'live'));
		const server = r.sim.clusters.find(each => each.name === 'm1')!.server;
		server.dropConnections();
		await new Promise(resolve => setTimeout(resolve, 200));
		const name = touchPod(r, 'm1', 2, 'after-reset');
		await until('event after reset', () => cluster(r, 'm1').pods.find(pod => pod.name === name)?.labels.tier === 'after-reset', 5000);
		// Each watch comes back after its own (jittered) back-off.
		await until('m1 live again', () => cluster(r, 'm1').connection.phase === 'live', 3000);
	} finally {
		await r.stop();
	}
});

test('an API server restart: reconnecting, then live again on the same port with the same data', async () => {
	const r = await rig();
	try {
		await until('both live', () => r.store.snapshot().clusters.every(each => each.connection.phase === 'live'));
		const handle = r.sim.clusters.find(each => each.name === 'm1')!;
		const port = Number(new URL(handle.url).port);
		await handle.server.close();
		await until('m1 not live', () => cluster(r, 'm1').connection.phase !== 'live', 3000);
		// The torn-down watches may say "connection reset" first; the next probe says why.
		await until('the probe\'s reason', () => /connection refused/.test(cluster(r, 'm1').connection.reason ?? ''), 3000);
		const name = touchPod(r, 'm1', 3, 'while-down');
		// The same store behind a new server: an apiserver restarting over an intact etcd.
		const restarted = new ClusterServer(handle.model, (handle.server as any).network);
		await restarted.listen(port, '127.0.0.1');
		try {
			await until('m1 live again', () => cluster(r, 'm1').connection.phase === 'live', 5000);
			await until('change made while down', () => cluster(r, 'm1').pods.find(pod => pod.name === name)?.labels.tier === 'while-down', 5000);
		} finally {
			for (const watch of r.watches) watch.stop();
			await restarted.close();
		}
	} finally {
		await r.stop();
	}
});

test('a resource the API refuses (500) is reported on its own while the cluster stays live, then recovers', async () => {
	const r = await rig();
	try {
		await until('both live', () => r.store.snapshot().clusters.every(each => each.connection.phase === 'live'));
		const handle = r.sim.clusters.find(each => each.name === 'm2')!;
		handle.model.failNext(/\/api\/v1\/pods\?/, 500, 2);
		handle.server.dropConnections();
		await until('m2 pods with the reason', () => /^internal error/i.test(cluster(r, 'm2').resources?.pods.error ?? ''), 5000);
		// The dropped connections reconnect; the failing pods keep the cluster neither connecting nor reconnecting.
		await until('m2 live while pods still fail', () => cluster(r, 'm2').connection.phase === 'live' && cluster(r, 'm2').resources?.pods.error, 3000);
		assert.equal(r.store.snapshot().verdict.level, 'warn');
		assert.match(r.store.snapshot().verdict.reasons.join('; '), /m2 pods: internal error/i);
		await until('pods readable again', () => cluster(r, 'm2').resources?.pods.error === undefined, 8000);
		assert.equal(r.store.snapshot().verdict.level, 'ok', r.store.snapshot().verdict.reasons.join('; '));
	} finally {
		await r.stop();
	}
});
