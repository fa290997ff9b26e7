// The dig views' budgets (issue 13), on their own: `npx tsx bench/dig.ts` (after `npm run build`).
//  - opening describe, YAML and events: key to the first frame, and key to the answer on screen (≤ 150 ms);
//  - a log pane fed 1,000 lines/s by the simulator: key to frame while it streams (≤ 100 ms), resident
//    memory while it is open (≤ +20 MiB) and after it is closed.
// The simulator runs in this process (logIntervalMs 1: a line per millisecond per followed pod); labwatch
// runs in a 100x30 tmux pane with LABWATCH_TRACE, as in bench/run.ts.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {startHomelab} from '../source/sim/homelab.js';
import {capture, cleanupAll, cli, median, memoryMiB, percentile, readTrace, sendKey, sleep, startPane, waitForTrace, work, max} from './lib.js';

export interface DigBenchResult {
	openings: Record<string, {firstFrame: number[]; answer: number[]}>;
	keyLatency: number[];
	baselineMiB: number;
	rssMiB: number[];
	closedMiB: number;
	streams: number;
	held: string;
}

/** The measurements, for `npm run bench` (bench/run.ts's `dig`) and for this file run on its own. */
export async function runDigBench(): Promise<DigBenchResult> {
	const directory = join(work, 'dig');
	mkdirSync(directory, {recursive: true});
	const sim = await startHomelab({life: false, logIntervalMs: 1});
	try {
		const kubeconfig = join(directory, 'kubeconfig.yaml');
		const config = join(directory, 'config.yaml');
		writeFileSync(kubeconfig, sim.kubeconfigYaml());
		writeFileSync(config, stringify(sim.configFor(kubeconfig)));
		const pane = await startPane({script: cli, args: ['--config', config], trace: join(directory, 'trace.jsonl'), env: {XDG_STATE_HOME: join(directory, 'state')}});
		await waitForTrace(pane, event => event.event === 'first-live-frame', 20_000, 'the first live frame');
		await sleep(1500);

		// Key to first frame and key to the answer on screen, five times each.
		const openings: Record<string, {firstFrame: number[]; answer: number[]}> = {};
		for (const [key, what, shown] of [
			['d', 'describe', /Containers:/],
			['y', 'YAML', /apiVersion: v1/],
			['e', 'events', /CLUSTER\s+AGE\s+TYPE/],
		] as const) {
			openings[what] = {firstFrame: [], answer: []};
			for (let round = 0; round < 5; round++) {
				const before = readTrace(pane.trace).length;
				const sentMs = Date.now();
				sendKey(pane, key);
				for (;;) {
					if (shown.test(capture(pane))) break;
					if (Date.now() - sentMs > 5000) throw new Error(`${what} never showed`);
					await sleep(5);
				}
				openings[what]!.answer.push(Date.now() - sentMs);
				const events = readTrace(pane.trace).slice(before);
				const keyAt = events.find(event => event.event === 'key')?.atMs;
				const frameAt = events.find(event => event.event === 'frame' && keyAt !== undefined && event.atMs >= keyAt)?.atMs;
				if (keyAt !== undefined && frameAt !== undefined) openings[what]!.firstFrame.push(frameAt - keyAt);
				sendKey(pane, 'Escape');
				await sleep(400);
			}
		}

		// The log pane at 1,000 lines/s.
		const baseline = memoryMiB(pane.pid).rss;
		sendKey(pane, 'j'); // data/postgresql-0
		await sleep(300);
		sendKey(pane, 'l');
		await sleep(3000);
		const linesShown = /following · (\d+) lines ([\d.]+ \w+)(, (\d+) dropped)?/.exec(capture(pane));
		const rss: number[] = [];
		const keyLatency: number[] = [];
		for (let second = 0; second < 20; second++) {
			const before = readTrace(pane.trace).length;
			sendKey(pane, second % 2 ? 'f' : 'k');
			await sleep(1000);
			rss.push(memoryMiB(pane.pid).rss);
			const events = readTrace(pane.trace).slice(before);
			const keyAt = events.find(event => event.event === 'key')?.atMs;
			const frameAt = events.find(event => event.event === 'frame' && keyAt !== undefined && event.atMs >= keyAt)?.atMs;
			if (keyAt !== undefined && frameAt !== undefined) keyLatency.push(frameAt - keyAt);
		}
		const afterLines = /(\d+) lines ([\d.]+ \w+)(, (\d+) dropped)?/.exec(capture(pane));
		sendKey(pane, 'Escape');
		await sleep(5000);
		const closed = memoryMiB(pane.pid).rss;
		const streams = sim.clusters.reduce((sum, cluster) => sum + cluster.server.logStreamCount(), 0);

		await pane.stop();
		return {
			openings,
			keyLatency,
			baselineMiB: baseline,
			rssMiB: rss,
			closedMiB: closed,
			streams,
			held: `${linesShown?.[0] ?? '?'} at 3 s; ${afterLines?.[0] ?? '?'} at 23 s`,
		};
	} finally {
		await cleanupAll();
		await sim.stop();
	}
}

async function main(): Promise<void> {
	const result = await runDigBench();
	const rows = [
		...Object.entries(result.openings).flatMap(([what, {firstFrame, answer}]) => [
			[`open ${what}: key to first frame`, `${median(firstFrame)} ms median, max ${max(firstFrame)}`, '≤ 150 ms'],
			[`open ${what}: key to answer on screen (tmux polling)`, `${median(answer)} ms median, max ${max(answer)}`, '≤ 150 ms'],
		]),
		['logs at 1,000 lines/s: key to frame', `p50 ${percentile(result.keyLatency, 50)} ms, p95 ${percentile(result.keyLatency, 95)} ms (${result.keyLatency.length} keys)`, '≤ 100 ms'],
		['logs at 1,000 lines/s: resident memory', `${result.baselineMiB.toFixed(0)} MiB before, ${median(result.rssMiB).toFixed(0)} median / ${max(result.rssMiB).toFixed(0)} max while open`, '≤ +20 MiB'],
		['logs: after closing the pane', `${result.closedMiB.toFixed(0)} MiB, ${result.streams} log streams open on the simulator`, 'stream closed'],
		['logs: what the pane held', result.held, 'bounded'],
	];
	for (const [what, value, goal] of rows) console.log(`${what!.padEnd(58)} ${value!.padEnd(52)} ${goal}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	main().catch(error => {
		console.error(error);
		process.exitCode = 1;
	});
}
