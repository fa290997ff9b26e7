// The homelab's life written onto REAL kube-apiservers (lab/life.ts): the simulator's model is the writer,
// kubectl is the oracle. One two-cluster lab for the file. m1 lives at the simulator's own pace and its
// Gateway health-checks m2 through a TCP forwarder the test can close; m2 lives fast (restarts, crash
// loops and CI jobs every few seconds) so the lifecycle shows within a test's time.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import {once} from 'node:events';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {KubeConfig, Watch} from '@kubernetes/client-node';
import {execa} from 'execa';
import {stringify} from 'yaml';
import {ensureLabBinary} from '../../lab/build.js';
import {startRealHomelab} from '../../lab/cluster.js';
import {startClusterLife, type ClusterLife} from '../../lab/life.js';
import {openLab, startWatching, type Lab} from '../../source/lab.js';
import {parseQuantity} from '../../source/config/size.js';
import {hasCommand, isRoot, needs} from '../support/infra.js';
import {kubectlPods, labAvailable, labReason, labwatch, labwatchBin, until, writeLabwatchConfig} from './support.js';

type Homelab = Awaited<ReturnType<typeof startRealHomelab>>;

const root = join(import.meta.dirname, '../..');
const available = await labAvailable();
const directory = mkdtempSync(join(tmpdir(), 'labwatch-reallife-'));
let homelab: Homelab | undefined;
const lives: Record<string, ClusterLife> = {};
let forwarder: Forwarder | undefined;
/** What a watch on m2's pods saw, from before life started: lifecycle states that may last a second. */
const seen = {crashLoop: new Set<string>(), oomKilled: new Set<string>(), succeeded: new Set<string>(), pendingThenRunning: new Set<string>()};
let stopPodWatch: (() => void) | undefined;

/** A TCP forwarder to a peer's apiserver that the test can close and reopen on the same port: the cut. */
interface Forwarder {
	port: number;
	close(): Promise<void>;
	open(): Promise<void>;
}

async function startForwarder(target: {host: string; port: number}): Promise<Forwarder> {
	let server: net.Server | undefined;
	const sockets = new Set<net.Socket>();
	let port = 0;
	const open = async () => {
		server = net.createServer(socket => {
			const upstream = net.connect(target);
			sockets.add(socket).add(upstream);
			socket.pipe(upstream).pipe(socket);
			const end = () => {
				socket.destroy();
				upstream.destroy();
				sockets.delete(socket);
				sockets.delete(upstream);
			};
			socket.on('error', end).on('close', end);
			upstream.on('error', end).on('close', end);
		});
		server.listen(port, '127.0.0.1');
		await once(server, 'listening');
		port = (server.address() as net.AddressInfo).port;
	};
	await open();
	return {
		get port() {
			return port;
		},
		open,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise(resolve => server?.close(resolve));
		},
	};
}

const endpointOf = (name: string) => {
	const url = new URL(homelab!.cluster(name).server);
	return {host: url.hostname, port: Number(url.port)};
};

before(async () => {
	if (!available) return;
	const binary = await ensureLabBinary();
	homelab = await startRealHomelab(['m1', 'm2'], {binary});
	forwarder = await startForwarder(endpointOf('m2'));

	// Watch m2's pods before its life starts: a Succeeded CI pod is deleted a couple of seconds later.
	const kc = new KubeConfig();
	kc.loadFromFile(homelab.kubeconfigPath);
	kc.setCurrentContext('kind-m2');
	const controller = await new Watch(kc).watch('/api/v1/pods', {}, (_type, pod: any) => {
		const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
		if (pod.status?.phase === 'Succeeded') seen.succeeded.add(key);
		for (const status of pod.status?.containerStatuses ?? []) {
			if (status.state?.waiting?.reason === 'CrashLoopBackOff') seen.crashLoop.add(key);
			if (status.lastState?.terminated?.reason === 'OOMKilled') seen.oomKilled.add(key);
		}
	}, () => undefined);
	stopPodWatch = () => controller.abort();

	const [m1, m2] = await Promise.all([
		startClusterLife({kubeconfigPath: homelab.kubeconfigPath, context: 'kind-m1', cluster: 'm1', pods: 300, peer: {host: '127.0.0.1', port: forwarder.port}, log: () => undefined}),
		startClusterLife({
			kubeconfigPath: homelab.kubeconfigPath,
			context: 'kind-m2',
			cluster: 'm2',
			pods: 100,
			peer: endpointOf('m1'),
			life: {restartChance: 0.5, ciChance: 0.5, timeScale: 0.2},
			log: () => undefined,
		}),
	]);
	lives.m1 = m1;
	lives.m2 = m2;
});

after(async () => {
	stopPodWatch?.();
	await Promise.all(Object.values(lives).map(life => life.stop()));
	await forwarder?.close();
	await homelab?.stop();
	rmSync(directory, {recursive: true, force: true});
});

const kubectl = async (context: string, ...args: string[]) => (await execa('kubectl', ['--kubeconfig', homelab!.kubeconfigPath, '--context', context, ...args])).stdout;
const kubectlJson = async (context: string, ...args: string[]) => JSON.parse(await kubectl(context, ...args, '-o', 'json'));

interface PodRow {
	namespace: string;
	name: string;
	node: string;
	phase: string;
}

const byKey = (a: PodRow, b: PodRow) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);

function modelPods(life: ClusterLife): PodRow[] {
	return life.model.pods().map(pod => ({namespace: pod.namespace, name: pod.name, node: pod.node ?? '', phase: pod.phase})).sort(byKey);
}

/** kubectl's nodes and pods equal the model's, once the writer has caught up (life goes on meanwhile: retried). */
async function serverEqualsModel(cluster: string): Promise<{pods: number; nodes: string[]}> {
	const life = lives[cluster]!;
	let last: {expected: unknown; actual: unknown} = {expected: undefined, actual: undefined};
	await until(`${cluster}: kubectl get nodes,pods -A to equal the model`, async () => {
		await life.settled();
		const expected = {nodes: life.model.nodes().map(node => [node.name, node.ready, node.memoryCapacityBytes]).sort(), pods: modelPods(life)};
		const list = await kubectlJson(`kind-${cluster}`, 'get', 'nodes,pods', '-A');
		const actual = {
			nodes: list.items.filter((item: any) => item.kind === 'Node').map((node: any) => [
				node.metadata.name,
				node.status.conditions.some((condition: any) => condition.type === 'Ready' && condition.status === 'True'),
				parseQuantity(node.status.capacity.memory),
			]).sort(),
			pods: list.items.filter((item: any) => item.kind === 'Pod').map((pod: any) => ({namespace: pod.metadata.namespace, name: pod.metadata.name, node: pod.spec.nodeName, phase: pod.status.phase})).sort(byKey),
		};
		last = {expected, actual};
		return JSON.stringify(expected) === JSON.stringify(actual);
	}, 30_000).catch(() => assert.deepEqual(last.actual, last.expected));
	return {pods: life.model.count('pods'), nodes: life.model.nodes().map(node => node.name)};
}

test('the seed lands: kubectl get nodes,pods -A equals the model (names, nodes, phases); leases renewed; owners are real', {timeout: 90_000}, async t => {
	if (!needs(t, available, labReason)) return;
	for (const [cluster, pods] of [['m1', 300], ['m2', 100]] as const) {
		const stats = lives[cluster]!.stats();
		assert.equal(stats.writes.errors, 0, stats.lastError);
		assert.ok(stats.seed.pods >= pods + 5, `${cluster} seeded ${stats.seed.pods} pods`);
		t.diagnostic(`${cluster}: seed ${stats.seed.objects} objects, ${stats.seed.pods} pods at ${stats.seed.podsPerSecond} pods/s, ${stats.seed.ms} ms in all`);
		const {pods: count, nodes} = await serverEqualsModel(cluster);
		assert.ok(count >= pods + 5);
		// A kubelet's Lease per node, renewed within the last 10 s (+ slack).
		const leases = await kubectlJson(`kind-${cluster}`, 'get', 'leases', '-n', 'kube-node-lease');
		assert.deepEqual(leases.items.map((lease: any) => lease.metadata.name).sort(), [...nodes].sort());
		for (const lease of leases.items) {
			assert.equal(lease.spec.holderIdentity, lease.metadata.name);
			assert.ok(Date.now() - Date.parse(lease.spec.renewTime) < 15_000, `${lease.metadata.name} renewed at ${lease.spec.renewTime}`);
		}
	}
	// The garbage collector keeps a pod whose owner exists: a Deployment's pod names its real ReplicaSet,
	// which names the real Deployment (what labwatch's restart action follows); static pods name their Node.
	const coredns = (await kubectlJson('kind-m1', 'get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns')).items[0];
	const owner = coredns.metadata.ownerReferences[0];
	assert.equal(owner.kind, 'ReplicaSet');
	const replicaSet = await kubectlJson('kind-m1', 'get', 'replicaset', '-n', 'kube-system', owner.name);
	assert.equal(replicaSet.metadata.uid, owner.uid);
	const deployment = await kubectlJson('kind-m1', 'get', 'deployment', '-n', 'kube-system', 'coredns');
	assert.equal(replicaSet.metadata.ownerReferences[0].uid, deployment.metadata.uid);
	const etcd = await kubectlJson('kind-m1', 'get', 'pod', '-n', 'kube-system', 'etcd-m1-worker');
	const node = await kubectlJson('kind-m1', 'get', 'node', 'm1-worker');
	// A Ready node carries no not-ready taint (the lab runs no node lifecycle controller to lift it).
	assert.deepEqual(node.spec.taints ?? [], []);
	assert.deepEqual([etcd.metadata.ownerReferences[0].kind, etcd.metadata.ownerReferences[0].uid], ['Node', node.metadata.uid]);
});

test('the lifecycle on the real server: CrashLoopBackOff, an OOMKilled last state, a Succeeded CI pod, and their Events', {timeout: 120_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const t0 = Date.now();
	await until('m2 pods in CrashLoopBackOff, OOMKilled and Succeeded on the server', () => seen.crashLoop.size > 0 && seen.oomKilled.size > 0 && seen.succeeded.size > 0, 100_000);
	t.diagnostic(`after ${((Date.now() - t0) / 1000).toFixed(1)} s: crash loops ${[...seen.crashLoop].join(', ')}; OOMKilled ${[...seen.oomKilled].join(', ')}; Succeeded ${[...seen.succeeded].join(', ')}`);
	assert.ok([...seen.succeeded].every(key => key.startsWith('ci/ci-runner-')), [...seen.succeeded].join(', '));
	// The Events follow their pod's write (they name the server's uid): the writer may still be at it.
	const wanted = ['Scheduled', 'Pulled', 'Created', 'Started', 'BackOff', 'OOMKilled'];
	let events: any[] = [];
	await until('the Events of those states', async () => {
		events = (await kubectlJson('kind-m2', 'get', 'events', '-A')).items;
		const reasons = new Set(events.map(event => event.reason));
		return wanted.every(reason => reasons.has(reason));
	}, 15_000).catch(() => assert.deepEqual([...new Set(events.map(event => event.reason))].sort(), wanted.sort()));
	// The events name the server's pods (uids), as a kubelet's do.
	const pods = new Map(((await kubectlJson('kind-m2', 'get', 'pods', '-A')).items as any[]).map(pod => [`${pod.metadata.namespace}/${pod.metadata.name}`, pod.metadata.uid]));
	const backOff = events.find(event => event.reason === 'BackOff' && pods.has(`${event.involvedObject.namespace}/${event.involvedObject.name}`));
	if (backOff) {
		const uid = pods.get(`${backOff.involvedObject.namespace}/${backOff.involvedObject.name}`);
		assert.equal(backOff.involvedObject.uid, uid);
		assert.ok(backOff.message.includes(`(${uid})`), backOff.message);
	}
	const stats = lives.m2!.stats();
	assert.equal(stats.writes.errors, 0, stats.lastError);
	t.diagnostic(`m2 writes: ${JSON.stringify(stats.writes)}`);
});

test('the Gateway is rewritten every ~5 s as the model has it; a closed peer port turns it to error, reopened to connected', {timeout: 120_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const t0 = Date.now();
	const read = () => kubectlJson('kind-m1', 'get', 'gateway', '-n', 'submariner-operator', 'm1-worker');
	// Rewritten every 5 s: three rewrites take 10-15 s after the first.
	const stamps: number[] = [];
	let version = '';
	await until('three Gateway rewrites', async () => {
		const gateway = await read();
		if (gateway.metadata.resourceVersion !== version) {
			version = gateway.metadata.resourceVersion;
			stamps.push(Date.now());
		}
		return stamps.length >= 4;
	}, 30_000);
	const gaps = stamps.slice(2).map((stamp, index) => stamp - stamps[index + 1]!);
	t.diagnostic(`rewrites ${gaps.map(gap => `${gap} ms`).join(', ')} apart`);
	for (const gap of gaps) assert.ok(gap > 3500 && gap < 7000, `a rewrite ${gap} ms after the previous`);

	// What the server keeps is what the model wrote: the CRD's schema prunes nothing Submariner writes.
	const [gateway, model] = await until('the same Gateway sync read from the server and the model', async () => {
		const served = await read();
		const modelled = lives.m1!.model.get('gateways', 'submariner-operator', 'm1-worker')!;
		return served.metadata.annotations['update-timestamp'] === modelled.metadata.annotations!['update-timestamp'] && [served, modelled] as const;
	}, 15_000);
	assert.deepEqual(gateway.status, model.status);
	assert.equal(gateway.status.connections[0].status, 'connected');
	assert.equal(gateway.status.connections[0].endpoint.cluster_id, 'm2');

	// Someone else writes the Gateway between two syncs: the writer's update meets a 409 and is retried on
	// the fresh resourceVersion, as Submariner's syncer does; the next sync lands.
	const conflictsBefore = lives.m1!.stats().writes.conflicts;
	const stampBefore = Number(gateway.metadata.annotations['update-timestamp']);
	await kubectl('kind-m1', 'annotate', 'gateway', '-n', 'submariner-operator', 'm1-worker', 'lab.test/touched=yes');
	await until('a sync after the conflict', async () => Number((await read()).metadata.annotations['update-timestamp']) > stampBefore + 1, 15_000);
	assert.ok(lives.m1!.stats().writes.conflicts > conflictsBefore, JSON.stringify(lives.m1!.stats().writes));
	assert.equal(lives.m1!.stats().writes.errors, 0, lives.m1!.stats().lastError);

	await forwarder!.close();
	const cutMs = Date.now();
	const error = await until('the connection to m2 in error', async () => {
		const connection = (await read()).status.connections[0];
		return connection.status === 'error' && connection;
	}, 30_000);
	const errorAfterMs = Date.now() - cutMs;
	assert.match(error.statusMessage, /^Failed to successfully ping the remote endpoint IP "10\.245\.1\.1"$/);
	// Submariner's timings: 5 failed pings (1 s apart) then up to one 5 s sync: about 5-11 s.
	assert.ok(errorAfterMs > 4000 && errorAfterMs < 14_000, `error after ${errorAfterMs} ms`);

	await forwarder!.open();
	const healMs = Date.now();
	await until('the connection to m2 connected again', async () => (await read()).status.connections[0].status === 'connected', 20_000);
	const healedAfterMs = Date.now() - healMs;
	assert.ok(healedAfterMs < 8000, `connected after ${healedAfterMs} ms`);
	t.diagnostic(`error ${errorAfterMs} ms after the cut, connected ${healedAfterMs} ms after the heal (test ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
});

test('dropped packets (an iptables DROP on the peer port, as a cut between network namespaces): the probe times out, error, then connected', {timeout: 90_000}, async t => {
	if (!needs(t, available, labReason)) return;
	if (!needs(t, isRoot && hasCommand('iptables'), 'needs root and iptables to drop packets to the peer port')) return;
	const read = async () => (await kubectlJson('kind-m1', 'get', 'gateway', '-n', 'submariner-operator', 'm1-worker')).status.connections[0];
	await until('connected before the cut', async () => (await read()).status === 'connected', 20_000);
	// Only SYNs to the forwarder's own port on loopback: nothing else on the machine is touched.
	const rule = ['OUTPUT', '-o', 'lo', '-p', 'tcp', '-d', '127.0.0.1', '--dport', String(forwarder!.port), '--syn', '-m', 'comment', '--comment', `labwatch-real-life-${process.pid}`, '-j', 'DROP'];
	await execa('iptables', ['-w', '-I', ...rule]);
	let dropping = true;
	const heal = async () => {
		if (!dropping) return;
		dropping = false;
		await execa('iptables', ['-w', '-D', ...rule]);
	};
	t.after(heal);
	const cutMs = Date.now();
	const error = await until('the connection in error', async () => {
		const connection = await read();
		return connection.status === 'error' && connection;
	}, 30_000);
	const errorAfterMs = Date.now() - cutMs;
	assert.match(error.statusMessage, /^Failed to successfully ping the remote endpoint IP /);
	assert.ok(errorAfterMs > 4000 && errorAfterMs < 15_000, `error after ${errorAfterMs} ms`);
	await heal();
	const healMs = Date.now();
	await until('connected again', async () => (await read()).status === 'connected', 20_000);
	t.diagnostic(`error ${errorAfterMs} ms after the DROP, connected ${Date.now() - healMs} ms after it was removed`);
});

test('labwatch\'s actions work on the lab: a deleted pod is replaced, a restarted Deployment rolls its pod', {timeout: 90_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const redisPods = async () => ((await kubectlJson('kind-m1', 'get', 'pods', '-n', 'data', '-l', 'app=redis')).items as any[]).filter(pod => !pod.metadata.deletionTimestamp).map(pod => pod.metadata.name as string);
	const [before] = await redisPods();
	assert.ok(before);
	// kubectl waits until the pod is gone: the writer plays the kubelet that confirms the deletion.
	await kubectl('kind-m1', 'delete', 'pod', '-n', 'data', before, '--timeout=20s');
	const replacement = await until('a new redis pod, Running', async () => {
		const pods = await kubectlJson('kind-m1', 'get', 'pods', '-n', 'data', '-l', 'app=redis');
		const pod = (pods.items as any[]).find(item => item.metadata.name !== before && item.status.phase === 'Running');
		return pod?.metadata.name as string | undefined;
	}, 20_000);
	assert.match(replacement, /^redis-[a-z0-9]+-[a-z0-9]{5}$/);
	await kubectl('kind-m1', 'rollout', 'restart', '-n', 'data', 'deployment/redis');
	const rolled = await until('the restarted redis pod', async () => {
		const names = await redisPods();
		return names.length === 1 && names[0] !== replacement && names[0];
	}, 20_000);
	t.diagnostic(`deleted ${before} → ${replacement}; restart → ${rolled}`);
});

test('labwatch\'s store equals kubectl get pods -A after life has run a while, on both clusters', {timeout: 90_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const configPath = writeLabwatchConfig(directory, 'store.yaml', homelab!.kubeconfigPath, {m1: 'kind-m1', m2: 'kind-m2'});
	const lab: Lab = await openLab({configFlag: configPath});
	const stopWatching = await startWatching(lab);
	try {
		for (const cluster of ['m1', 'm2']) {
			const storePods = () => lab.store.snapshot().clusters.find(each => each.name === cluster)!.pods
				.map(pod => ({namespace: pod.namespace, name: pod.name, phase: pod.phase, restarts: pod.restarts}))
				.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
			let expected = await kubectlPods(homelab!.kubeconfigPath, `kind-${cluster}`);
			await until(`${cluster}'s store to equal kubectl`, async () => {
				if (JSON.stringify(storePods()) === JSON.stringify(expected)) return true;
				expected = await kubectlPods(homelab!.kubeconfigPath, `kind-${cluster}`);
				return false;
			}, 30_000).catch(() => assert.deepEqual(storePods(), expected));
			assert.ok(expected.some(pod => pod.restarts > 0), `${cluster}: life restarted nothing yet`);
			t.diagnostic(`${cluster}: ${expected.length} pods, ${expected.reduce((sum, pod) => sum + pod.restarts, 0)} restarts, store equal`);
		}
	} finally {
		stopWatching();
		await lab.close();
	}
});

test('labwatch check --json against the living lab: both clusters live, every node Ready, gateways connected', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	assert.ok(existsSync(labwatchBin), `${labwatchBin} is missing: npm run build first`);
	const configPath = writeLabwatchConfig(directory, 'check.yaml', homelab!.kubeconfigPath, {m1: 'kind-m1', m2: 'kind-m2'});
	const check = await labwatch(['check', '--config', configPath, '--json', '--timeout', '10s'], {XDG_STATE_HOME: directory});
	const document = JSON.parse(check.stdout);
	t.diagnostic(`check ${document.status} (exit ${check.code}) in ${check.ms} ms: ${document.reasons.join('; ')}`);
	// Life makes containers crash: WARNING is as sensible as OK; nothing is CRITICAL.
	assert.ok(check.code === 0 || check.code === 1, check.stdout + check.stderr);
	assert.deepEqual(document.clusters.map((each: any) => [each.name, each.connection.phase, each.nodes.ready, each.reachable]), [['m1', 'live', 3, true], ['m2', 'live', 2, true]]);
	assert.deepEqual(document.gateways.map((each: any) => [each.cluster, each.gateways[0]?.connections[0]?.status]), [['m1', 'connected'], ['m2', 'connected']]);
	for (const cluster of document.clusters) {
		// Only what life does: crashes, restarts, a CI pod starting.
		for (const problem of cluster.problems) assert.match(problem.problem, /^(CrashLoopBackOff|OOMKilled|Restarts|NotReady|Pending)$/, JSON.stringify(problem));
	}
});

test('an apiserver restart under life: the writer waits it out, retries, and the server equals the model again', {timeout: 120_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const before = lives.m2!.stats();
	const t0 = Date.now();
	await homelab!.cluster('m2').restartApiserver();
	const restartMs = Date.now() - t0;
	const {pods} = await serverEqualsModel('m2');
	const after = lives.m2!.stats();
	t.diagnostic(`restart ${restartMs} ms; ${after.writes.retries - before.writes.retries} retries; ${pods} pods equal ${Date.now() - t0} ms after the restart began`);
	assert.equal(after.writes.errors, 0, after.lastError);
	assert.ok(after.writes.retries > before.writes.retries, 'no write met the restart');
	assert.ok(after.gateway.writes > before.gateway.writes);
});

test('life-cli: adopts what a previous writer left, prints one ready line, SIGTERM stops it and deletes its Gateway', {timeout: 90_000}, async t => {
	if (!needs(t, available, labReason)) return;
	await lives.m1!.stop();
	delete lives.m1;
	const args = ['--import', 'tsx', join(root, 'lab/life-cli.ts'), '--kubeconfig', homelab!.kubeconfigPath, '--context', 'kind-m1', '--cluster', 'm1', '--pods', '300', '--peer', `127.0.0.1:${endpointOf('m2').port}`, '--stats-every', '1000'];
	const child = spawn(process.execPath, args, {cwd: root, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', chunk => (stdout += chunk));
	child.stderr.on('data', chunk => (stderr += chunk));
	const exited = once(child, 'exit');
	try {
		const ready = JSON.parse(await until('the ready line', () => stdout.includes('\n') && stdout.split('\n')[0], 60_000));
		assert.equal(ready.ready, 'life');
		assert.equal(ready.cluster, 'm1');
		assert.equal(ready.pid, child.pid);
		assert.ok(ready.pods >= 305, stdout);
		await until('the Gateway written again', async () => (await kubectl('kind-m1', 'get', 'gateways', '-n', 'submariner-operator', '-o', 'name')).includes('m1-worker'), 15_000);
		const stats = await until('a stats line', () => stderr.split('\n').find(line => line.startsWith('{"stats"')), 10_000);
		const parsed = JSON.parse(stats);
		assert.equal(parsed.stats.writes.errors, 0, stderr);
		t.diagnostic(`ready in ${ready.seedMs} ms (adopting ${ready.pods} pods); writer ${parsed.rssMiB} MiB RSS, ${parsed.cpuPercent} % CPU`);
	} finally {
		child.kill('SIGTERM');
	}
	const [code] = await exited;
	assert.equal(code, 0, stderr);
	assert.equal(stdout.trim().split('\n').length, 1, stdout);
	assert.equal((await kubectl('kind-m1', 'get', 'gateways', '-n', 'submariner-operator', '-o', 'name')).trim(), '');
});

test('life-cli: a bad flag, kubeconfig or context is one line on stderr and exit 2, before anything is written', {timeout: 60_000}, async () => {
	const kubeconfig = join(directory, 'bad-kubeconfig.yaml');
	writeFileSync(kubeconfig, stringify({apiVersion: 'v1', kind: 'Config', clusters: [{name: 'c', cluster: {server: 'https://127.0.0.1:1'}}], users: [{name: 'u', user: {exec: {command: 'x'}}}], contexts: [{name: 'kind-m1', context: {cluster: 'c', user: 'u'}}, {name: 'plain', context: {cluster: 'c', user: 'none'}}]}));
	const missing = join(directory, 'missing.yaml');
	for (const [flags, message] of [
		[['--context', 'kind-m1', '--cluster', 'm1'], /^life: --kubeconfig FILE is required$/],
		[['--kubeconfig', kubeconfig, '--context', 'plain', '--cluster', 'm1', '--peer', 'nowhere'], /^life: --peer "nowhere": expected HOST:PORT/],
		[['--kubeconfig', kubeconfig, '--context', 'plain', '--cluster', 'm1', '--pods', 'many'], /^life: --pods "many": expected an integer/],
		[['--kubeconfig', kubeconfig, '--context', 'plain', '--cluster', 'm9'], /^life: --cluster "m9": the simulator's homelab has m1, m2$/],
		[['--kubeconfig', kubeconfig, '--context', 'nope', '--cluster', 'm1'], /^life: .*bad-kubeconfig\.yaml: no context "nope" \(has: kind-m1, plain\)$/],
		[['--kubeconfig', kubeconfig, '--context', 'kind-m1', '--cluster', 'm1'], /^life: .*: user u: exec and auth-provider credentials are not supported/],
		[['--kubeconfig', missing, '--context', 'kind-m1', '--cluster', 'm1'], /^life: --kubeconfig .*missing\.yaml: ENOENT/],
		[['--kubeconfig', kubeconfig, '--context', 'plain', '--cluster', 'm1', '--bogus'], /^life: Unknown option '--bogus'/],
	] as const) {
		const result = await execa(process.execPath, ['--import', 'tsx', join(root, 'lab/life-cli.ts'), ...flags], {cwd: root, reject: false});
		assert.equal(result.exitCode, 2, `${flags.join(' ')}: ${result.stderr}`);
		assert.match(result.stderr, message);
		assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
		assert.equal(result.stdout, '');
	}
});
