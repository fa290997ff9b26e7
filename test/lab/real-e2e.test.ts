// labwatch's own code end to end against REAL kube-apiservers (lab/): a two-cluster homelab per file,
// written to through client-node's write APIs (nodes and their status, pods bound by hand and their
// status, Submariner Gateways on the real CRD), read by openLab/startWatching and by `labwatch check`.
// kubectl is the oracle. One homelab for the whole file (each apiserver is ~0.5 GB and seconds to start).
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ensureLabBinary} from '../../lab/build.js';
import {startRealHomelab} from '../../lab/cluster.js';
import {openLab, startWatching, type Lab} from '../../source/lab.js';
import type {ClusterSnapshot} from '../../source/store/types.js';
import {needs} from '../support/infra.js';
import {ClusterWriter, inParallel, kubectlPods, labAvailable, labReason, labwatch, labwatchBin, retry, until, writeLabwatchConfig} from './support.js';

type Homelab = Awaited<ReturnType<typeof startRealHomelab>>;

const available = await labAvailable();
const directory = mkdtempSync(join(tmpdir(), 'labwatch-reale2e-'));
let homelab: Homelab | undefined;
let lab: Lab | undefined;
let stopWatching: (() => void) | undefined;
let configPath = '';
const writers: Record<string, ClusterWriter> = {};
const relists: Record<string, number> = {};
const startedMs = Date.now();

before(async () => {
	if (!available) return;
	const binary = await ensureLabBinary();
	homelab = await startRealHomelab(['m1', 'm2'], {binary});
	for (const name of ['m1', 'm2']) writers[name] = new ClusterWriter(homelab.kubeconfigPath, `kind-${name}`);
	configPath = writeLabwatchConfig(directory, 'config.yaml', homelab.kubeconfigPath, {m1: 'kind-m1', m2: 'kind-m2'});
	lab = await openLab({configFlag: configPath});
	// Count full pod lists: a 410 must end in a relist.
	const replacePods = lab.store.replacePods.bind(lab.store);
	lab.store.replacePods = (cluster, pods) => {
		relists[cluster] = (relists[cluster] ?? 0) + 1;
		replacePods(cluster, pods);
	};
	stopWatching = await startWatching(lab);
});

after(async () => {
	stopWatching?.();
	await lab?.close();
	await homelab?.stop();
	rmSync(directory, {recursive: true, force: true});
});

const cluster = (name: string): ClusterSnapshot => lab!.store.snapshot().clusters.find(each => each.name === name)!;
const storePods = (name: string) =>
	cluster(name)
		.pods.map(pod => ({namespace: pod.namespace, name: pod.name, phase: pod.phase, restarts: pod.restarts}))
		.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));

/** The store holds exactly what kubectl lists: names, phases, restarts. */
async function storeEqualsKubectl(name: string, timeoutMs = 15_000): Promise<number> {
	let expected = await kubectlPods(homelab!.kubeconfigPath, `kind-${name}`);
	await until(`${name}'s store to equal kubectl get pods -A`, async () => {
		if (JSON.stringify(storePods(name)) === JSON.stringify(expected)) return true;
		expected = await kubectlPods(homelab!.kubeconfigPath, `kind-${name}`);
		return false;
	}, timeoutMs).catch(error => {
		assert.deepEqual(storePods(name), expected, String(error));
	});
	return expected.length;
}

function mark(t: {diagnostic(message: string): void}, testStartedMs: number, what: string): void {
	t.diagnostic(`${((Date.now() - testStartedMs) / 1000).toFixed(1)} s (file ${((Date.now() - startedMs) / 1000).toFixed(1)} s): ${what}`);
}

test('real homelab: both clusters live; nodes, pods and gateways reach the store; check --json says OK, then WARNING for a CrashLoopBackOff', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const t0 = Date.now();
	const {m1, m2} = writers as {m1: ClusterWriter; m2: ClusterWriter};
	await Promise.all([
		m1.node('m1-control-plane', {ready: true, memoryGiB: 12}),
		m1.node('m1-worker', {ready: true, memoryGiB: 4}),
		m2.node('m2-control-plane', {ready: true, memoryGiB: 6}),
	]);
	await Promise.all([m1.namespace('apps'), m2.namespace('apps'), m1.namespace('submariner-operator'), m2.namespace('submariner-operator')]);
	await inParallel(['web', 'db', 'cache'], 3, async app => {
		await m1.pod('apps', `${app}-1`, app === 'db' ? 'm1-worker' : 'm1-control-plane');
		await m1.podRunning('apps', `${app}-1`);
		await m2.pod('apps', `${app}-2`, 'm2-control-plane');
		await m2.podRunning('apps', `${app}-2`, 1);
	});
	await Promise.all([
		m1.gateway('submariner-operator', 'm1-control-plane', 'm1', [{cluster: 'm2', status: 'connected'}]),
		m2.gateway('submariner-operator', 'm2-control-plane', 'm2', [{cluster: 'm1', status: 'connected'}]),
	]);
	mark(t, t0, 'written');

	await until('both clusters live', () => lab!.store.snapshot().clusters.every(each => each.connection.phase === 'live'));
	for (const [name, nodes] of [['m1', 2], ['m2', 1]] as const) {
		await until(`${name}'s nodes`, () => cluster(name).nodeCounts.total === nodes && cluster(name).nodeCounts.ready === nodes);
		await until(`${name}'s pods running`, () => cluster(name).podCounts.running === 3);
		await until(`${name}'s gateway`, () => cluster(name).gateways.length === 1);
	}
	const node = cluster('m1').nodes.find(each => each.name === 'm1-control-plane')!;
	assert.equal(node.memoryCapacityBytes, 12 * 2 ** 30);
	assert.equal(node.memoryAllocatableBytes, 12 * 2 ** 30 - 256 * 2 ** 20);
	assert.equal(cluster('m2').pods.find(pod => pod.name === 'web-2')?.restarts, 1);
	assert.equal(cluster('m1').pods.find(pod => pod.name === 'db-1')?.node, 'm1-worker');
	const [gateway] = cluster('m1').gateways;
	assert.equal(gateway?.haStatus, 'active');
	assert.deepEqual(gateway?.connections.map(each => [each.remoteCluster, each.status]), [['m2', 'connected']]);
	assert.equal(lab!.store.snapshot().verdict.level, 'ok', lab!.store.snapshot().verdict.reasons.join('; '));
	mark(t, t0, 'store checked');

	assert.ok(existsSync(labwatchBin), 'dist/labwatch.js is built (npm run build; npm test builds it)');
	const env = {XDG_STATE_HOME: directory};
	// Fresh update-timestamps: a gateway not rewritten for 15 s is stale, as Submariner's own peers see it.
	await Promise.all([
		m1.gateway('submariner-operator', 'm1-control-plane', 'm1', [{cluster: 'm2', status: 'connected'}]),
		m2.gateway('submariner-operator', 'm2-control-plane', 'm2', [{cluster: 'm1', status: 'connected'}]),
	]);
	const ok = await labwatch(['check', '--config', configPath, '--json', '--timeout', '10s'], env);
	assert.equal(ok.code, 0, ok.stdout + ok.stderr);
	const okJson = JSON.parse(ok.stdout);
	assert.equal(okJson.status, 'OK');
	assert.deepEqual(okJson.clusters.map((each: any) => [each.name, each.status, each.connection.phase, each.nodes.ready, each.pods.running]), [['m1', 'OK', 'live', 2, 3], ['m2', 'OK', 'live', 1, 3]]);
	assert.deepEqual(okJson.gateways.map((each: any) => [each.cluster, each.status, each.gateways[0]?.connections[0]?.status]), [['m1', 'OK', 'connected'], ['m2', 'OK', 'connected']]);
	mark(t, t0, `check OK in ${ok.ms} ms`);

	await m2.podCrashLooping('apps', 'cache-2', 7);
	await until('the crash loop in the store', () => cluster('m2').pods.find(pod => pod.name === 'cache-2')?.problem === 'CrashLoopBackOff');
	assert.equal(cluster('m2').pods.find(pod => pod.name === 'cache-2')?.restarts, 7);
	assert.equal(lab!.store.snapshot().verdict.level, 'warn');
	const warn = await labwatch(['check', '--config', configPath, '--json', '--timeout', '10s'], env);
	assert.equal(warn.code, 1, warn.stdout + warn.stderr);
	const warnJson = JSON.parse(warn.stdout);
	assert.equal(warnJson.status, 'WARNING');
	const m2Json = warnJson.clusters.find((each: any) => each.name === 'm2');
	assert.equal(m2Json.status, 'WARNING');
	assert.deepEqual(m2Json.problems, [{namespace: 'apps', name: 'cache-2', problem: 'CrashLoopBackOff', phase: 'Running', restarts: 7, node: 'm2-control-plane'}]);
	assert.ok(warnJson.reasons.some((reason: string) => reason === 'm2 1 pod failing: apps/cache-2 CrashLoopBackOff'), warnJson.reasons.join('; '));
	assert.equal(warnJson.clusters.find((each: any) => each.name === 'm1').status, 'OK');
	// Back to health for the tests that follow.
	await m2.podRunning('apps', 'cache-2', 7);
	mark(t, t0, `check WARNING in ${warn.ms} ms`);
});

test('real homelab: 2,000 pod changes (creates, status patches, deletes; 16 in flight) arrive and the store equals kubectl get pods -A', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const t0 = Date.now();
	const {m1, m2} = writers as {m1: ClusterWriter; m2: ClusterWriter};
	await Promise.all([m1.namespace('churn'), m2.namespace('churn')]);
	// Per cluster: 400 creates, 400 status patches (Running, restarts), 200 deletes = 1,000 changes.
	const changes = {count: 0};
	await Promise.all(
		(['m1', 'm2'] as const).map(async name => {
			const writer = writers[name]!;
			const nodeName = `${name}-control-plane`;
			const indexes = Array.from({length: 400}, (_, index) => index);
			for (let batch = 0; batch < indexes.length; batch += 100) {
				const slice = indexes.slice(batch, batch + 100);
				await inParallel(slice, 8, async index => {
					await writer.pod('churn', `churn-${index}`, nodeName);
					changes.count++;
				});
				await inParallel(slice, 8, async index => {
					await writer.podRunning('churn', `churn-${index}`, index % 5);
					changes.count++;
				});
				await inParallel(slice.filter(index => index % 2 === 0), 8, async index => {
					await writer.core.deleteNamespacedPod({namespace: 'churn', name: `churn-${index}`, gracePeriodSeconds: 0});
					changes.count++;
				});
			}
		}),
	);
	assert.equal(changes.count, 2000);
	mark(t, t0, `2,000 changes written (${Math.round(2000 / ((Date.now() - t0) / 1000))}/s)`);
	for (const name of ['m1', 'm2']) {
		const pods = await storeEqualsKubectl(name);
		assert.equal(pods, 3 + 200, `${name}: 3 app pods and 200 churn pods are left`);
		assert.equal(cluster(name).pods.filter(pod => pod.namespace === 'churn' && pod.phase === 'Running').length, 200);
		assert.equal(cluster(name).connection.phase, 'live');
	}
	mark(t, t0, 'store equals kubectl');
});

test('real homelab: etcd compaction and an apiserver restart make the watch get 410 and relist; the store is right and m1 live again', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const t0 = Date.now();
	const m1 = writers.m1!;
	const relistsBefore = relists.m1 ?? 0;
	// Move etcd's revision past the pod watch's version with writes it does not see, then compact there:
	// the pod watch's version is then older than anything etcd keeps.
	for (let index = 0; index < 20; index++) await m1.core.createNamespacedConfigMap({namespace: 'default', body: {metadata: {name: `bump-${index}`}}});
	const revision = await homelab!.cluster('m1').compact();
	await homelab!.cluster('m1').restartApiserver();
	mark(t, t0, `compacted at ${revision}, apiserver restarted`);
	await until('a relist of m1 pods after the 410', () => (relists.m1 ?? 0) > relistsBefore, 30_000);
	await retry(() => m1.podCrashLooping('churn', 'churn-1', 9));
	await retry(() => m1.core.deleteNamespacedPod({namespace: 'churn', name: 'churn-3', gracePeriodSeconds: 0}));
	await until('m1 live', () => cluster('m1').connection.phase === 'live', 15_000);
	await storeEqualsKubectl('m1');
	assert.equal(cluster('m1').pods.find(pod => pod.name === 'churn-1')?.problem, 'CrashLoopBackOff');
	assert.ok(!cluster('m1').pods.some(pod => pod.name === 'churn-3'));
	await retry(() => m1.podRunning('churn', 'churn-1', 9));
	mark(t, t0, `relisted (${(relists.m1 ?? 0) - relistsBefore}x), store equals kubectl`);
});

test('real homelab: a frozen apiserver (SIGSTOP) is unreachable within 3 s; thawed, live again with the changes sent meanwhile', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const t0 = Date.now();
	const m2 = writers.m2!;
	await until('m2 live', () => cluster('m2').connection.phase === 'live', 15_000);
	const frozenMs = Date.now();
	homelab!.cluster('m2').freeze();
	t.after(() => homelab!.cluster('m2').thaw());
	await until('m2 unreachable', () => cluster('m2').connection.phase === 'unreachable', 3500);
	const detectMs = Date.now() - frozenMs;
	mark(t, t0, `unreachable after ${detectMs} ms: ${cluster('m2').connection.reason}`);
	assert.ok(detectMs <= 3500, `detected after ${detectMs} ms`);
	assert.equal(cluster('m2').connection.reason, 'timeout');
	assert.equal(cluster('m1').connection.phase, 'live');
	// Writes sent while it is frozen wait in its socket buffers and land when it wakes.
	const meanwhile = Promise.all([m2.podCrashLooping('churn', 'churn-5', 4), m2.core.deleteNamespacedPod({namespace: 'churn', name: 'churn-7', gracePeriodSeconds: 0})]);
	await new Promise(resolve => setTimeout(resolve, 1500));
	const thawMs = Date.now();
	homelab!.cluster('m2').thaw();
	await meanwhile;
	await until('m2 live after thaw', () => cluster('m2').connection.phase === 'live', 10_000);
	mark(t, t0, `live ${Date.now() - thawMs} ms after thaw`);
	await until('the change made meanwhile', () => cluster('m2').pods.find(pod => pod.name === 'churn-5')?.problem === 'CrashLoopBackOff');
	await storeEqualsKubectl('m2');
	await m2.podRunning('churn', 'churn-5', 4);
});

test('real homelab: a killed etcd makes m2 not live at once; its /readyz answers late with the failed etcd check, which check and a patient probe name; restarted, live again', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const t0 = Date.now();
	const m2 = homelab!.cluster('m2');
	await until('m2 live', () => cluster('m2').connection.phase === 'live', 15_000);
	// Every state m2 goes through in the default watcher (probe deadline 1 s), with its time.
	const seen: string[] = [];
	t.after(lab!.store.subscribe(() => {
		const {phase, reason} = cluster('m2').connection;
		const line = `${phase}: ${reason ?? ''}`;
		if (seen.at(-1)?.endsWith(line) !== true) seen.push(`${Date.now() - t0} ms ${line}`);
	}));
	const killedMs = Date.now();
	await m2.killEtcd();
	t.after(async () => {
		if (!m2.processes().etcd) await m2.restartEtcd();
	});
	// With etcd gone, kube-apiserver v1.37 answers /readyz 500 "[-]etcd failed" only after its etcd check
	// gives up (~4 s here), longer than the default 1 s probe deadline: a timeout first.
	await until('m2 not live', () => cluster('m2').connection.phase !== 'live', 20_000);
	mark(t, t0, `not live ${Date.now() - killedMs} ms after the kill: ${cluster('m2').connection.phase}: ${cluster('m2').connection.reason}`);
	assert.equal(cluster('m1').connection.phase, 'live');

	// A probe deadline longer than the apiserver's etcd check hears the answer and names the failed check.
	const patient = writeLabwatchConfig(directory, 'patient.yaml', homelab!.kubeconfigPath, {m1: 'kind-m1', m2: 'kind-m2'}, {probe: {interval: '1s', timeout: '6s'}});
	const check = await labwatch(['check', '--config', patient, '--json', '--timeout', '15s'], {XDG_STATE_HOME: directory});
	const document = JSON.parse(check.stdout);
	const m2Json = document.clusters.find((each: any) => each.name === 'm2');
	assert.equal(check.code, 2, check.stdout + check.stderr);
	assert.equal(m2Json.status, 'CRITICAL');
	assert.notEqual(m2Json.connection.phase, 'live');
	assert.match(m2Json.connection.reason, /^not ready: \[-\]etcd(-readiness)? failed: reason withheld$/);
	assert.equal(document.clusters.find((each: any) => each.name === 'm1').status, 'OK');
	mark(t, t0, `check in ${check.ms} ms: ${m2Json.connection.phase}: ${m2Json.connection.reason}`);
	const patientLab = await openLab({configFlag: patient});
	const stopPatient = await startWatching(patientLab);
	t.after(async () => {
		stopPatient();
		await patientLab.close();
	});
	const patientView = () => patientLab.store.snapshot().clusters.find(each => each.name === 'm2')!;
	await until('the failed etcd check in a patient watcher', () => patientView().connection.phase !== 'live' && /^not ready: \[-\]etcd(-readiness)? failed: reason withheld$/.test(patientView().connection.reason ?? ''), 20_000)
		.catch(() => assert.fail(`patient watcher: ${patientView().connection.phase}: ${patientView().connection.reason}`));
	mark(t, t0, `patient watcher: ${patientView().connection.phase}: ${patientView().connection.reason}`);

	await m2.restartEtcd();
	await until('m2 live after etcd restarted', () => cluster('m2').connection.phase === 'live', 30_000);
	mark(t, t0, `live again; default watcher's states: ${seen.join(' | ')}`);
	await retry(() => writers.m2!.podCrashLooping('churn', 'churn-9', 2));
	await until('a change after etcd came back', () => cluster('m2').pods.find(pod => pod.name === 'churn-9')?.problem === 'CrashLoopBackOff');
	await storeEqualsKubectl('m2');
});

test('real homelab: the read-only user is forbidden gateways; clusters stay live, gateways say forbidden in the store and in check (text and JSON), never unreachable', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const t0 = Date.now();
	// Fresh gateways so the admin view would be healthy: the only difference is RBAC.
	await Promise.all([
		writers.m1!.gateway('submariner-operator', 'm1-control-plane', 'm1', [{cluster: 'm2', status: 'connected'}]),
		writers.m2!.gateway('submariner-operator', 'm2-control-plane', 'm2', [{cluster: 'm1', status: 'connected'}]),
	]);
	const readonlyConfig = writeLabwatchConfig(directory, 'readonly.yaml', homelab!.kubeconfigPath, {m1: 'm1-readonly', m2: 'm2-readonly'});
	const readonly = await openLab({configFlag: readonlyConfig});
	const stop = await startWatching(readonly);
	t.after(async () => {
		stop();
		await readonly.close();
	});
	const view = (name: string) => readonly.store.snapshot().clusters.find(each => each.name === name)!;
	for (const name of ['m1', 'm2']) {
		await until(`${name} live for the read-only user`, () => view(name).connection.phase === 'live', 15_000);
		const error = await until(`${name} gateways forbidden`, () => view(name).resources?.gateways.error);
		assert.match(error, /^forbidden: gateways\.submariner\.io is forbidden: User "labwatch-readonly" cannot list resource "gateways" in API group "submariner\.io"/);
		assert.ok(view(name).pods.length > 0 && view(name).nodes.length > 0, 'pods and nodes are readable');
		assert.equal(view(name).gateways.length, 0);
	}
	mark(t, t0, 'store checked');
	const env = {XDG_STATE_HOME: directory};
	const json = await labwatch(['check', '--config', readonlyConfig, '--json', '--timeout', '10s'], env);
	const document = JSON.parse(json.stdout);
	assert.equal(document.status, 'WARNING', json.stdout);
	assert.equal(json.code, 1);
	for (const each of document.clusters) {
		assert.equal(each.connection.phase, 'live');
		assert.equal(each.reachable, true);
		assert.match(each.resources.gateways.error, /^forbidden: gateways\.submariner\.io is forbidden/);
		assert.equal(each.resources.pods.error, null);
	}
	assert.doesNotMatch(json.stdout, /unreachable/);
	const text = await labwatch(['check', '--config', readonlyConfig, '--timeout', '10s'], env);
	assert.equal(text.code, 1, text.stdout + text.stderr);
	assert.match(text.stdout, /^LABWATCH WARNING - m1 gateways: forbidden: gateways\.submariner\.io is forbidden/);
	assert.match(text.stdout, /^m1 WARNING live, nodes 2\/2 Ready/m);
	assert.match(text.stdout, /^ {2}m2 gateways: forbidden: gateways\.submariner\.io is forbidden: User "labwatch-readonly"/m);
	assert.doesNotMatch(text.stdout, /unreachable/);
	mark(t, t0, `check WARNING in ${json.ms} / ${text.ms} ms`);
});
