// Helpers for bench/run.ts: the simulator in its own process, labwatch in a tmux pane (it needs a TTY),
// the trace file labwatch writes with LABWATCH_TRACE, and CPU and memory read from /proc.
import {spawn, execFileSync, type ChildProcess} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import {build} from 'esbuild';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(root, 'dist/labwatch.js');

/** The V8 flags the launcher's shebang gives labwatch (`#!/usr/bin/env -S node FLAGS`): measured as users run it. */
export function launcherFlags(): string[] {
	return shebangWords().filter(word => word.startsWith('--'));
}

/** The VAR=value assignments the entry's shebang (`env -S`) sets for the process, as an env object. */
export function launcherEnv(): Record<string, string> {
	const words = shebangWords();
	const node = words.indexOf('node');
	return Object.fromEntries(words.slice(0, Math.max(0, node)).flatMap(word => (/^[A-Z_][A-Z0-9_]*=/.test(word) ? [[word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]] : [])));
}

function shebangWords(): string[] {
	const shebang = readFileSync(cli, 'utf8').split('\n', 1)[0] ?? '';
	return shebang.replace(/^#!\S*env -S\s*/, '').split(/\s+/).filter(Boolean);
}
/** Scratch space (gitignored): configs, kubeconfigs, traces, the floor bundle, profiles. */
export const work = join(root, '.tmp/bench');

export const sleep = (ms: number) => new Promise<void>(done => setTimeout(done, ms));

// ---- cleanup -----------------------------------------------------------------------------------

const cleanups = new Set<() => void | Promise<void>>();

/** Registers an undo step; returns the function that runs it once and forgets it. */
export function onCleanup(undo: () => void | Promise<void>): () => Promise<void> {
	cleanups.add(undo);
	return async () => {
		if (!cleanups.delete(undo)) return;
		await undo();
	};
}

export async function cleanupAll(): Promise<void> {
	for (const undo of [...cleanups].reverse()) {
		cleanups.delete(undo);
		try {
			await undo();
		} catch {
			// Keep undoing the rest.
		}
	}
}

// ---- processes -----------------------------------------------------------------------------------

export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		if (!alive(pid)) return true;
		await sleep(25);
	}
	return !alive(pid);
}

export const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100;

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// The command name may hold spaces and parentheses: fields are counted after the last ')'.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Resident and peak resident memory, in MiB. */
export function memoryMiB(pid: number): {rss: number; hwm: number} {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
	return {rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024};
}

export interface RunResult {
	code: number | null;
	wallMs: number;
	stdout: string;
	stderr: string;
}

/** Runs a command to its end, timing it from spawn to exit. */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<RunResult> {
	return new Promise((done, fail) => {
		const startedMs = performance.now();
		const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'pipe']});
		const undo = onCleanup(() => void child.kill('SIGKILL'));
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', fail);
		child.on('close', code => {
			const wallMs = performance.now() - startedMs;
			clearTimeout(timer);
			void undo();
			done({code, wallMs, stdout, stderr});
		});
	});
}

/** The environment labwatch gets: CI must be absent (Ink and chalk change behaviour when it is set at all). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env = {...process.env, ...extra};
	delete env.CI;
	delete env.CONTINUOUS_INTEGRATION;
	return env;
}

// ---- simulator -----------------------------------------------------------------------------------

export interface Sim {
	pid: number;
	controlUrl: string;
	kubeconfig: string;
	/** labwatch config written by the sim (with its prometheus: section and a sim drill point). */
	config: string;
	/** Pods per cluster as the sim reported them at start. */
	pods: Record<string, number>;
	stop(): Promise<void>;
}

/** `labwatch sim` in its own process, so its work never counts as labwatch's. */
export async function startSim(options: {name: string; pods: number; churn?: number; life?: boolean}): Promise<Sim> {
	const directory = join(work, options.name);
	mkdirSync(directory, {recursive: true});
	const kubeconfig = join(directory, 'kubeconfig.yaml');
	const config = join(directory, 'config.yaml');
	// A quiet homelab (no restarts or CI jobs) unless a measurement asks for life or churn: "idle" means idle.
	const args = [cli, 'sim', '--pods', String(options.pods), ...(options.life ? [] : ['--no-life']), '--kubeconfig', kubeconfig, '--config-out', config];
	if (options.churn) args.push('--churn', String(options.churn));
	const child: ChildProcess = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv()});
	const stop = onCleanup(async () => {
		if (child.exitCode !== null || child.pid === undefined) return;
		child.kill('SIGTERM');
		if (!(await waitGone(child.pid, 5000))) child.kill('SIGKILL');
	});
	let output = '';
	child.stderr!.on('data', chunk => (output += chunk));
	try {
		await new Promise<void>((ready, fail) => {
			const timer = setTimeout(() => fail(new Error(`sim did not start in time:\n${output}`)), 180_000);
			child.stdout!.on('data', chunk => {
				output += chunk;
				if (output.includes('Ctrl-C stops it.')) {
					clearTimeout(timer);
					ready();
				}
			});
			child.on('exit', code => {
				clearTimeout(timer);
				fail(new Error(`sim exited (${code}):\n${output}`));
			});
		});
	} catch (error) {
		await stop();
		throw error;
	}
	const controlUrl = /control\s+(http:\/\/\S+)/.exec(output)?.[1];
	if (!controlUrl) throw new Error(`no control URL in the sim's output:\n${output}`);
	const pods: Record<string, number> = {};
	for (const match of output.matchAll(/^\s+(\w+)\s+http:\/\/\S+\s+\(host \w+, context \S+, (\d+) pods\)/gm)) pods[match[1]!] = Number(match[2]);
	return {pid: child.pid!, controlUrl, kubeconfig, config, pods, stop};
}

export async function post(url: string): Promise<void> {
	const response = await fetch(url, {method: 'POST'});
	await response.text();
	if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status}`);
}

// ---- tmux ----------------------------------------------------------------------------------------

/** A private tmux server, so the bench never touches the user's sessions; killed at the end. */
const socket = `labwatch-bench-${process.pid}`;
let serverStarted = false;

export function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

function quote(text: string): string {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface Pane {
	/** The node process itself (the pane runs it with exec). */
	pid: number;
	session: string;
	/** Wall clock just before the pane was asked for. */
	spawnedAtMs: number;
	trace: string;
	stop(): Promise<void>;
}

let sessions = 0;

/** Runs `node [nodeArgs] script [args]` in a fresh 100x30 tmux pane with LABWATCH_TRACE set. */
export async function startPane(options: {script: string; args?: string[]; nodeArgs?: string[]; trace: string; env?: Record<string, string>; cols?: number; rows?: number}): Promise<Pane> {
	mkdirSync(dirname(options.trace), {recursive: true});
	rmSync(options.trace, {force: true});
	if (!serverStarted) {
		serverStarted = true;
		onCleanup(() => {
			try {
				tmux('kill-server');
			} catch {
				// Already gone.
			}
		});
	}
	const session = `bench${process.pid}-${++sessions}`;
	const env = Object.entries({...(options.script === cli ? launcherEnv() : {}), LABWATCH_TRACE: options.trace, ...options.env}).map(([key, value]) => `${key}=${quote(value)}`);
	const command = ['exec', 'env', '-u', 'CI', '-u', 'CONTINUOUS_INTEGRATION', ...env, quote(process.execPath), ...[...(options.script === cli ? launcherFlags() : []), ...(options.nodeArgs ?? [])].map(quote), quote(options.script), ...(options.args ?? []).map(quote)].join(' ');
	const spawnedAtMs = Date.now();
	tmux('new-session', '-d', '-s', session, '-x', String(options.cols ?? 100), '-y', String(options.rows ?? 30), command);
	const pid = Number(tmux('list-panes', '-t', session, '-F', '#{pane_pid}').trim());
	const stop = onCleanup(async () => {
		if (alive(pid)) {
			try {
				tmux('send-keys', '-t', session, 'q');
			} catch {
				// The pane is gone already.
			}
			if (!(await waitGone(pid, 4000))) process.kill(pid, 'SIGKILL');
		}
		try {
			tmux('kill-session', '-t', session);
		} catch {
			// It closed with its process.
		}
	});
	return {pid, session, spawnedAtMs, trace: options.trace, stop};
}

export function sendKey(pane: Pane, key: string): void {
	tmux('send-keys', '-t', pane.session, key);
}

export function capture(pane: Pane): string {
	return tmux('capture-pane', '-p', '-t', pane.session);
}

// ---- trace ---------------------------------------------------------------------------------------

export interface TraceEvent {
	event: string;
	sinceStartMs: number;
	atMs: number;
	[key: string]: unknown;
}

export function readTrace(file: string): TraceEvent[] {
	if (!existsSync(file)) return [];
	const events: TraceEvent[] = [];
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		if (!line) continue;
		try {
			events.push(JSON.parse(line) as TraceEvent);
		} catch {
			// A line being written right now.
		}
	}
	return events;
}

/** Polls the trace until an event matches; throws with the pane's screen after the timeout. */
export async function waitForTrace(pane: Pane, match: (event: TraceEvent) => boolean, timeoutMs: number, what: string): Promise<TraceEvent> {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		const found = readTrace(pane.trace).find(match);
		if (found) return found;
		await sleep(20);
	}
	let screen = '';
	try {
		screen = capture(pane);
	} catch {
		screen = '(pane gone)';
	}
	throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
}

// ---- statistics --------------------------------------------------------------------------------

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank]!;
}

export const median = (values: number[]) => {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
export const min = (values: number[]) => (values.length ? Math.min(...values) : Number.NaN);
export const max = (values: number[]) => (values.length ? values.reduce((a, b) => Math.max(a, b), -Infinity) : Number.NaN);

/** Samples a process's memory every intervalMs until stopped. */
export function sampleMemory(pid: number, intervalMs: number): {stop(): Array<{atMs: number; rss: number; hwm: number}>} {
	const samples: Array<{atMs: number; rss: number; hwm: number}> = [];
	const take = () => {
		try {
			samples.push({atMs: Date.now(), ...memoryMiB(pid)});
		} catch {
			// The process is gone; the caller will notice.
		}
	};
	take();
	const timer = setInterval(take, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			take();
			return samples;
		},
	};
}

// ---- measurements shared by the simulator's and the real apiserver's parts ------------------------

export const frames = (events: TraceEvent[]) => events.filter(event => event.event === 'frame');

/** CPU (% of one core) and memory of a process over a window. */
export async function window(pid: number, seconds: number, during?: (elapsedMs: number) => Promise<void> | void) {
	const cpu0 = cpuSeconds(pid);
	const wall0 = Date.now();
	const memory = sampleMemory(pid, 1000);
	const slices: number[] = [];
	let sliceCpu = cpu0;
	let sliceWall = wall0;
	const sliceMs = Math.min(10_000, (seconds * 1000) / 3);
	while (Date.now() - wall0 < seconds * 1000) {
		if (during) await during(Date.now() - wall0);
		await sleep(100);
		if (Date.now() - sliceWall >= sliceMs) {
			const cpu = cpuSeconds(pid);
			slices.push(((cpu - sliceCpu) / ((Date.now() - sliceWall) / 1000)) * 100);
			sliceCpu = cpu;
			sliceWall = Date.now();
		}
	}
	const cpuPercent = ((cpuSeconds(pid) - cpu0) / ((Date.now() - wall0) / 1000)) * 100;
	const samples = memory.stop();
	return {cpuPercent, slices, samples, hwm: memoryMiB(pid).hwm};
}

/** Each key's trace time to the first frame rendered after it (the frame that shows the key's effect). */
export function keyLatencies(events: TraceEvent[]): number[] {
	const latencies: number[] = [];
	const rendered = frames(events).map(frame => frame.sinceStartMs);
	for (const key of events.filter(event => event.event === 'key')) {
		const next = rendered.find(at => at >= key.sinceStartMs);
		if (next !== undefined) latencies.push(next - key.sinceStartMs);
	}
	return latencies;
}

/** The start-time floor (bench/floor.ts) bundled as labwatch is: the libraries and one Ink frame. */
export async function buildFloor(): Promise<string> {
	const outfile = join(work, 'floor.js');
	await build({
		entryPoints: [join(root, 'bench/floor.ts')],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		legalComments: 'none',
		define: {'process.env.NODE_ENV': '"production"'},
		alias: {'react-devtools-core': join(root, 'source/react-devtools-stub.ts')},
		banner: {js: "import {createRequire as __floorCreateRequire} from 'node:module';\nconst require = __floorCreateRequire(import.meta.url);"},
		logLevel: 'warning',
	});
	return outfile;
}
