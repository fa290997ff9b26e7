// Profiling aid (not part of `npm run bench`): runs labwatch against a simulator in a tmux pane with
// node's --cpu-prof (and optionally a heap snapshot on SIGUSR2), then prints where the time went.
//
//   npx tsx bench/profile.ts [--pods 200] [--churn 0] [--seconds 0] [--heap]
// --seconds 0 stops at the first live frame (a start-up profile); otherwise it runs that long after it.
import {mkdirSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {cleanupAll, cli, sleep, startPane, startSim, waitForTrace, work} from './lib.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
	const at = argv.indexOf(`--${name}`);
	return at >= 0 ? Number(argv[at + 1]) : fallback;
};

interface Node {
	id: number;
	callFrame: {functionName: string; url: string; lineNumber: number; columnNumber: number};
	hitCount: number;
	children?: number[];
}

/** Self time per function, and per bundled package (from the source map's sources, by line). */
export function summarise(file: string, top = 25): void {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as {nodes: Node[]; samples: number[]; timeDeltas: number[]};
	const total = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0) / 1000;
	const self = new Map<number, number>();
	profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
	const byFunction = new Map<string, number>();
	for (const node of profile.nodes) {
		const ms = self.get(node.id) ?? 0;
		const {functionName, url, lineNumber} = node.callFrame;
		const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
		byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
	}
	// Self time per bundled module: esbuild marks where each module starts with a `// path` comment line.
	const starts: Array<{line: number; module: string}> = [];
	readFileSync(cli, 'utf8').split('\n').forEach((text, line) => {
		const match = /^\/\/ ((?:node_modules|source|views)\/\S+)$/.exec(text);
		if (match) starts.push({line, module: match[1]!.replace(/^(node_modules\/(?:@[^/]+\/)?[^/]+|source\/[^/]+|views)\/.*$/, '$1')});
	});
	const moduleOf = (line: number) => {
		let low = 0;
		let high = starts.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if (starts[middle]!.line <= line) low = middle;
			else high = middle - 1;
		}
		return starts[low]?.module ?? '?';
	};
	const byModule = new Map<string, number>();
	for (const node of profile.nodes) {
		const ms = self.get(node.id) ?? 0;
		const {url, functionName, lineNumber} = node.callFrame;
		const key = url.endsWith('dist/labwatch.js') ? moduleOf(lineNumber) : functionName.startsWith('(') ? functionName : `node:${url.replace(/^node:/, '').split('/')[0] || 'native'}`;
		byModule.set(key, (byModule.get(key) ?? 0) + ms);
	}
	console.log(`profile ${file}: ${total.toFixed(0)} ms sampled; self time by module:`);
	for (const [key, ms] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${key}`);
	console.log('by function:');
	for (const [key, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${key}`);
}

async function main(): Promise<void> {
	const pods = flag('pods', 200);
	const churn = flag('churn', 0);
	const seconds = flag('seconds', 0);
	const dir = join(work, 'profile');
	rmSync(dir, {recursive: true, force: true});
	mkdirSync(dir, {recursive: true});
	const sim = await startSim({name: 'profile', pods, churn});
	const pane = await startPane({script: cli, args: ['--config', sim.config], nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir, ...(argv.includes('--heap') ? ['--heapsnapshot-signal=SIGUSR2'] : [])], trace: join(dir, 'trace.jsonl')});
	const live = await waitForTrace(pane, event => event.event === 'first-live-frame', 60_000, 'live');
	console.log(`first live frame at ${live.sinceStartMs} ms`);
	if (seconds > 0) await sleep(seconds * 1000);
	if (argv.includes('--heap')) {
		process.kill(pane.pid, 'SIGUSR2');
		await sleep(5000);
	}
	await pane.stop();
	await sim.stop();
	await sleep(500);
	for (const file of readdirSync(dir).filter(name => name.endsWith('.cpuprofile'))) summarise(join(dir, file));
}

if (argv[0] === '--summarise') summarise(argv[1]!);
else main().finally(() => cleanupAll());
