// The lab in a box's supervisor: a detached process that `npm run lab -- up` starts and leaves behind. It
// creates the namespaces and the veth pair, starts each cluster's etcd, apiserver and controller-manager in
// its namespace, node_exporter in each namespace and Prometheus in the first, fills the clusters, writes the
// kubeconfig and labwatch's config, and records all of it in <state>/state.json (phase "ready" tells `up`).
// Every process it starts dies with it (PR_SET_PDEATHSIG: labwatch-lab arms it itself through
// LABWATCH_LAB_PARENT_PID, the others through `setpriv --pdeathsig KILL`). SIGTERM: everything is killed
// and it exits; `down` then removes the namespaces and files.
//   tsx lab/box-supervisor.ts '<SupervisorOptions as JSON>'
import {spawn, execFile, type ChildProcess} from 'node:child_process';
import {closeSync, mkdirSync, openSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {promisify} from 'node:util';
import {stringify} from 'yaml';
import {mergeKubeconfigs, startRealCluster, type RealCluster} from './cluster.js';
import {nodeExporterArgs, nodeExporterBinary, prometheusArgs, prometheusBinary, prometheusConfig, prometheusPort} from './box-prometheus.js';
import {isRunning, recordProcess, writeOwnedFile, writeState, type LabState} from './box-state.js';
import {createNetwork, planNetwork, type LabNamespace} from './netns.js';

const execFileAsync = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

export interface SupervisorOptions {
	stateDir: string;
	prefix: string;
	clusters: string[];
	binary: string;
	pods: number;
	configOut?: string;
	kubeconfigOut?: string;
	apiserverPort: number;
}

/** Node with tsx's loader, as this process runs: for the writers started inside the namespaces. */
export const tsxNode = (): [string, string[]] => [process.execPath, process.execArgv];

/** Starts `file args…` inside a namespace, killed by the kernel when this process dies; output to a log. */
function spawnInNetns(netns: string, file: string, args: string[], logPath: string, options: {stdout?: 'pipe'} = {}): ChildProcess {
	const log = openSync(logPath, 'a');
	try {
		return spawn('ip', ['netns', 'exec', netns, 'setpriv', '--pdeathsig', 'KILL', '--', file, ...args], {stdio: ['ignore', options.stdout ?? log, log]});
	} finally {
		closeSync(log);
	}
}

/** Polls an HTTP URL from inside a namespace (curl there) until it answers 2xx. */
async function waitHttp(netns: string, url: string, child: ChildProcess, what: string, logPath: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.signalCode ?? child.exitCode}): ${tail(logPath)}`);
		try {
			await execFileAsync('ip', ['netns', 'exec', netns, 'curl', '-sf', '-o', '/dev/null', '--max-time', '1', url]);
			return;
		} catch {
			// not yet
		}
		if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs / 1000} s: ${tail(logPath)}`);
		await new Promise(done => setTimeout(done, 250));
	}
}

function tail(path: string): string {
	try {
		return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-10).join('\n');
	} catch {
		return '(no log)';
	}
}

/** Resolves on the child's `{"ready":"<kind>"}` stdout line; rejects when it exits first or after timeoutMs. */
function readyLine(child: ChildProcess, kind: string, what: string, logPath: string, timeoutMs = 120_000): Promise<void> {
	return new Promise((resolve_, reject) => {
		let buffered = '';
		const timer = setTimeout(() => reject(new Error(`${what} not ready after ${timeoutMs / 1000} s: ${tail(logPath)}`)), timeoutMs);
		child.stdout!.on('data', (chunk: Buffer) => {
			buffered += chunk.toString('utf8');
			for (let newline; (newline = buffered.indexOf('\n')) >= 0; buffered = buffered.slice(newline + 1)) {
				try {
					if ((JSON.parse(buffered.slice(0, newline)) as {ready?: string}).ready === kind) {
						clearTimeout(timer);
						resolve_();
					}
				} catch {
					// not the ready line
				}
			}
		});
		child.once('exit', code => {
			clearTimeout(timer);
			reject(new Error(`${what} exited (${code}) before it was ready: ${tail(logPath)}`));
		});
	});
}

/** The labwatch config for the lab: clusters, hosts at the veth addresses, Prometheus, a netns drill point. */
export function labwatchConfig(options: {kubeconfig: string; network: LabNamespace[]; prometheusUrl: string; memory: string}): string {
	const [first] = options.network as [LabNamespace];
	const header = [
		'# Written by `npm run lab -- up` for the lab in a box; `npm run lab -- down` removes it.',
		`# Start the TUI in ${first.cluster}'s namespace: ip netns exec ${first.netns} labwatch --config THIS_FILE`,
		`# Started there, the drill point may also be {host: ${first.cluster}, via: local}: the same iptables.`,
		'# Both hosts are this machine: their node_exporters read the same /proc/meminfo.',
	];
	const body = {
		kubeconfig: options.kubeconfig,
		clusters: Object.fromEntries(options.network.map(each => [each.cluster, {context: `kind-${each.cluster}`, host: each.cluster}])),
		hosts: Object.fromEntries(options.network.map(each => [each.cluster, {memory: options.memory, address: each.address}])),
		prometheus: {url: options.prometheusUrl, interval: '1s', timeout: '1s', jobs: Object.fromEntries(options.network.map(each => [each.cluster, each.cluster]))},
		drill: {ttl: '60s', points: [{host: first.cluster, via: 'netns', netns: first.netns}]},
	};
	return `${header.join('\n')}\n${stringify(body)}`;
}

/** This machine's memory, rounded up to whole GiB, as the hosts' `memory` (node_exporter reports it). */
function machineMemory(): string {
	const match = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
	const gib = match ? Math.ceil((Number(match[1]) * 1024) / 2 ** 30) : 16;
	return `${gib}GiB`;
}

export async function supervise(options: SupervisorOptions): Promise<void> {
	const startedMs = Date.now();
	const {stateDir} = options;
	const network = planNetwork(options.prefix, options.clusters);
	const state: LabState = {
		version: 1,
		phase: 'starting',
		prefix: options.prefix,
		stateDir,
		startedAt: new Date(startedMs).toISOString(),
		supervisor: recordProcess('supervisor', process.pid),
		network,
		clusters: [],
		processes: [],
		files: [],
		log: join(stateDir, 'supervisor.log'),
	};
	// Recorded before anything exists, so a crash at any later step is cleaned by `down` or the next `up`.
	writeState(state);
	const children: ChildProcess[] = [];
	const clusters: RealCluster[] = [];
	let stopping = false;
	const killAll = async () => {
		for (const child of children) child.kill('SIGKILL');
		for (const each of state.processes) if (isRunning(each)) process.kill(each.pid, 'SIGKILL');
		const deadline = Date.now() + 10_000;
		while (state.processes.some(isRunning) && Date.now() < deadline) await new Promise(done => setTimeout(done, 50));
	};
	const shutdown = (code: number) => {
		if (stopping) return;
		stopping = true;
		console.error(`${new Date().toISOString()} supervisor stopping`);
		void killAll().finally(() => process.exit(code));
	};
	process.on('SIGTERM', () => shutdown(0));
	process.on('SIGINT', () => shutdown(0));
	process.on('SIGHUP', () => shutdown(0));

	try {
		createNetwork(network);
		console.error(`${new Date().toISOString()} namespaces ${network.map(each => `${each.netns} ${each.address}`).join(', ')}`);
		const started = await Promise.allSettled(
			network.map(each =>
				startRealCluster({
					name: each.cluster,
					dir: join(stateDir, 'clusters', each.cluster),
					bind: each.address,
					port: options.apiserverPort,
					netns: each.netns,
					binary: options.binary,
				}),
			),
		);
		for (const result of started) if (result.status === 'fulfilled') clusters.push(result.value);
		for (const cluster of clusters) {
			const netns = network.find(each => each.cluster === cluster.name)!.netns;
			for (const [component, pid] of Object.entries(cluster.processes())) {
				if (pid) state.processes.push(recordProcess(`${cluster.name} ${component}`, pid, netns));
			}
		}
		const failed = started.find(result => result.status === 'rejected');
		if (failed) throw failed.reason;
		state.clusters = clusters.map(cluster => {
			const where = network.find(each => each.cluster === cluster.name)!;
			return {name: cluster.name, netns: where.netns, address: where.address, server: cluster.server, context: cluster.context, readonlyContext: cluster.readonlyContext, dir: cluster.dir};
		});
		writeState(state);
		console.error(`${new Date().toISOString()} clusters ready: ${clusters.map(each => `${each.name} ${each.server}`).join(', ')}`);

		const kubeconfigPath = options.kubeconfigOut ?? join(stateDir, 'kubeconfig.yaml');
		const kubeconfig = writeOwnedFile(kubeconfigPath, mergeKubeconfigs(clusters.map(each => each.kubeconfigPath), clusters[0]!.context));
		state.kubeconfigPath = kubeconfigPath;
		if (options.kubeconfigOut) state.files.push(kubeconfig);
		writeState(state);

		// node_exporter in every namespace, Prometheus in the first.
		const exporters = network.map(each => {
			const logPath = join(stateDir, `node-exporter-${each.cluster}.log`);
			const child = spawnInNetns(each.netns, nodeExporterBinary, nodeExporterArgs(each.address), logPath);
			children.push(child);
			state.processes.push(recordProcess(`${each.cluster} node-exporter`, child.pid!, each.netns));
			return {each, child, logPath};
		});
		const promDir = join(stateDir, 'prometheus');
		mkdirSync(promDir, {recursive: true});
		const promConfig = join(promDir, 'prometheus.yml');
		writeOwnedFile(promConfig, prometheusConfig(clusters.map(cluster => ({...network.find(each => each.cluster === cluster.name)!, dir: cluster.dir, apiserverPort: options.apiserverPort}))));
		const home = network[0]!;
		const promLog = join(stateDir, 'prometheus.log');
		const prometheus = spawnInNetns(home.netns, prometheusBinary, prometheusArgs(promConfig, join(promDir, 'data'), home.address), promLog);
		children.push(prometheus);
		state.processes.push(recordProcess('prometheus', prometheus.pid!, home.netns));
		state.prometheusUrl = `http://${home.address}:${prometheusPort}`;
		writeState(state);
		await Promise.all([
			...exporters.map(({each, child, logPath}) => waitHttp(each.netns, `http://${each.address}:9100/metrics`, child, `${each.cluster} node-exporter`, logPath)),
			waitHttp(home.netns, `${state.prometheusUrl}/-/ready`, prometheus, 'prometheus', promLog),
		]);
		console.error(`${new Date().toISOString()} prometheus ${state.prometheusUrl} ready`);

		// The homelab's life (lab/life.ts), one writer per cluster inside its namespace: its Gateway's health
		// check connects to the peer's apiserver across the veth pair, so a cut turns the connection to error.
		const [node, nodeArgs] = tsxNode();
		state.writer = 'lab/life.ts (the simulator\'s homelab: nodes, leases, pods, events, Submariner gateways)';
		await Promise.all(network.map(async (each, index) => {
			const peer = network[1 - index]!;
			const logPath = join(stateDir, `life-${each.cluster}.log`);
			const args = [...nodeArgs, join(root, 'lab', 'life-cli.ts'), '--kubeconfig', kubeconfigPath, '--context', `kind-${each.cluster}`, '--cluster', each.cluster, '--pods', String(options.pods), '--peer', `${peer.address}:${options.apiserverPort}`];
			const child = spawnInNetns(each.netns, node, args, logPath, {stdout: 'pipe'});
			children.push(child);
			state.processes.push(recordProcess(`${each.cluster} life`, child.pid!, each.netns));
			writeState(state);
			await readyLine(child, 'life', `${each.cluster} life writer`, logPath);
		}));
		console.error(`${new Date().toISOString()} life writers ready`);

		const configPath = options.configOut ?? join(stateDir, 'config.yaml');
		const config = writeOwnedFile(configPath, labwatchConfig({kubeconfig: kubeconfigPath, network, prometheusUrl: state.prometheusUrl, memory: machineMemory()}));
		state.configPath = configPath;
		if (options.configOut) state.files.push(config);
		state.phase = 'ready';
		state.readyAt = new Date().toISOString();
		state.readyMs = Date.now() - startedMs;
		writeState(state);
		console.error(`${state.readyAt} ready in ${(state.readyMs / 1000).toFixed(1)} s`);
	} catch (error) {
		state.phase = 'failed';
		state.error = error instanceof Error ? error.message : String(error);
		writeState(state);
		console.error(`${new Date().toISOString()} failed: ${state.error}`);
		shutdown(1);
		return;
	}
	// Stay: the lab lives as long as this process.
	setInterval(() => {}, 1 << 30);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const options = JSON.parse(process.argv[2] ?? '{}') as SupervisorOptions;
	void supervise(options);
}
