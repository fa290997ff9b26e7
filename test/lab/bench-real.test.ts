// `npm run bench -- --real`'s helpers (bench/real-api.ts, bench/real.ts): the seeder creates exactly N pods on a
// real apiserver, Running and bound to the bench's nodes; kubectl's watch line for a probe parses back to
// the probe's pod and stamp; the latency readers pair probes with frames and lines as they should. Nothing
// here is timed: the bench measures, the test checks that what it measures is what it says.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {startRealCluster} from '../../lab/cluster.js';
import {ApiClient, countPods, kubectlWatchColumns, parseKubectlWatchLine, restartPod, seedNamespace, seedPods} from '../../bench/real-api.js';
import {kubectlLatencies, probeLatencies, type Probe} from '../../bench/real.js';
import type {TraceEvent} from '../../bench/lib.js';
import {needs} from '../support/infra.js';
import {kubectlPods, labAvailable, labReason, until} from './support.js';

test('parseKubectlWatchLine reads the event, the pod and the stamp, and nothing from lines without a stamp', () => {
	assert.deepEqual(parseKubectlWatchLine('MODIFIED   load-00042   1796247508759'), {event: 'MODIFIED', name: 'load-00042', stampMs: 1796247508759});
	assert.deepEqual(parseKubectlWatchLine('load-00042 1796247508759\n'), {name: 'load-00042', stampMs: 1796247508759});
	assert.equal(parseKubectlWatchLine('ADDED      load-00042   <none>'), undefined);
	assert.equal(parseKubectlWatchLine('<none>   <none>'), undefined);
	assert.equal(parseKubectlWatchLine('EVENT   NAME   STAMP'), undefined);
	assert.equal(parseKubectlWatchLine(''), undefined);
	assert.equal(parseKubectlWatchLine('MODIFIED load-1 17962475.5'), undefined);
});

const frame = (atMs: number, stamps?: number[]): TraceEvent => ({event: 'frame', atMs, sinceStartMs: atMs - 1000, ...(stamps ? {stamps} : {})});

test('probeLatencies takes the first frame that carries each probe, and counts the probes no frame drew', () => {
	const probes: Probe[] = [
		{cluster: 'm1', name: 'load-00000', stampMs: 10_000},
		{cluster: 'm2', name: 'load-00000', stampMs: 10_300},
		{cluster: 'm1', name: 'load-00001', stampMs: 10_600},
	];
	const events: TraceEvent[] = [
		{event: 'key', atMs: 10_010, sinceStartMs: 9010},
		frame(10_050, [9_990, 10_000]),
		frame(10_200, [10_000]), // the same stamp again: not a second sighting
		frame(10_420),
		frame(10_450, [10_300, 10_301]),
	];
	assert.deepEqual(probeLatencies(events, probes), {latencies: [50, 150], unseen: 1});
});

test('kubectlLatencies pairs a probe with the line of its pod and stamp, and keeps every stamped line of the window', () => {
	const probes: Probe[] = [
		{cluster: 'm1', name: 'load-00000', stampMs: 10_000},
		{cluster: 'm2', name: 'load-00001', stampMs: 10_000},
		{cluster: 'm1', name: 'load-00002', stampMs: 10_500},
	];
	const seen = [
		{atMs: 9_000, name: 'load-00099', stampMs: 8_990}, // before the window
		{atMs: 10_004, name: 'load-00000', stampMs: 10_000},
		{atMs: 10_009, name: 'load-00001', stampMs: 10_000},
		{atMs: 10_030, name: 'load-00000', stampMs: 10_000}, // the other cluster's watch: first sighting counts
		{atMs: 10_020, name: 'load-00007', stampMs: 10_010}, // background churn
	];
	assert.deepEqual(kubectlLatencies(seen, probes, 9_500, 11_000), {probes: [4, 9], all: [4, 9, 30, 10], unseen: 1});
});

test('the bench seeder creates exactly N Running pods on a real apiserver, and a probe reaches kubectl -w as the parser reads it', {timeout: 10 * 60_000}, async t => {
	if (!needs(t, await labAvailable(), labReason)) return;
	// As the bench runs it: no controller-manager (the seeder makes the namespace's ServiceAccount itself).
	const cluster = await startRealCluster({name: 'bench', controllerManager: false, t});
	const client = ApiClient.fromKubeconfig(cluster.kubeconfigPath, cluster.context, 8);
	t.after(() => client.close());
	const pods = 37;
	const seeded = await seedPods(client, {cluster: 'bench', pods, nodes: 3, concurrency: 8});
	assert.equal(seeded.pods, pods);
	assert.deepEqual(seeded.nodes, ['bench-w1', 'bench-w2', 'bench-w3']);
	assert.equal(await countPods(client), pods);
	const listed = (await kubectlPods(cluster.kubeconfigPath, cluster.context)).filter(pod => pod.namespace === seedNamespace);
	assert.equal(listed.length, pods);
	assert.deepEqual(listed.map(pod => pod.name), Array.from({length: pods}, (_, index) => `load-${String(index).padStart(5, '0')}`));
	assert.ok(listed.every(pod => pod.phase === 'Running' && pod.restarts === 0), 'every seeded pod is Running with no restarts');
	// Seeding again is idempotent (a re-run after a failed part must not double the pods).
	await seedPods(client, {cluster: 'bench', pods, nodes: 3, concurrency: 8});
	assert.equal(await countPods(client), pods);

	const lines: string[] = [];
	const watch = spawn('kubectl', ['--kubeconfig', cluster.kubeconfigPath, '--context', cluster.context, 'get', 'pods', '-A', '-w', '--watch-only', '--output-watch-events', '-o', kubectlWatchColumns, '--no-headers'], {stdio: ['ignore', 'pipe', 'pipe']});
	t.after(() => void watch.kill('SIGKILL'));
	let stderr = '';
	watch.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
	watch.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
	// kubectl needs a moment to open its watch: write probes (each a new stamp, so each is a change) until it
	// prints one, then check the line parses back to that probe's pod and stamp.
	const written: number[] = [];
	const printed = await until(
		`kubectl -w to print a probe (stderr: ${stderr})`,
		async () => {
			const stampMs = Date.now();
			written.push(stampMs);
			await restartPod(client, 'load-00003', 2, stampMs, new Date().toISOString());
			await new Promise(resolve => setTimeout(resolve, 300));
			return lines.map(parseKubectlWatchLine).find(line => line?.name === 'load-00003');
		},
		60_000,
	);
	assert.equal(printed.event, 'MODIFIED');
	assert.ok(written.includes(printed.stampMs), `the printed stamp ${printed.stampMs} is one the test wrote (${written.join(', ')})`);
	const after = (await kubectlPods(cluster.kubeconfigPath, cluster.context)).find(pod => pod.name === 'load-00003');
	assert.deepEqual(after, {namespace: seedNamespace, name: 'load-00003', phase: 'Running', restarts: 2});
});
