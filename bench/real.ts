// `npm run bench -- --real`: the same measurements as the simulator's, against real kube-apiservers (the lab:
// lab/cluster.ts, real v1.37 apiserver + embedded etcd per cluster, kind-style kubeconfig), at 2 x 500 and
// 2 x 10,000 pods, beside `kubectl get pods -A -w` on the same events.
//
// Per size: start the lab (no controller-manager: its node lifecycle controller would mark the bench's
// heartbeat-less nodes unreachable and evict their pods), seed both clusters with bench/real-api.ts (pods
// bound by spec.nodeName, made Running through /status), then run the selected parts in the order
// start, churn, latency, idle (idle last, so the seeded pods are past two minutes old and their ages on
// screen tick in minutes, as the simulator's hour-old filler pods do).
import {spawn} from 'node:child_process';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {goVersion, labBinaryIsBuilt, ensureLabBinary} from '../lab/build.js';
import {startRealHomelab, type RealHomelab} from '../lab/cluster.js';
import {
	buildFloor,
	cleanEnv,
	cleanupAll,
	cli,
	cpuSeconds,
	frames,
	keyLatencies,
	launcherEnv,
	launcherFlags,
	max,
	median,
	memoryMiB,
	min,
	onCleanup,
	percentile,
	readTrace,
	sendKey,
	sleep,
	startPane,
	timed,
	waitForTrace,
	window,
	work,
	type Pane,
	type TraceEvent,
} from './lib.js';
import {ApiClient, churn, kubectlWatchColumns, parseKubectlWatchLine, podName, restartPod, seedPods, stampPod} from './real-api.js';

export const realParts = ['real-start', 'real-idle', 'real-churn', 'real-latency'] as const;
export type RealPart = (typeof realParts)[number];

/** One line of the bench's table (run.ts narrows `measurement` to the part names). */
export interface RealRow {
	measurement: string;
	metric: string;
	unit: string;
	/** Median unless the metric names a percentile. */
	value: number;
	min?: number;
	max?: number;
	n?: number;
	goal?: string;
	met?: boolean;
}

export interface RealContext {
	quick: boolean;
	/** Durations: full run, then --quick. */
	d(full: number, short: number): number;
	row(entry: RealRow): void;
	series(measurement: string, metric: string, unit: string, values: number[], goal?: {text: string; met: (median: number) => boolean}): void;
	raw: Record<string, unknown>;
	failures: Record<string, string>;
}

/** Why the real mode cannot run here, or undefined when it can (a built lab binary, or Go to build it). */
export async function realUnavailable(): Promise<string | undefined> {
	if (labBinaryIsBuilt()) return undefined;
	if ((await goVersion()) !== undefined) return undefined;
	return 'no Go on PATH and no built lab binary (see lab/README.md)';
}

const clusterNames = ['m1', 'm2'];
/** Rows 0–16 of a 100x30 pane's panels are these pods (sorted by name, none with a problem): the probes change them. */
export const onScreenPods = 10;

interface Lab {
	homelab: RealHomelab;
	clients: ApiClient[];
	config: string;
	kubeconfig: string;
	pods: number;
	seededAtMs: number;
	/** Probes written so far on this lab: each probe's restart count differs from the last one on its pod, across runs too. */
	probes: number;
	directory: string;
}

const tag = (pods: number) => `2x${pods.toLocaleString('en-US')}`;

async function openTui(lab: Lab, name: string): Promise<{pane: Pane; live: TraceEvent}> {
	const pane = await startPane({script: cli, args: ['--config', lab.config], trace: join(lab.directory, `${name}-${Date.now()}.jsonl`)});
	const live = await waitForTrace(pane, event => event.event === 'first-live-frame', 120_000, 'the first live frame');
	return {pane, live};
}

/** VmRSS of the lab's apiservers and etcds, in MiB, by cluster. */
function labMemory(lab: Lab): Record<string, {apiserver?: number; etcd?: number}> {
	const result: Record<string, {apiserver?: number; etcd?: number}> = {};
	for (const cluster of lab.homelab.clusters) {
		const {apiserver, etcd} = cluster.processes();
		const rss = (pid: number | undefined) => {
			if (pid === undefined) return undefined;
			try {
				return memoryMiB(pid).rss;
			} catch {
				return undefined;
			}
		};
		result[cluster.name] = {apiserver: rss(apiserver), etcd: rss(etcd)};
	}
	return result;
}

function apiserverPids(lab: Lab): number[] {
	return lab.homelab.clusters.map(cluster => cluster.processes().apiserver).filter((pid): pid is number => pid !== undefined);
}

async function startLab(pods: number, ctx: RealContext): Promise<Lab> {
	const directory = join(work, `real-${pods}`);
	mkdirSync(directory, {recursive: true});
	const binary = await ensureLabBinary({log: line => console.log(`  ${line}`)});
	const startedMs = Date.now();
	const homelab = await startRealHomelab(clusterNames, {binary, controllerManager: false});
	const labMs = Date.now() - startedMs;
	try {
		const clients = homelab.clusters.map(cluster => ApiClient.fromKubeconfig(homelab.kubeconfigPath, cluster.context, 32));
		const seedStartMs = Date.now();
		const seeds = await Promise.all(
			homelab.clusters.map((cluster, index) =>
				seedPods(clients[index]!, {cluster: cluster.name, pods, concurrency: 32, progress: done => done % 2500 === 0 && console.log(`  ${cluster.name}: ${done} pods`)}),
			),
		);
		const seedMs = Date.now() - seedStartMs;
		const config = join(directory, 'config.yaml');
		writeFileSync(
			config,
			stringify({
				kubeconfig: homelab.kubeconfigPath,
				clusters: Object.fromEntries(clusterNames.map(name => [name, {context: `kind-${name}`, host: name}])),
				// Roomy hosts, so 10,000 pods' requests do not turn the verdicts red (a verdict is not what is measured).
				hosts: Object.fromEntries(clusterNames.map((name, index) => [name, {memory: '64GiB', address: `127.0.0.${index + 1}`}])),
			}),
		);
		const lab: Lab = {homelab, clients, config, kubeconfig: homelab.kubeconfigPath, pods, seededAtMs: Date.now(), directory, probes: 0};
		const memory = labMemory(lab);
		ctx.raw[`realLab${pods}`] = {labMs, info: homelab.clusters.map(cluster => ({name: cluster.name, ...cluster.info})), seeds, seedMs, memoryAfterSeed: memory};
		const both = (2 * pods) / (seedMs / 1000);
		ctx.row({measurement: 'real-seed', metric: `lab start: 2 apiservers + etcds ready (${tag(pods)})`, unit: 'ms', value: labMs});
		ctx.row({
			measurement: 'real-seed',
			metric: `seed ${tag(pods)} pods (create + Running via /status, 32 in flight per cluster, clusters in parallel): both clusters`,
			unit: 'pods/s',
			value: both,
			min: min(seeds.map(seed => seed.podsPerSecond)),
			max: max(seeds.map(seed => seed.podsPerSecond)),
		});
		ctx.row({measurement: 'real-seed', metric: `seed ${tag(pods)}: wall time`, unit: 's', value: seedMs / 1000});
		return lab;
	} catch (error) {
		await homelab.stop();
		throw error;
	}
}

// ---- start -------------------------------------------------------------------------------------

async function realStart(lab: Lab, ctx: RealContext): Promise<void> {
	const floor = await buildFloor();
	const tui: number[] = [];
	const floorMs: number[] = [];
	const ratios: number[] = [];
	const check: number[] = [];
	const kubectl: number[] = [];
	for (let run = 0; run < ctx.d(5, 3); run++) {
		const floorPane = await startPane({script: floor, trace: join(lab.directory, `floor-${run}.jsonl`)});
		const frame = await waitForTrace(floorPane, event => event.event === 'first-frame', 20_000, 'the floor frame');
		await floorPane.stop();
		const {pane, live} = await openTui(lab, 'start');
		await pane.stop();
		floorMs.push(frame.sinceStartMs);
		tui.push(live.sinceStartMs);
		ratios.push(live.sinceStartMs / frame.sinceStartMs);
		const result = await timed(process.execPath, [...launcherFlags(), cli, 'check', '--json', '--config', lab.config], cleanEnv(launcherEnv()), 120_000);
		if (!(JSON.parse(result.stdout) as {clusters?: unknown}).clusters) throw new Error(`check --json printed no clusters: ${result.stdout.slice(0, 200)}`);
		check.push(result.wallMs);
		let pair = 0;
		for (const name of clusterNames) {
			const got = await timed('kubectl', ['--kubeconfig', lab.kubeconfig, '--context', `kind-${name}`, 'get', 'nodes,pods', '-A', '-o', 'json'], process.env, 120_000);
			if (got.code !== 0) throw new Error(`kubectl failed: ${got.stderr}`);
			pair += got.wallMs;
		}
		kubectl.push(pair);
	}
	const size = tag(lab.pods);
	ctx.raw[`realStart${lab.pods}`] = {tui, floorMs, ratios, check, kubectl};
	const startGoal = lab.pods >= 10_000 ? {text: '<= 2000 ms', met: (value: number) => value <= 2000} : undefined;
	ctx.series('real-start', `start to first live frame (${size} pods, real apiservers)`, 'ms', tui, startGoal);
	ctx.series('real-start', 'floor: libraries + one Ink frame', 'ms', floorMs);
	ctx.series('real-start', `start / floor (${size})`, 'x', ratios, lab.pods < 10_000 ? {text: '<= 1.2x', met: value => value <= 1.2} : undefined);
	ctx.series('real-start', `check --json, both clusters (wall, ${size})`, 'ms', check);
	ctx.series('real-start', `kubectl get nodes,pods -A -o json, m1 + m2 (wall, ${size})`, 'ms', kubectl);
	ctx.series('real-start', `check / two kubectl gets (${size})`, 'x', check.map((value, index) => value / kubectl[index]!), {text: '<= 0.7x', met: value => value <= 0.7});
}

// ---- idle --------------------------------------------------------------------------------------

async function realIdle(lab: Lab, ctx: RealContext): Promise<void> {
	const {pane} = await openTui(lab, 'idle');
	// Settled as in the simulator's idle: past start-up, and every seeded pod older than two minutes.
	const settleUntil = Math.max(Date.now() + ctx.d(40_000, 20_000), lab.seededAtMs + 125_000);
	await sleep(settleUntil - Date.now());
	const apiCpu0 = apiserverPids(lab).map(pid => cpuSeconds(pid));
	const wall0 = Date.now();
	const seconds = ctx.d(60, 15);
	const result = await window(pane.pid, seconds);
	const apiCpu = apiserverPids(lab).map((pid, index) => ((cpuSeconds(pid) - apiCpu0[index]!) / ((Date.now() - wall0) / 1000)) * 100);
	const memory = labMemory(lab);
	await pane.stop();
	const size = tag(lab.pods);
	ctx.raw[`realIdle${lab.pods}`] = {...result, apiCpu, memory};
	ctx.series('real-idle', `idle CPU over ${seconds} s (${size} pods, real apiservers, settled), per window`, '% core', result.slices);
	ctx.row({measurement: 'real-idle', metric: `idle CPU, whole window (${size})`, unit: '% core', value: result.cpuPercent, goal: '<= 0.5 %', met: result.cpuPercent <= 0.5});
	const rss = result.samples.map(sample => sample.rss);
	const rssGoal = lab.pods >= 10_000 ? 200 : 100;
	ctx.row({measurement: 'real-idle', metric: `labwatch resident memory (RSS samples, ${size})`, unit: 'MiB', value: median(rss), min: min(rss), max: max(rss), n: rss.length, goal: `<= ${rssGoal} MiB (max)`, met: max(rss) <= rssGoal});
	ctx.row({measurement: 'real-idle', metric: `labwatch peak RSS since start (VmHWM, ${size})`, unit: 'MiB', value: result.hwm});
	for (const [name, {apiserver, etcd}] of Object.entries(memory)) {
		if (apiserver !== undefined) ctx.row({measurement: 'real-idle', metric: `${name} kube-apiserver RSS (${size})`, unit: 'MiB', value: apiserver});
		if (etcd !== undefined) ctx.row({measurement: 'real-idle', metric: `${name} etcd RSS (${size})`, unit: 'MiB', value: etcd});
	}
	ctx.row({measurement: 'real-idle', metric: `kube-apiservers' CPU while idle, each (${size})`, unit: '% core', value: median(apiCpu), min: min(apiCpu), max: max(apiCpu), n: apiCpu.length});
}

// ---- churn and keys ------------------------------------------------------------------------------

async function realChurn(lab: Lab, ctx: RealContext): Promise<void> {
	const perCluster = 50;
	const {pane} = await openTui(lab, 'churn');
	const churns = lab.clients.map(client => churn(client, lab.pods, perCluster));
	let stopped = false;
	const stopChurns = async () => {
		if (stopped) return [];
		stopped = true;
		return Promise.all(churns.map(each => each.stop()));
	};
	const undo = onCleanup(() => void stopChurns());
	try {
		await sleep(ctx.d(5000, 3000));
		const windowMs = Date.now();
		const apiCpu0 = apiserverPids(lab).map(pid => cpuSeconds(pid));
		let sent = 0;
		let nextKeyMs = 1000;
		const seconds = ctx.d(60, 15);
		const result = await window(pane.pid, seconds, elapsedMs => {
			if (elapsedMs < nextKeyMs) return;
			sendKey(pane, sent++ % 2 ? 'k' : 'j');
			nextKeyMs = elapsedMs + 1100 + Math.random() * 400;
		});
		const wallS = (Date.now() - windowMs) / 1000;
		const apiCpu = apiserverPids(lab).map((pid, index) => ((cpuSeconds(pid) - apiCpu0[index]!) / wallS) * 100);
		const written = await stopChurns();
		const events = readTrace(pane.trace);
		await pane.stop();
		const keys = keyLatencies(events.filter(event => event.event !== 'key' || event.atMs >= windowMs));
		const rss = result.samples.map(sample => sample.rss);
		const size = tag(lab.pods);
		const writtenTotal = written.reduce((sum, each) => sum + each.sent, 0);
		const failed = written.reduce((sum, each) => sum + each.failed, 0);
		const why = written.find(each => each.firstError)?.firstError;
		if (why) console.log(`  ${failed} churn writes failed, the first: ${why}`);
		ctx.raw[`realChurn${lab.pods}`] = {...result, keys, apiCpu, written};
		ctx.series('real-churn', `CPU at 100 events/s (${size} pods, real apiservers), per window`, '% core', result.slices);
		ctx.row({measurement: 'real-churn', metric: `CPU at 100 events/s, whole window (${size})`, unit: '% core', value: result.cpuPercent, goal: '<= 5 %', met: result.cpuPercent <= 5});
		ctx.row({measurement: 'real-churn', metric: `events written (both clusters, incl. 3-5 s before the window; ${failed} failed)`, unit: '/s', value: writtenTotal / (wallS + ctx.d(5, 3))});
		ctx.row({measurement: 'real-churn', metric: `labwatch resident memory at 100 events/s (${size})`, unit: 'MiB', value: median(rss), min: min(rss), max: max(rss), n: rss.length});
		ctx.row({measurement: 'real-churn', metric: `kube-apiservers' CPU at 50 events/s each (${size})`, unit: '% core', value: median(apiCpu), min: min(apiCpu), max: max(apiCpu), n: apiCpu.length});
		ctx.row({measurement: 'real-churn', metric: `key press to frame, p50 (${size})`, unit: 'ms', value: percentile(keys, 50), min: min(keys), max: max(keys), n: keys.length});
		ctx.row({measurement: 'real-churn', metric: `key press to frame, p95 (${size})`, unit: 'ms', value: percentile(keys, 95), goal: '<= 100 ms', met: percentile(keys, 95) <= 100});
	} finally {
		await undo();
	}
}

// ---- event to screen ---------------------------------------------------------------------------

interface KubectlSeen {
	atMs: number;
	name: string;
	stampMs: number;
}

/** `kubectl get pods -A -w --watch-only --output-watch-events` on one context, each stamped line's arrival. */
function kubectlWatch(kubeconfig: string, context: string): {seen: KubectlSeen[]; stderr(): string; stop(): void} {
	const seen: KubectlSeen[] = [];
	const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--context', context, 'get', 'pods', '-A', '-w', '--watch-only', '--output-watch-events', '-o', kubectlWatchColumns, '--no-headers'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
	const undo = onCleanup(() => void child.kill('SIGKILL'));
	let buffer = '';
	child.stdout.on('data', (chunk: Buffer) => {
		const atMs = Date.now();
		buffer += chunk.toString('utf8');
		const lines = buffer.split('\n');
		buffer = lines.pop() ?? '';
		for (const line of lines) {
			const parsed = parseKubectlWatchLine(line);
			if (parsed) seen.push({atMs, name: parsed.name, stampMs: parsed.stampMs});
		}
	});
	return {
		seen,
		stderr: () => stderr,
		stop: () => {
			child.kill('SIGTERM');
			void undo();
		},
	};
}

/** Writes an annotation-only change to `name` until the watch prints it; resolves with how long that took. */
async function kubectlReady(watch: {seen: KubectlSeen[]; stderr(): string}, client: ApiClient, name: string, timeoutMs = 180_000): Promise<number> {
	const startedMs = Date.now();
	const written = new Set<number>();
	while (Date.now() - startedMs < timeoutMs) {
		const stampMs = Date.now();
		written.add(stampMs);
		await stampPod(client, name, stampMs);
		await sleep(500);
		if (watch.seen.some(line => line.name === name && written.has(line.stampMs))) return Date.now() - startedMs;
	}
	throw new Error(`kubectl get pods -A -w printed nothing in ${timeoutMs / 1000} s; its stderr: ${watch.stderr().trim().split('\n').at(-1) ?? ''}`);
}

export interface Probe {
	cluster: string;
	name: string;
	stampMs: number;
}

/**
 * For each probe, the first frame whose stamps hold its stamp: frame time minus the stamp. Probes no
 * frame showed are counted, not guessed.
 */
export function probeLatencies(events: TraceEvent[], probes: Probe[]): {latencies: number[]; unseen: number} {
	const first = new Map<number, number>();
	for (const frame of frames(events)) {
		for (const stamp of (frame.stamps as number[] | undefined) ?? []) if (!first.has(stamp)) first.set(stamp, frame.atMs);
	}
	const latencies: number[] = [];
	let unseen = 0;
	for (const probe of probes) {
		const atMs = first.get(probe.stampMs);
		if (atMs === undefined) unseen++;
		else latencies.push(atMs - probe.stampMs);
	}
	return {latencies, unseen};
}

/** kubectl's arrival of each probe (first line with its stamp and name), and of every stamped event in the window. */
export function kubectlLatencies(seen: KubectlSeen[], probes: Probe[], fromMs: number, toMs: number): {probes: number[]; all: number[]; unseen: number} {
	const byStamp = new Map<string, number>();
	for (const line of seen) {
		const key = `${line.name}@${line.stampMs}`;
		if (!byStamp.has(key)) byStamp.set(key, line.atMs);
	}
	const probeMs: number[] = [];
	let unseen = 0;
	for (const probe of probes) {
		const atMs = byStamp.get(`${probe.name}@${probe.stampMs}`);
		if (atMs === undefined) unseen++;
		else probeMs.push(atMs - probe.stampMs);
	}
	const all = seen.filter(line => line.stampMs >= fromMs && line.stampMs <= toMs).map(line => line.atMs - line.stampMs);
	return {probes: probeMs, all, unseen};
}

async function realLatency(lab: Lab, ctx: RealContext): Promise<void> {
	const size = tag(lab.pods);
	for (const total of [10, 100]) {
		const {pane} = await openTui(lab, `latency-${total}`);
		const watches = clusterNames.map(name => kubectlWatch(lab.kubeconfig, `kind-${name}`));
		// The background: annotation-only changes round-robin over all pods (as the simulator's churn), minus
		// the probes' share. The probes: a restart count on a pod in view, two a second in all, clusters in
		// turn, at jittered intervals (a fixed 250 ms would lock step with labwatch's 4-frames-a-second cap).
		const probeEveryMs = 500;
		const background = Math.max(0, total / 2 - 1000 / probeEveryMs / clusterNames.length);
		let churns: Array<ReturnType<typeof churn>> = [];
		const undo = onCleanup(async () => void (await Promise.all(churns.map(each => each.stop()))));
		const probes: Probe[] = [];
		const failures: string[] = [];
		try {
			// kubectl lists every pod before it watches (seconds at 10,000 pods on a busy machine): the window
			// opens once each watch has printed a change, so its start-up is not counted as event latency.
			const readyMs = await Promise.all(watches.map((watch, index) => kubectlReady(watch, lab.clients[index]!, podName(lab.pods - 1))));
			ctx.raw[`realKubectlReady${lab.pods}at${total}`] = readyMs;
			churns = background > 0 ? lab.clients.map(client => churn(client, lab.pods, background)) : [];
			await sleep(ctx.d(3000, 2000));
			const fromMs = Date.now();
			const startedAt = new Date(lab.seededAtMs).toISOString();
			const writes: Array<Promise<unknown>> = [];
			while (Date.now() - fromMs < ctx.d(30_000, 10_000)) {
				const count = lab.probes++;
				const clusterIndex = count % clusterNames.length;
				const round = Math.floor(count / clusterNames.length);
				const name = podName(round % onScreenPods);
				// Restarts 1..4 in turn: always a new count, never the 5 that would make it a problem and move it.
				const restarts = (Math.floor(round / onScreenPods) % 4) + 1;
				const stampMs = Date.now();
				probes.push({cluster: clusterNames[clusterIndex]!, name, stampMs});
				writes.push(restartPod(lab.clients[clusterIndex]!, name, restarts, stampMs, startedAt).catch(error => failures.push(String(error))));
				await sleep(probeEveryMs * (0.6 + Math.random() * 0.8));
			}
			const toMs = Date.now();
			await Promise.all(writes);
			await sleep(2000); // the last probes' frames and lines
			for (const watch of watches) watch.stop();
			const events = readTrace(pane.trace);
			await pane.stop();
			const ours = probeLatencies(events, probes);
			const theirs = kubectlLatencies(
				watches.flatMap(watch => watch.seen),
				probes,
				fromMs,
				toMs,
			);
			ctx.raw[`realLatency${lab.pods}at${total}`] = {probes, ours, theirs, failures};
			if (failures.length > 0) console.log(`  ${failures.length} probe writes failed, e.g. ${failures[0]}`);
			for (const watch of watches) if (watch.seen.length === 0) console.log(`  kubectl printed no stamped line; its stderr: ${watch.stderr().trim().split('\n').at(-1) ?? ''}`);
			const kubectlP95 = percentile(theirs.probes, 95);
			const at = `@${total}/s, ${size}`;
			ctx.row({measurement: 'real-latency', metric: `event to screen ${at}, p50 (a restart on a pod in view; ${ours.unseen} of ${probes.length} never drawn)`, unit: 'ms', value: percentile(ours.latencies, 50), min: min(ours.latencies), max: max(ours.latencies), n: ours.latencies.length});
			ctx.row({
				measurement: 'real-latency',
				metric: `event to screen ${at}, p95`,
				unit: 'ms',
				value: percentile(ours.latencies, 95),
				goal: `<= kubectl p95 + 250 = ${Math.round(kubectlP95 + 250)} ms`,
				met: ours.unseen === 0 && percentile(ours.latencies, 95) <= kubectlP95 + 250,
			});
			ctx.row({measurement: 'real-latency', metric: `kubectl get pods -A -w, same changes ${at}, p50 (${theirs.unseen} never printed)`, unit: 'ms', value: percentile(theirs.probes, 50), min: min(theirs.probes), max: max(theirs.probes), n: theirs.probes.length});
			ctx.row({measurement: 'real-latency', metric: `kubectl get pods -A -w, same changes ${at}, p95`, unit: 'ms', value: kubectlP95});
			ctx.row({measurement: 'real-latency', metric: `kubectl get pods -A -w, every change ${at}, p95`, unit: 'ms', value: percentile(theirs.all, 95), n: theirs.all.length});
		} finally {
			for (const watch of watches) watch.stop();
			await undo();
		}
	}
}

// ---- main --------------------------------------------------------------------------------------

const parts: Record<RealPart, (lab: Lab, ctx: RealContext) => Promise<void>> = {
	'real-start': realStart,
	'real-churn': realChurn,
	'real-latency': realLatency,
	'real-idle': realIdle,
};
/** Idle last: by then the seeded pods are older than two minutes. */
const order: RealPart[] = ['real-start', 'real-churn', 'real-latency', 'real-idle'];

/** Runs the selected real parts at each size, one lab per size; a failed part is recorded and the rest go on. */
export async function runReal(selected: RealPart[], sizes: number[], ctx: RealContext): Promise<void> {
	const round = (value: number) => Math.round(value * 10) / 10;
	for (const pods of sizes) {
		console.log(`\n# real apiservers, ${tag(pods)} pods`);
		let lab: Lab | undefined;
		try {
			const began = Date.now();
			lab = await startLab(pods, ctx);
			console.log(`  (lab and seed: ${round((Date.now() - began) / 1000)} s)`);
			for (const part of order.filter(name => selected.includes(name))) {
				console.log(`\n# ${part} (${tag(pods)})`);
				const partBegan = Date.now();
				try {
					await parts[part](lab, ctx);
				} catch (error) {
					ctx.failures[`${part}@${pods}`] = error instanceof Error ? error.message : String(error);
					console.log(`  FAILED: ${ctx.failures[`${part}@${pods}`]}`);
				} finally {
					await cleanupAll();
				}
				console.log(`  (${round((Date.now() - partBegan) / 1000)} s)`);
			}
		} catch (error) {
			ctx.failures[`real@${pods}`] = error instanceof Error ? error.message : String(error);
			console.log(`  FAILED: ${ctx.failures[`real@${pods}`]}`);
		} finally {
			for (const client of lab?.clients ?? []) client.close();
			await lab?.homelab.stop();
		}
	}
}

/** `uptime`'s load averages, for the results: numbers taken on a shared machine say so. */
export function loadAverage(): string {
	try {
		return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
	} catch {
		return '';
	}
}
