// `npm run bench`: the performance budget of issue 6, measured on this machine. It starts the simulator in
// its own process at each size, runs labwatch in a tmux pane with LABWATCH_TRACE (milestones written by
// labwatch itself), reads CPU and memory from /proc, prints a table and writes bench/results/<time>.json.
//
//   npm run bench                       everything (about 20 minutes; the soak alone is 10)
//   npm run bench -- --quick            short windows, no soak and no 2 x 10,000 (for iteration)
//   npm run bench -- --only start,idle  some measurements (start idle latency churn scale soak detection dig)
//   npm run bench -- --no-build         skip the build (tsx bench/run.ts alone does not build)
//   npm run bench -- --real             the same against real kube-apiservers (bench/real.ts), 2 x 500 and 2 x 10,000
//   npm run bench -- --only real-start,real-idle,real-churn,real-latency [--real-pods 500,10000]
//   npm run bench -- --no-real          the simulator's parts alone
// A full run includes the real-apiserver parts when the lab can run (a built lab binary or Go; else one
// line says why they were skipped, and the exit code says so only when they were asked for).
//
// Every simulator keeps the prometheus: section it writes (the budget poller queries the sim's built-in
// Prometheus API every 5 s): that is the realistic load of a pane left open.
import {mkdirSync, writeFileSync} from 'node:fs';
import {cpus, totalmem} from 'node:os';
import {join} from 'node:path';
import {execFileSync, spawn} from 'node:child_process';
import {loadAverage, onScreenPods, realParts, realUnavailable, runReal, type RealPart, type RealRow} from './real.js';
import {
	alive,
	cleanEnv,
	buildFloor,
	cleanupAll,
	cli,
	launcherEnv,
	launcherFlags,
	cpuSeconds,
	frames,
	keyLatencies,
	max,
	median,
	memoryMiB,
	min,
	onCleanup,
	percentile,
	post,
	readTrace,
	root,
	sampleMemory,
	sendKey,
	sleep,
	startPane,
	startSim,
	timed,
	waitForTrace,
	window,
	work,
	type Pane,
	type TraceEvent,
} from './lib.js';

const all = ['start', 'idle', 'latency', 'churn', 'scale', 'soak', 'detection', 'dig'] as const;
type Name = (typeof all)[number];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
/** A bad flag: one line, exit 2 (nothing has started yet). */
function usage(message: string): never {
	console.error(`bench: ${message}`);
	process.exit(2);
}
const valueOf = (flag: string) => {
	const at = argv.indexOf(flag);
	if (at < 0) return undefined;
	const value = argv[at + 1];
	if (value === undefined || value.startsWith('--')) usage(`${flag} needs a value`);
	return value;
};
const onlyFlag = valueOf('--only');
const only = onlyFlag === undefined ? undefined : onlyFlag.split(',').filter(Boolean);
const known: string[] = [...all, ...realParts];
for (const name of only ?? []) if (!known.includes(name)) usage(`--only: unknown measurement ${name} (known: ${known.join(', ')})`);
const realPodsFlag = valueOf('--real-pods');
const realSizes = (realPodsFlag ?? (quick ? '500' : '500,10000')).split(',').map(text => {
	const pods = Number(text);
	if (!Number.isInteger(pods) || pods < onScreenPods || pods > 50_000) usage(`--real-pods: ${JSON.stringify(text)} is not a pod count from ${onScreenPods} to 50000`);
	return pods;
});
// --real: the real-apiserver parts (alone, unless --only names more); --no-real: the simulator's alone.
const realAsked = argv.includes('--real') || realPodsFlag !== undefined || (only ?? []).some(name => name.startsWith('real-'));
const realFlag = argv.includes('--real');
const onlyReal = (only ?? []).filter(name => name.startsWith('real-'));
const selected = all.filter(name => (only ? only.includes(name) : !realFlag && !(quick && (name === 'soak' || name === 'scale'))));
const selectedReal = realParts.filter(name => (onlyReal.length > 0 ? onlyReal.includes(name) : realFlag || (!only && !argv.includes('--no-real'))));

/** Durations: full run, then --quick. */
const d = (full: number, short: number) => (quick ? short : full);

interface Row extends RealRow {
	/** A simulator part, a real-apiserver part (real-*), or real-seed. */
	measurement: Name | RealPart | 'real-seed';
}

const rows: Row[] = [];
const raw: Record<string, unknown> = {};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function row(entry: Row): void {
	rows.push(entry);
	const fmt = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '' : String(round(value, 2)));
	console.log(`  ${entry.metric}: ${fmt(entry.value)} ${entry.unit}${entry.min !== undefined ? ` [${fmt(entry.min)}..${fmt(entry.max)}]` : ''}${entry.goal ? `  goal ${entry.goal} ${entry.met ? 'met' : 'MISSED'}` : ''}`);
}

function series(measurement: Row['measurement'], metric: string, unit: string, values: number[], goal?: {text: string; met: (median: number) => boolean}): void {
	const value = median(values);
	row({measurement, metric, unit, value, min: min(values), max: max(values), n: values.length, ...(goal ? {goal: goal.text, met: goal.met(value)} : {})});
}

const labwatchArgs = (config: string) => ['--config', config];

async function openTui(name: string, config: string, nodeArgs: string[] = []): Promise<{pane: Pane; live: TraceEvent}> {
	const pane = await startPane({script: cli, args: labwatchArgs(config), nodeArgs, trace: join(work, name, `trace-${Date.now()}.jsonl`)});
	const live = await waitForTrace(pane, event => event.event === 'first-live-frame', 60_000, 'the first live frame');
	return {pane, live};
}

// ---- 1. start ----------------------------------------------------------------------------------

async function start(): Promise<void> {
	const floor = await buildFloor();
	const sim = await startSim({name: 'start', pods: 200});
	raw.startPods = sim.pods;
	const tui: number[] = [];
	const tuiFromSpawn: number[] = [];
	const floorMs: number[] = [];
	const ratios: number[] = [];
	const check: number[] = [];
	const kubectl: number[] = [];
	const checkRatios: number[] = [];
	try {
		const runs = d(7, 3);
		for (let run = 0; run < runs; run++) {
			// Interleaved, so drift on a shared machine hits both sides alike.
			const floorPane = await startPane({script: floor, trace: join(work, 'start', `floor-${run}.jsonl`)});
			const frame = await waitForTrace(floorPane, event => event.event === 'first-frame', 20_000, 'the floor frame');
			await floorPane.stop();
			const {pane, live} = await openTui('start', sim.config);
			await pane.stop();
			floorMs.push(frame.sinceStartMs);
			tui.push(live.sinceStartMs);
			tuiFromSpawn.push(live.atMs - pane.spawnedAtMs);
			ratios.push(live.sinceStartMs / frame.sinceStartMs);

			const result = await timed(process.execPath, [...launcherFlags(), cli, 'check', '--json', '--config', sim.config], cleanEnv(launcherEnv()));
			const report = JSON.parse(result.stdout) as {clusters?: Array<{pods?: unknown}>};
			if (!report.clusters) throw new Error(`check --json printed no clusters: ${result.stdout.slice(0, 200)}`);
			check.push(result.wallMs);
			let pair = 0;
			for (const context of ['sim-m1', 'sim-m2']) {
				const got = await timed('kubectl', ['--kubeconfig', sim.kubeconfig, '--context', context, 'get', 'nodes,pods', '-A', '-o', 'json']);
				if (got.code !== 0) throw new Error(`kubectl failed: ${got.stderr}`);
				pair += got.wallMs;
			}
			kubectl.push(pair);
			checkRatios.push(result.wallMs / pair);
		}
	} finally {
		await sim.stop();
	}
	raw.start = {tui, tuiFromSpawn, floorMs, ratios, check, kubectl};
	series('start', 'start to first live frame (2x200 pods)', 'ms', tui);
	series('start', 'same, from tmux spawn', 'ms', tuiFromSpawn);
	series('start', 'floor: libraries + one Ink frame', 'ms', floorMs);
	series('start', 'start / floor', 'x', ratios, {text: '<= 1.2x', met: value => value <= 1.2});
	series('start', 'check --json, both clusters (wall)', 'ms', check);
	series('start', 'kubectl get nodes,pods -A -o json, m1 + m2 (wall)', 'ms', kubectl);
	series('start', 'check / two kubectl gets', 'x', checkRatios, {text: '<= 0.7x', met: value => value <= 0.7});
}

// ---- 2. idle -----------------------------------------------------------------------------------

async function idle(): Promise<void> {
	const sim = await startSim({name: 'idle', pods: 500});
	try {
		const {pane} = await openTui('idle', sim.config);
		// Past start-up (lists, first budget poll, JIT) and the first two minutes of the sim's youngest pod,
		// while ages on screen still count seconds: idle is what the pane costs once settled.
		await sleep(d(40_000, 20_000));
		const result = await window(pane.pid, d(60, 15));
		await pane.stop();
		raw.idle = {pods: sim.pods, ...result};
		series('idle', `idle CPU over ${d(60, 15)} s (2x500 pods, sim --no-life, settled), per window`, '% core', result.slices);
		row({measurement: 'idle', metric: 'idle CPU, whole window', unit: '% core', value: result.cpuPercent, goal: '<= 0.5 %', met: result.cpuPercent <= 0.5});
		const rss = result.samples.map(sample => sample.rss);
		row({measurement: 'idle', metric: 'idle resident memory (RSS samples)', unit: 'MiB', value: median(rss), min: min(rss), max: max(rss), n: rss.length, goal: '<= 100 MiB (max)', met: max(rss) <= 100});
		row({measurement: 'idle', metric: 'idle peak RSS since start (VmHWM)', unit: 'MiB', value: result.hwm});
	} finally {
		await sim.stop();
	}
	// The same pane on a homelab with its normal life: restarts, CrashLoopBackOff now and then, CI jobs
	// coming and going (young pods on screen), memory drifting.
	const lively = await startSim({name: 'idle-life', pods: 500, life: true});
	try {
		const {pane} = await openTui('idle-life', lively.config);
		await sleep(d(40_000, 20_000));
		const result = await window(pane.pid, d(60, 15));
		await pane.stop();
		raw.idleLife = {pods: lively.pods, ...result};
		row({measurement: 'idle', metric: 'CPU with normal life (restarts, CI jobs), whole window', unit: '% core', value: result.cpuPercent, goal: '<= 1 %', met: result.cpuPercent <= 1});
		const rss = result.samples.map(sample => sample.rss);
		row({measurement: 'idle', metric: 'resident memory with normal life', unit: 'MiB', value: median(rss), min: min(rss), max: max(rss), n: rss.length});
	} finally {
		await lively.stop();
	}
}

// ---- 3. event to screen ------------------------------------------------------------------------

/** `kubectl get pods -A -w` on one cluster, recording receive time minus the stamp of each event. */
function watchWithKubectl(kubeconfig: string, context: string) {
	const latencies: Array<{atMs: number; ms: number}> = [];
	const child = execFileSpawn('kubectl', ['--kubeconfig', kubeconfig, '--context', context, 'get', 'pods', '-A', '-w', '--watch-only', '-o', 'custom-columns=NAME:.metadata.name,STAMP:.metadata.annotations.labwatch\\.sim/stamp', '--no-headers']);
	let buffer = '';
	child.stdout!.on('data', (chunk: Buffer) => {
		const atMs = Date.now();
		buffer += chunk.toString('utf8');
		const lines = buffer.split('\n');
		buffer = lines.pop() ?? '';
		for (const line of lines) {
			const stamp = Number(line.trim().split(/\s+/)[1]);
			if (Number.isFinite(stamp)) latencies.push({atMs, ms: atMs - stamp});
		}
	});
	return {latencies, stop: () => void child.kill('SIGTERM')};
}

function execFileSpawn(command: string, args: string[]) {
	const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'ignore']});
	onCleanup(() => void child.kill('SIGKILL'));
	return child;
}

/** Event-to-screen latencies from the trace: frame time minus each stamp the frame carries. */
function screenLatencies(events: TraceEvent[], fromMs: number, toMs: number): number[] {
	const latencies: number[] = [];
	for (const frame of frames(events)) {
		if (frame.atMs < fromMs || frame.atMs > toMs) continue;
		for (const stamp of (frame.stamps as number[] | undefined) ?? []) if (stamp >= fromMs) latencies.push(frame.atMs - stamp);
	}
	return latencies;
}

async function latency(): Promise<void> {
	for (const total of [10, 100]) {
		const sim = await startSim({name: `latency-${total}`, pods: 200, churn: total / 2});
		try {
			const {pane} = await openTui(`latency-${total}`, sim.config);
			const watches = ['sim-m1', 'sim-m2'].map(context => watchWithKubectl(sim.kubeconfig, context));
			await sleep(d(3000, 2000));
			const fromMs = Date.now();
			await sleep(d(30_000, 10_000));
			const toMs = Date.now();
			await sleep(1000); // frames for the last events of the window
			for (const watch of watches) watch.stop();
			const events = readTrace(pane.trace);
			await pane.stop();
			const ours = screenLatencies(events, fromMs, toMs + 1000);
			const theirs = watches.flatMap(watch => watch.latencies.filter(item => item.atMs >= fromMs && item.atMs <= toMs).map(item => item.ms));
			raw[`latency${total}`] = {ours, theirs};
			const kubectlP95 = percentile(theirs, 95);
			row({measurement: 'latency', metric: `event to screen @${total}/s, p50`, unit: 'ms', value: percentile(ours, 50), min: min(ours), max: max(ours), n: ours.length});
			row({measurement: 'latency', metric: `event to screen @${total}/s, p95`, unit: 'ms', value: percentile(ours, 95), goal: `<= kubectl p95 + 250 = ${round(kubectlP95 + 250)} ms`, met: percentile(ours, 95) <= kubectlP95 + 250});
			row({measurement: 'latency', metric: `kubectl get pods -A -w @${total}/s, p50`, unit: 'ms', value: percentile(theirs, 50), min: min(theirs), max: max(theirs), n: theirs.length});
			row({measurement: 'latency', metric: `kubectl get pods -A -w @${total}/s, p95`, unit: 'ms', value: kubectlP95});
		} finally {
			await sim.stop();
		}
	}
}

// ---- 4. churn and keys ---------------------------------------------------------------------------

async function churn(): Promise<void> {
	const sim = await startSim({name: 'churn', pods: 500, churn: 50});
	try {
		const {pane} = await openTui('churn', sim.config);
		await sleep(d(5000, 3000));
		const windowMs = Date.now();
		let sent = 0;
		let nextKeyMs = 1000;
		const result = await window(pane.pid, d(60, 15), elapsedMs => {
			// A key every ~1.3 s at an offset that wanders relative to the 250 ms frame cadence.
			if (elapsedMs < nextKeyMs) return;
			sendKey(pane, sent++ % 2 ? 'k' : 'j');
			nextKeyMs = elapsedMs + 1100 + Math.random() * 400;
		});
		const events = readTrace(pane.trace);
		await pane.stop();
		// Only the keys sent here (a terminal's answer to a query at start also reaches stdin).
		const keys = keyLatencies(events.filter(event => event.event !== 'key' || event.atMs >= windowMs));
		const rss = result.samples.map(sample => sample.rss);
		raw.churn = {pods: sim.pods, ...result, keys};
		series('churn', 'CPU at 100 events/s (2x500 pods), per window', '% core', result.slices);
		row({measurement: 'churn', metric: 'CPU at 100 events/s, whole window', unit: '% core', value: result.cpuPercent, goal: '<= 5 %', met: result.cpuPercent <= 5});
		row({measurement: 'churn', metric: 'resident memory at 100 events/s', unit: 'MiB', value: median(rss), min: min(rss), max: max(rss), n: rss.length});
		row({measurement: 'churn', metric: 'key press to frame, p50', unit: 'ms', value: percentile(keys, 50), min: min(keys), max: max(keys), n: keys.length});
		row({measurement: 'churn', metric: 'key press to frame, p95', unit: 'ms', value: percentile(keys, 95), goal: '<= 100 ms', met: percentile(keys, 95) <= 100});
	} finally {
		await sim.stop();
	}
}

// ---- 5. scale ----------------------------------------------------------------------------------

async function scale(): Promise<void> {
	const sim = await startSim({name: 'scale', pods: 10_000});
	const starts: number[] = [];
	const rssAll: number[] = [];
	const hwms: number[] = [];
	const frameMs: number[] = [];
	const renderMs: number[] = [];
	try {
		for (let run = 0; run < d(3, 1); run++) {
			const {pane, live} = await openTui('scale', sim.config);
			starts.push(live.sinceStartMs);
			await sleep(5000);
			const result = await window(pane.pid, d(15, 5));
			const events = readTrace(pane.trace);
			await pane.stop();
			rssAll.push(...result.samples.map(sample => sample.rss));
			hwms.push(result.hwm);
			for (const frame of frames(events)) {
				if (frame.atMs < live.atMs + 5000) continue;
				if (typeof frame.frameMs === 'number') frameMs.push(frame.frameMs);
				if (typeof frame.renderMs === 'number') renderMs.push(frame.renderMs);
			}
		}
	} finally {
		await sim.stop();
	}
	raw.scale = {pods: sim.pods, starts, rssAll, hwms, frameMs, renderMs};
	series('scale', 'start to first live frame (2x10,000 pods)', 'ms', starts, {text: '<= 2000 ms', met: value => value <= 2000});
	row({measurement: 'scale', metric: 'resident memory (RSS samples, 2x10,000)', unit: 'MiB', value: median(rssAll), min: min(rssAll), max: max(rssAll), n: rssAll.length, goal: '<= 200 MiB (max)', met: max(rssAll) <= 200});
	series('scale', 'peak RSS since start (VmHWM, 2x10,000)', 'MiB', hwms);
	row({measurement: 'scale', metric: 'frame time: snapshot + React + layout + frame string, p50', unit: 'ms', value: percentile(frameMs, 50), min: min(frameMs), max: max(frameMs), n: frameMs.length});
	row({measurement: 'scale', metric: 'frame time, p95', unit: 'ms', value: percentile(frameMs, 95)});
	row({measurement: 'scale', metric: 'Ink frame string alone (onRender renderTime), p50', unit: 'ms', value: percentile(renderMs, 50), min: min(renderMs), max: max(renderMs), n: renderMs.length});
}

// ---- 6. soak -----------------------------------------------------------------------------------

async function soak(): Promise<void> {
	const minutes = d(10, 2);
	// Issue 11's soak: 2 x 2,000 pods, 50 changes a second per cluster, ten minutes.
	const sim = await startSim({name: 'soak', pods: 2000, churn: 50});
	try {
		const {pane} = await openTui('soak', sim.config);
		const startedMs = Date.now();
		const cpu0 = cpuSeconds(pane.pid);
		const memory = sampleMemory(pane.pid, 5000);
		while (Date.now() - startedMs < minutes * 60_000) {
			await sleep(1000);
			if (!alive(pane.pid)) throw new Error('labwatch exited during the soak');
		}
		const cpuPercent = ((cpuSeconds(pane.pid) - cpu0) / ((Date.now() - startedMs) / 1000)) * 100;
		const samples = memory.stop();
		await pane.stop();
		// GC makes RSS saw-tooth: compare the minute after minute 2 with the last minute, each by its median.
		const inMinute = (from: number, to: number) => samples.filter(sample => sample.atMs - startedMs >= from * 60_000 && sample.atMs - startedMs < to * 60_000).map(sample => sample.rss);
		const settledFrom = Math.min(2, minutes - 1);
		const early = median(inMinute(settledFrom, settledFrom + 1));
		const late = median(inMinute(minutes - 1, minutes + 1));
		const growth = ((late - early) / early) * 100;
		const afterSettle = inMinute(settledFrom, minutes + 1);
		raw.soak = {minutes, samples, cpuPercent};
		row({measurement: 'soak', metric: `RSS, minute ${settledFrom + 1} (median)`, unit: 'MiB', value: early});
		row({measurement: 'soak', metric: `RSS, minute ${minutes} (median)`, unit: 'MiB', value: late, min: min(afterSettle), max: max(afterSettle)});
		row({measurement: 'soak', metric: `RSS growth after minute ${settledFrom} (${minutes} min, 2x2,000 pods, 100 events/s)`, unit: '%', value: growth, goal: '<= 5 %', met: growth <= 5});
		row({measurement: 'soak', metric: 'CPU over the soak', unit: '% core', value: cpuPercent});
	} finally {
		await sim.stop();
	}
}

// ---- 8. dig views (issue 13) --------------------------------------------------------------------

async function dig(): Promise<void> {
	const {runDigBench} = await import('./dig.js');
	const result = await runDigBench();
	for (const [what, {firstFrame, answer}] of Object.entries(result.openings)) {
		series('dig', `open ${what}: key to first frame`, 'ms', firstFrame, {text: '<= 150 ms', met: value => value <= 150});
		series('dig', `open ${what}: key to the answer on screen (tmux polling)`, 'ms', answer, {text: '<= 150 ms', met: value => value <= 150});
	}
	row({measurement: 'dig', metric: 'log pane at 1,000 lines/s: key to frame, p95', unit: 'ms', value: percentile(result.keyLatency, 95), goal: '<= 100 ms', met: percentile(result.keyLatency, 95) <= 100});
	const growth = max(result.rssMiB) - result.baselineMiB;
	row({measurement: 'dig', metric: 'log pane at 1,000 lines/s: RSS above the pane before it', unit: 'MiB', value: growth, min: result.baselineMiB, max: max(result.rssMiB), goal: '<= +20 MiB', met: growth <= 20});
	row({measurement: 'dig', metric: `log streams open after the pane closed (RSS then ${result.closedMiB.toFixed(0)} MiB)`, unit: '', value: result.streams, goal: '0', met: result.streams === 0});
	raw.dig = result;
}

// ---- 7. detection ------------------------------------------------------------------------------

async function detection(): Promise<void> {
	const sim = await startSim({name: 'detection', pods: 200});
	const cut: number[] = [];
	const heal: number[] = [];
	try {
		const {pane} = await openTui('detection', sim.config);
		await sleep(3000);
		for (let run = 0; run < d(5, 2); run++) {
			const cutMs = Date.now();
			await post(`${sim.controlUrl}/_sim/partition`);
			const down = await waitForTrace(pane, event => event.event === 'frame' && event.atMs >= cutMs && typeof event.phases === 'string' && event.phases.includes('unreachable'), 20_000, 'an unreachable frame');
			cut.push(down.atMs - cutMs);
			await sleep(2000);
			const healMs = Date.now();
			await post(`${sim.controlUrl}/_sim/heal`);
			const up = await waitForTrace(
				pane,
				event => event.event === 'frame' && event.atMs >= healMs && typeof event.phases === 'string' && event.phases.split(' ').every(phase => phase.endsWith(':live')),
				20_000,
				'a live frame after heal',
			);
			heal.push(up.atMs - healMs);
			await sleep(3000 + Math.random() * 1000);
		}
		await pane.stop();
	} finally {
		await sim.stop();
	}
	raw.detection = {cut, heal};
	series('detection', 'cut to "unreachable" on screen', 'ms', cut, {text: '<= 3000 ms', met: value => value <= 3000});
	series('detection', 'heal to "live" on screen', 'ms', heal, {text: '<= 3000 ms', met: value => value <= 3000});
}

// ---- main --------------------------------------------------------------------------------------

const measurements: Record<Name, () => Promise<void>> = {start, idle, latency, churn, scale, soak, detection, dig};

function table(): string {
	const fmt = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '' : String(round(value, value >= 100 ? 0 : 1)));
	const lines = ['| measurement | metric | median | min | max | n | goal | met? |', '|---|---|---|---|---|---|---|---|'];
	for (const entry of rows) {
		lines.push(
			`| ${entry.measurement} | ${entry.metric} | ${fmt(entry.value)} ${entry.unit} | ${fmt(entry.min)} | ${fmt(entry.max)} | ${entry.n ?? ''} | ${entry.goal ?? ''} | ${entry.met === undefined ? '' : entry.met ? 'yes' : '**no**'} |`,
		);
	}
	return lines.join('\n');
}

async function main(): Promise<number> {
	mkdirSync(work, {recursive: true});
	const startedAt = new Date();
	// Which code was measured (the build made just before this run).
	const git = (...args: string[]) => {
		try {
			return execFileSync('git', args, {cwd: root, encoding: 'utf8'}).trim();
		} catch {
			return undefined;
		}
	};
	const commit = {head: git('rev-parse', 'HEAD'), dirty: (git('status', '--porcelain', '--', 'source', 'views') ?? '').split('\n').filter(Boolean)};
	const failures: Record<string, string> = {};
	const load = {atStart: loadAverage(), atEnd: ''};
	console.log(`load average (1, 5, 15 min) at start: ${load.atStart}`);
	for (const name of selected) {
		console.log(`\n# ${name}`);
		const began = Date.now();
		try {
			await measurements[name]();
		} catch (error) {
			failures[name] = error instanceof Error ? error.message : String(error);
			console.log(`  FAILED: ${failures[name]}`);
		} finally {
			await cleanupAll();
		}
		console.log(`  (${round((Date.now() - began) / 1000)} s)`);
	}
	let realSkipped: string | undefined;
	if (selectedReal.length > 0) {
		realSkipped = await realUnavailable();
		if (realSkipped === undefined) await runReal(selectedReal, realSizes, {quick, d, row, series, raw, failures});
		else {
			console.log(`\nreal apiservers: skipped: ${realSkipped}`);
			if (realAsked) failures.real = realSkipped;
		}
	}
	load.atEnd = loadAverage();
	console.log(`\n${table()}`);
	console.log(`\nload average (1, 5, 15 min): ${load.atStart} at start, ${load.atEnd} at the end (2 cores: above 2 means the numbers are shared)`);
	const machine = {
		cpus: cpus().length,
		cpuModel: cpus()[0]?.model,
		memoryGiB: round(totalmem() / 2 ** 30),
		node: process.version,
		kubectl: execFileSync('kubectl', ['version', '--client'], {encoding: 'utf8'}).split('\n')[0],
	};
	const resultsDir = join(root, 'bench/results');
	mkdirSync(resultsDir, {recursive: true});
	const file = join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
	writeFileSync(file, `${JSON.stringify({startedAt: startedAt.toISOString(), quick, selected: [...selected, ...(realSkipped === undefined ? selectedReal : [])], ...(selectedReal.length > 0 ? {realSizes, ...(realSkipped ? {realSkipped} : {})} : {}), load, machine, commit, rows, failures, raw}, null, 1)}\n`);
	console.log(`\nwrote ${file}`);
	if (Object.keys(failures).length > 0) console.log(`failed: ${Object.keys(failures).join(', ')}`);
	return Object.keys(failures).length > 0 ? 1 : 0;
}

const interrupt = () => void cleanupAll().then(() => process.exit(130));
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
main().then(
	async code => {
		await cleanupAll();
		process.exitCode = code;
	},
	async (error: unknown) => {
		await cleanupAll();
		console.error(error);
		process.exitCode = 1;
	},
);
