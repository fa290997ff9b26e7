// `npm run lab -- up | down | status | tui`: the homelab in a box. `up` starts the supervisor
// (lab/box-supervisor.ts) detached and returns once its state file says ready; `down` stops it and removes
// the namespaces, processes and files it recorded; `status` reports from the state file and /proc.
import {spawn, spawnSync} from 'node:child_process';
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {ensureLabBinary} from './build.js';
import {defaultStateDir, isRunning, killRecorded, readState, residentBytes, sha256, type LabState} from './box-state.js';
import {nodeExporterBinary, prometheusBinary} from './box-prometheus.js';
import type {SupervisorOptions} from './box-supervisor.js';
import {deleteNamespaces, listNamespaces, planNetwork} from './netns.js';

const root = resolve(import.meta.dirname, '..');
const labwatchJs = join(root, 'dist', 'labwatch.js');

export class LabUsageError extends Error {}

export interface BoxOptions {
	stateDir: string;
	prefix: string;
	clusters: string[];
	pods: number;
	configOut?: string;
	kubeconfigOut?: string;
	readyTimeoutMs: number;
}

/** Linux and root, and the programs the lab runs; one line naming what is missing, or undefined. */
export function whatIsMissing(): string | undefined {
	if (process.platform !== 'linux') return `npm run lab -- up needs Linux (network namespaces); this is ${process.platform}`;
	if (process.getuid?.() !== 0) return 'npm run lab -- up needs root (it creates network namespaces): run it with sudo';
	const missing = ['ip', 'setpriv', 'curl', 'iptables'].filter(command => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command]).status !== 0);
	for (const binary of [prometheusBinary, nodeExporterBinary]) if (!existsSync(binary)) missing.push(binary);
	if (missing.length > 0) return `npm run lab -- up needs ${missing.join(', ')} (Debian: apt-get install iproute2 util-linux curl iptables prometheus prometheus-node-exporter)`;
	return undefined;
}

const sleep = (ms: number) => new Promise(done => setTimeout(done, ms));

function tail(path: string, lines = 15): string {
	try {
		return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/**
 * Stops the supervisor (SIGTERM, then SIGKILL after 10 s), kills every recorded process still running,
 * deletes the namespaces (with whatever else runs in them), removes files it wrote outside the state
 * directory if unchanged, and the state directory. Idempotent; returns what it did, one line each.
 */
export async function cleanup(state: LabState): Promise<string[]> {
	const done: string[] = [];
	if (isRunning(state.supervisor)) {
		killRecorded(state.supervisor, 'SIGTERM');
		const deadline = Date.now() + 10_000;
		while (isRunning(state.supervisor) && Date.now() < deadline) await sleep(50);
		if (isRunning(state.supervisor)) killRecorded(state.supervisor, 'SIGKILL');
		done.push(`stopped the supervisor (pid ${state.supervisor.pid})`);
	}
	const left = state.processes.filter(isRunning);
	for (const each of left) killRecorded(each, 'SIGKILL');
	if (left.length > 0) done.push(`killed ${left.map(each => `${each.name} (${each.pid})`).join(', ')}`);
	const namespaces = state.network.map(each => each.netns);
	const present = namespaces.filter(netns => listNamespaces().includes(netns));
	deleteNamespaces(namespaces);
	if (present.length > 0) done.push(`deleted network namespaces ${present.join(', ')}`);
	for (const file of state.files) {
		if (!existsSync(file.path)) continue;
		if (sha256(readFileSync(file.path, 'utf8')) === file.sha256) {
			rmSync(file.path, {force: true});
			done.push(`removed ${file.path}`);
		} else {
			done.push(`kept ${file.path}: changed since the lab wrote it`);
		}
	}
	const deadline = Date.now() + 10_000;
	while ([state.supervisor, ...state.processes].some(isRunning) && Date.now() < deadline) await sleep(50);
	rmSync(state.stateDir, {recursive: true, force: true});
	done.push(`removed ${state.stateDir}`);
	return done;
}

/** `up`: refuses while a lab runs (exit 1); cleans a crashed one first; returns once ready. */
export async function up(options: BoxOptions, out = console.log, err = console.error): Promise<number> {
	const {stateDir} = options;
	const existing = readState(stateDir);
	if (existing && isRunning(existing.supervisor)) {
		err(`a lab is already running from ${stateDir} (supervisor pid ${existing.supervisor.pid}, ${existing.phase} since ${existing.startedAt}): npm run lab -- status, or down first`);
		return 1;
	}
	if (existing) {
		err(`cleaning up a lab that was not stopped (supervisor pid ${existing.supervisor.pid} is gone):`);
		for (const line of await cleanup(existing)) err(`  ${line}`);
	}
	if (existsSync(stateDir) && readdirSync(stateDir).length > 0) {
		throw new LabUsageError(`--state ${stateDir}: not empty and not a lab's state directory (no state.json): choose another`);
	}
	const network = planNetwork(options.prefix, options.clusters);
	const taken = network.map(each => each.netns).filter(netns => listNamespaces().includes(netns));
	if (taken.length > 0) {
		err(`network namespace ${taken.join(', ')} exists and is not this lab's (no state in ${stateDir}): remove it (ip netns del NAME) or use --prefix`);
		return 1;
	}
	const binary = await ensureLabBinary({log: line => err(line)});
	mkdirSync(stateDir, {recursive: true, mode: 0o700});
	const supervisorOptions: SupervisorOptions = {
		stateDir,
		prefix: options.prefix,
		clusters: options.clusters,
		binary,
		pods: options.pods,
		configOut: options.configOut,
		kubeconfigOut: options.kubeconfigOut,
		apiserverPort: 6443,
	};
	const logPath = join(stateDir, 'supervisor.log');
	const log = openSync(logPath, 'a');
	const startedMs = Date.now();
	const child = spawn(process.execPath, [...process.execArgv, join(import.meta.dirname, 'box-supervisor.ts'), JSON.stringify(supervisorOptions)], {
		detached: true,
		stdio: ['ignore', log, log],
		cwd: root,
	});
	closeSync(log);
	child.unref();
	err(`starting the lab (supervisor pid ${child.pid}, log ${logPath})…`);
	// Ctrl-C while waiting stops the lab too: the supervisor is in its own session and would go on alone.
	let interrupted = false;
	const interrupt = () => {
		interrupted = true;
	};
	process.once('SIGINT', interrupt);
	process.once('SIGTERM', interrupt);
	const deadline = startedMs + options.readyTimeoutMs;
	for (;;) {
		await sleep(200);
		if (interrupted) {
			err('interrupted: stopping the lab');
			const partial = readState(stateDir);
			if (partial) for (const line of await cleanup(partial)) err(`  ${line}`);
			else {
				child.kill('SIGKILL');
				rmSync(stateDir, {recursive: true, force: true});
			}
			return 130;
		}
		const state = readState(stateDir);
		if (state?.phase === 'ready') {
			printReady(state, out);
			return 0;
		}
		const alive = state ? isRunning(state.supervisor) : child.exitCode === null;
		if (state?.phase === 'failed' || !alive || Date.now() > deadline) {
			const why = state?.error ?? (alive ? `not ready after ${options.readyTimeoutMs / 1000} s` : 'the supervisor exited');
			err(`the lab did not start: ${why}\n${tail(logPath)}`);
			const crashed = state ?? readState(stateDir);
			if (crashed) for (const line of await cleanup(crashed)) err(`  ${line}`);
			else rmSync(stateDir, {recursive: true, force: true});
			return 1;
		}
	}
}

/** The command that starts the TUI in the first cluster's namespace. */
export function tuiCommand(state: LabState): string[] {
	return ['ip', 'netns', 'exec', state.network[0]!.netns, process.execPath, labwatchJs, '--config', state.configPath!];
}

function printReady(state: LabState, out: (line: string) => void): void {
	out(`lab ready in ${((state.readyMs ?? 0) / 1000).toFixed(1)} s (state in ${state.stateDir})`);
	for (const cluster of state.clusters) out(`  ${cluster.name}  netns ${cluster.netns}  ${cluster.address}  ${cluster.server}  context ${cluster.context}`);
	out(`  prometheus  ${state.prometheusUrl} (in ${state.network[0]!.netns}; jobs ${state.network.map(each => each.cluster).join(', ')}, apiserver-*)`);
	out(`  config      ${state.configPath}`);
	out(`  kubeconfig  ${state.kubeconfigPath}`);
	out('');
	out(`The TUI, in ${state.network[0]!.cluster}'s namespace (p then y cuts there with via: netns):`);
	out(`  ${tuiCommand(state).join(' ')}`);
	out(`  or: npm run lab -- tui${state.stateDir === defaultStateDir() ? '' : ` --state ${state.stateDir}`}`);
	out(`kubectl:  ip netns exec ${state.network[0]!.netns} kubectl --kubeconfig ${state.kubeconfigPath} get nodes --context kind-${state.network[1]!.cluster}`);
	out(`Stop it and remove everything: npm run lab -- down${state.stateDir === defaultStateDir() ? '' : ` --state ${state.stateDir}`}`);
}

export async function down(stateDir: string, out = console.log): Promise<number> {
	const state = readState(stateDir);
	if (!state) {
		out(`no lab in ${stateDir}: nothing to stop`);
		return 0;
	}
	for (const line of await cleanup(state)) out(line);
	return 0;
}

const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);

/** `status`: 0 when everything recorded runs, 1 when part of it does (or it is starting/failed), 3 when nothing. */
export function status(stateDir: string, out = console.log): number {
	const state = readState(stateDir);
	if (!state) {
		out(`no lab in ${stateDir}`);
		return 3;
	}
	const namespaces = listNamespaces();
	const supervisorUp = isRunning(state.supervisor);
	out(`lab ${state.phase}${state.error ? `: ${state.error}` : ''} · supervisor pid ${state.supervisor.pid} ${supervisorUp ? 'running' : 'GONE'} · since ${state.startedAt}${state.readyMs ? ` · ready in ${(state.readyMs / 1000).toFixed(1)} s` : ''}`);
	for (const each of state.network) {
		const cluster = state.clusters.find(c => c.name === each.cluster);
		out(`  ${each.cluster}  netns ${each.netns} ${namespaces.includes(each.netns) ? 'present' : 'MISSING'}  ${each.address} (${each.device})${cluster ? `  ${cluster.server}  context ${cluster.context}` : ''}`);
	}
	let rss = 0;
	let running = 0;
	for (const each of state.processes) {
		const up = isRunning(each);
		const bytes = up ? residentBytes(each.pid) : undefined;
		rss += bytes ?? 0;
		if (up) running++;
		out(`  ${up ? 'running' : 'DEAD   '}  pid ${String(each.pid).padEnd(7)} ${each.name.padEnd(24)} ${up ? mib(bytes) : ''}${each.netns ? `  (in ${each.netns})` : ''}`);
	}
	out(`  ${running}/${state.processes.length} processes running, ${mib(rss)} resident (supervisor ${mib(supervisorUp ? residentBytes(state.supervisor.pid) : undefined)})`);
	if (state.prometheusUrl) out(`  prometheus  ${state.prometheusUrl}`);
	if (state.configPath) out(`  config      ${state.configPath}`);
	if (state.kubeconfigPath) out(`  kubeconfig  ${state.kubeconfigPath}`);
	if (state.writer) out(`  clusters filled by ${state.writer}`);
	out(`  log         ${state.log}`);
	const allNamespaces = state.network.every(each => namespaces.includes(each.netns));
	if (state.phase === 'ready' && supervisorUp && allNamespaces && running === state.processes.length) return 0;
	if (!supervisorUp && running === 0 && !state.network.some(each => namespaces.includes(each.netns))) return 3;
	return 1;
}

/** `tui`: labwatch's TUI in the first cluster's namespace, in this terminal. */
export function tui(stateDir: string, err = console.error): number {
	const state = readState(stateDir);
	if (!state || state.phase !== 'ready' || !isRunning(state.supervisor)) {
		err(`no running lab in ${stateDir}: npm run lab -- up first`);
		return 1;
	}
	if (!existsSync(labwatchJs)) {
		err(`${labwatchJs} is not built: npm run build first`);
		return 1;
	}
	const [file, ...args] = tuiCommand(state);
	return spawnSync(file!, args, {stdio: 'inherit'}).status ?? 1;
}

export {defaultStateDir};
