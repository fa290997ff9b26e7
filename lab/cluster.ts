// Starts real Kubernetes control planes for tests and `npm run lab`: per cluster one embedded etcd, one
// kube-apiserver, optionally kube-controller-manager, and a bootstrap that installs Submariner's CRDs,
// read-only RBAC and a kind-style kubeconfig. Everything runs from the labwatch-lab binary (lab/*.go),
// listens on loopback, and dies with this process (PR_SET_PDEATHSIG plus an exit handler).
import {once} from 'node:events';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {parse, stringify} from 'yaml';
import {ensureLabBinary} from './build.js';

/** Registers cleanup with a test: node:test's TestContext has this shape (t.after). */
export interface CleanupRegistrar {
	after(fn: () => unknown): void;
}

export interface RealClusterOptions {
	/** Cluster name: contexts kind-<name> and <name>-readonly. */
	name: string;
	/** State directory (etcd data, PKI, logs, kubeconfig.yaml). Default: a temp dir that stop() removes. */
	dir?: string;
	/** Address the apiserver listens on (default 127.0.0.1). */
	bind?: string;
	/** Apiserver port (default: a free port). */
	port?: number;
	/** Install the Submariner and MCS CRDs (default true). */
	submariner?: boolean;
	/** Run kube-controller-manager for namespace deletion, GC and ServiceAccounts (default true). */
	controllerManager?: boolean;
	/** Extra kube-apiserver flags, e.g. ['--watch-cache=false']. */
	apiserverArgs?: string[];
	/** A test context: stop() is registered with t.after(). */
	t?: CleanupRegistrar;
	/** The labwatch-lab binary (default: ensureLabBinary()). */
	binary?: string;
	/** How long each component may take to be ready (default 180 s). */
	readyTimeoutMs?: number;
	/**
	 * A network namespace (`ip netns add NAME`) to run every component in, through `ip netns exec NAME`.
	 * freePort() probes this process's namespace, so ports are fixed then: etcd on the namespace's own
	 * loopback at etcdPorts (default 2379/2380), the apiserver at `port` (default 6443).
	 */
	netns?: string;
	/** etcd's client and peer ports on 127.0.0.1 (default: free ports; 2379/2380 in a netns). */
	etcdPorts?: {client: number; peer: number};
}

export interface RealClusterProcesses {
	etcd?: number;
	apiserver?: number;
	controllerManager?: number;
}

export interface RealCluster {
	name: string;
	dir: string;
	/** The cluster's own kubeconfig: contexts kind-<name> (admin) and <name>-readonly. */
	kubeconfigPath: string;
	/** https://<bind>:<port> */
	server: string;
	/** kind-<name>: user kubernetes-admin, group system:masters. */
	context: string;
	/** <name>-readonly: get/list/watch on everything except gateways.submariner.io. */
	readonlyContext: string;
	etcdUrl: string;
	/** What the ready lines reported (kube version, ready times in ms). */
	info: {version?: string; etcdReadyMs?: number; apiserverReadyMs?: number; bootstrapMs?: number; totalMs: number};
	/** Pids of the running components (absent when not running). */
	processes(): RealClusterProcesses;
	/** Stops everything this cluster started and removes its directory if it was a temp dir. Idempotent. */
	stop(): Promise<void>;
	/** kill -9 etcd (the apiserver keeps running and starts failing). */
	killEtcd(): Promise<void>;
	/** Starts etcd again on the same data and ports. */
	restartEtcd(): Promise<void>;
	/**
	 * Stops the apiserver and starts it again on the same port and PKI; resolves when ready. SIGTERM first:
	 * the apiserver stops listening at once but waits up to its request timeout (60 s) for open watches,
	 * e.g. the controller-manager's, so it is SIGKILLed after graceMs (default 5000), as a kubelet would
	 * after a pod's grace period. Open watches see their connection reset then.
	 */
	restartApiserver(options?: {graceMs?: number}): Promise<void>;
	/** SIGSTOP the apiserver: connections hang instead of failing. */
	freeze(): void;
	/** SIGCONT the apiserver. */
	thaw(): void;
	/** Compacts etcd at its current revision; resolves to that revision. */
	compact(): Promise<number>;
}

/** argv for running `binary args…`, inside a network namespace when one is given (ip exec()s: same pid). */
export function inNetns(netns: string | undefined, binary: string, args: string[]): [string, string[]] {
	return netns ? ['ip', ['netns', 'exec', netns, binary, ...args]] : [binary, args];
}

function spawnLab(binary: string, args: string[], logPath: string, netns?: string) {
	const [file, argv] = inNetns(netns, binary, args);
	return execa(file, argv, {
		stdin: 'ignore',
		stdout: 'pipe',
		stderr: {file: logPath, append: true},
		buffer: false,
		reject: false,
		env: {LABWATCH_LAB_PARENT_PID: String(process.pid)},
	});
}

type Child = ReturnType<typeof spawnLab>;

interface Component {
	kind: string;
	child: Child;
	exited: boolean;
	frozen: boolean;
	ready: Record<string, unknown>;
}

const running = new Set<Component>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const component of running) {
			try {
				if (component.child.pid) process.kill(component.child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		for (const dir of tempDirs) rmSync(dir, {recursive: true, force: true});
	});
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
	const server = createServer();
	server.listen(0, host);
	await once(server, 'listening');
	const address = server.address();
	server.close();
	await once(server, 'close');
	if (!address || typeof address === 'string') throw new Error('no port');
	return address.port;
}

function tail(path: string, lines = 30): string {
	try {
		return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** Starts `labwatch-lab <kind> args…` and resolves with its ready line. */
async function startComponent(binary: string, kind: string, args: string[], dir: string, timeoutMs: number, netns?: string): Promise<Component> {
	installExitHook();
	const logPath = join(dir, `${kind}.stderr.log`);
	const child = spawnLab(binary, [kind, ...args], logPath, netns);
	const component: Component = {kind, child, exited: false, frozen: false, ready: {}};
	running.add(component);
	const exit = child.then(result => {
		component.exited = true;
		running.delete(component);
		return result;
	});
	let timer: NodeJS.Timeout | undefined;
	try {
		component.ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
			let buffered = '';
			child.stdout.on('data', (chunk: Buffer) => {
				buffered += chunk.toString('utf8');
				let newline;
				while ((newline = buffered.indexOf('\n')) >= 0) {
					const line = buffered.slice(0, newline);
					buffered = buffered.slice(newline + 1);
					try {
						const parsed = JSON.parse(line) as Record<string, unknown>;
						if (parsed.ready === kind) resolve(parsed);
					} catch {
						// not ours
					}
				}
			});
			void exit.then(result => {
				reject(new Error(`labwatch-lab ${kind} exited (${result.signal ?? `code ${result.exitCode}`}) before it was ready:\n${tail(logPath)}`));
			});
			timer = setTimeout(() => {
				reject(new Error(`labwatch-lab ${kind} was not ready after ${timeoutMs / 1000} s:\n${tail(logPath)}`));
			}, timeoutMs);
		});
	} catch (error) {
		await stopComponent(component);
		throw error;
	} finally {
		clearTimeout(timer);
	}
	// Once ready, the component does not keep this process alive: a test that forgets stop() still ends,
	// and the exit hook (and the kernel's parent-death signal) then kill it.
	child.nodeChildProcess.unref();
	(child.stdout as unknown as {unref?: () => void}).unref?.();
	return component;
}

async function waitExit(component: Component, ms: number): Promise<boolean> {
	if (component.exited) return true;
	component.child.nodeChildProcess.ref();
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<false>(resolve => {
		timer = setTimeout(() => resolve(false), ms);
	});
	const done = await Promise.race([component.child.then(() => true as const), timedOut]);
	clearTimeout(timer);
	return done;
}

function signal(component: Component, name: NodeJS.Signals): void {
	if (component.exited || !component.child.pid) return;
	try {
		process.kill(component.child.pid, name);
	} catch {
		// exited meanwhile
	}
}

/** SIGTERM, then SIGKILL after graceMs; a frozen process is thawed first so it can hear SIGTERM. */
async function stopComponent(component: Component | undefined, graceMs = 15_000): Promise<void> {
	if (!component || component.exited) return;
	if (component.frozen) {
		signal(component, 'SIGCONT');
		component.frozen = false;
	}
	signal(component, 'SIGTERM');
	if (await waitExit(component, graceMs)) return;
	signal(component, 'SIGKILL');
	await waitExit(component, 10_000);
}

async function killComponent(component: Component | undefined): Promise<void> {
	if (!component || component.exited) return;
	signal(component, 'SIGKILL');
	await waitExit(component, 10_000);
}

export async function startRealCluster(options: RealClusterOptions): Promise<RealCluster> {
	const started = Date.now();
	const name = options.name;
	if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new Error(`cluster name ${JSON.stringify(name)} is not a DNS label`);
	const binary = options.binary ?? (await ensureLabBinary());
	const timeoutMs = options.readyTimeoutMs ?? 180_000;
	const ownDir = options.dir === undefined;
	const dir = options.dir ?? mkdtempSync(join(tmpdir(), `labwatch-lab-${name}-`));
	if (ownDir) tempDirs.add(dir);
	mkdirSync(dir, {recursive: true});
	const bind = options.bind ?? '127.0.0.1';
	const netns = options.netns;
	const [etcdPort, peerPort] = options.etcdPorts
		? [options.etcdPorts.client, options.etcdPorts.peer]
		: netns
			? [2379, 2380]
			: [await freePort(), await freePort()];
	const port = options.port ?? (netns ? 6443 : await freePort(bind));
	const etcdUrl = `http://127.0.0.1:${etcdPort}`;
	const host = bind.includes(':') ? `[${bind}]` : bind;
	const server = `https://${host}:${port}`;
	const withControllerManager = options.controllerManager ?? true;

	const etcdArgs = ['--dir', join(dir, 'etcd'), '--name', name, '--client-url', etcdUrl, '--peer-url', `http://127.0.0.1:${peerPort}`];
	const apiserverArgs = ['--dir', dir, '--etcd', etcdUrl, '--bind', bind, '--port', String(port), '--name', name];
	if (options.apiserverArgs?.length) apiserverArgs.push('--', ...options.apiserverArgs);

	let etcd: Component | undefined;
	let apiserver: Component | undefined;
	let controllerManager: Component | undefined;
	let stopped: Promise<void> | undefined;

	const stop = () =>
		(stopped ??= (async () => {
			await stopComponent(controllerManager);
			await stopComponent(apiserver);
			await stopComponent(etcd);
			if (ownDir) {
				rmSync(dir, {recursive: true, force: true});
				tempDirs.delete(dir);
			}
		})());
	options.t?.after(stop);

	const info: RealCluster['info'] = {totalMs: 0};
	try {
		etcd = await startComponent(binary, 'etcd', etcdArgs, dir, timeoutMs, netns);
		info.etcdReadyMs = Number(etcd.ready.readyMs);
		apiserver = await startComponent(binary, 'apiserver', apiserverArgs, dir, timeoutMs, netns);
		info.apiserverReadyMs = Number(apiserver.ready.readyMs);
		info.version = String(apiserver.ready.version ?? '');
		const bootstrapArgs = ['--dir', dir, '--server', server, '--name', name];
		if (options.submariner === false) bootstrapArgs.push('--without-submariner');
		const [bootstrapFile, bootstrapArgv] = inNetns(netns, binary, ['bootstrap', ...bootstrapArgs]);
		const bootstrap = await execa(bootstrapFile, bootstrapArgv, {
			stdin: 'ignore',
			reject: false,
			timeout: timeoutMs,
			env: {LABWATCH_LAB_PARENT_PID: String(process.pid)},
		});
		if (bootstrap.exitCode !== 0) throw new Error(`labwatch-lab bootstrap failed (exit ${bootstrap.exitCode}):\n${bootstrap.stderr}`);
		const bootstrapReady = JSON.parse(String(bootstrap.stdout).trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
		info.bootstrapMs = Number(bootstrapReady.tookMs);
		if (withControllerManager) {
			controllerManager = await startComponent(binary, 'controller-manager', ['--dir', dir, '--server', server], dir, timeoutMs, netns);
		}
	} catch (error) {
		await stop();
		throw error;
	}
	info.totalMs = Date.now() - started;

	const requireRunning = (component: Component | undefined, what: string): Component => {
		if (!component || component.exited) throw new Error(`${name}: ${what} is not running`);
		return component;
	};

	return {
		name,
		dir,
		kubeconfigPath: join(dir, 'kubeconfig.yaml'),
		server,
		context: `kind-${name}`,
		readonlyContext: `${name}-readonly`,
		etcdUrl,
		info,
		processes() {
			const pid = (c: Component | undefined) => (c && !c.exited ? c.child.pid : undefined);
			return {etcd: pid(etcd), apiserver: pid(apiserver), controllerManager: pid(controllerManager)};
		},
		stop,
		async killEtcd() {
			await killComponent(etcd);
		},
		async restartEtcd() {
			await stopComponent(etcd);
			etcd = await startComponent(binary, 'etcd', etcdArgs, dir, timeoutMs, netns);
		},
		async restartApiserver({graceMs = 5000} = {}) {
			await stopComponent(apiserver, graceMs);
			apiserver = await startComponent(binary, 'apiserver', apiserverArgs, dir, timeoutMs, netns);
		},
		freeze() {
			const component = requireRunning(apiserver, 'the apiserver');
			signal(component, 'SIGSTOP');
			component.frozen = true;
		},
		thaw() {
			const component = requireRunning(apiserver, 'the apiserver');
			signal(component, 'SIGCONT');
			component.frozen = false;
		},
		async compact() {
			const [file, argv] = inNetns(netns, binary, ['compact', '--etcd', etcdUrl]);
			const result = await execa(file, argv, {stdin: 'ignore', reject: false, timeout: 60_000});
			if (result.exitCode !== 0) throw new Error(`labwatch-lab compact failed: ${result.stderr}`);
			const line = JSON.parse(String(result.stdout).trim().split('\n').pop() ?? '{}') as {revision?: number};
			if (typeof line.revision !== 'number') throw new Error(`labwatch-lab compact printed no revision: ${result.stdout}`);
			return line.revision;
		},
	};
}

export interface RealHomelabOptions extends Omit<RealClusterOptions, 'name' | 'dir' | 'port' | 't'> {
	/** Parent directory: one subdirectory per cluster plus kubeconfig.yaml. Default: a temp dir. */
	dir?: string;
	t?: CleanupRegistrar;
}

export interface RealHomelab {
	dir: string;
	clusters: RealCluster[];
	cluster(name: string): RealCluster;
	/** One kubeconfig with every cluster's contexts (kind-<name>, <name>-readonly); current: the first. */
	kubeconfigPath: string;
	stop(): Promise<void>;
}

interface KubeconfigFile {
	clusters?: unknown[];
	users?: unknown[];
	contexts?: unknown[];
}

/** Merges kubeconfig files the way kubectl's KUBECONFIG=a:b does for disjoint names. */
export function mergeKubeconfigs(paths: string[], currentContext: string): string {
	const merged = {apiVersion: 'v1', kind: 'Config', preferences: {}, clusters: [] as unknown[], users: [] as unknown[], contexts: [] as unknown[], 'current-context': currentContext};
	for (const path of paths) {
		const file = parse(readFileSync(path, 'utf8')) as KubeconfigFile;
		merged.clusters.push(...(file.clusters ?? []));
		merged.users.push(...(file.users ?? []));
		merged.contexts.push(...(file.contexts ?? []));
	}
	return stringify(merged);
}

/** Starts one real cluster per name, in parallel, and writes one merged kubeconfig. */
export async function startRealHomelab(names: string[], options: RealHomelabOptions = {}): Promise<RealHomelab> {
	if (names.length === 0) throw new Error('startRealHomelab needs at least one cluster name');
	if (new Set(names).size !== names.length) throw new Error(`duplicate cluster names: ${names.join(', ')}`);
	const binary = options.binary ?? (await ensureLabBinary());
	const ownDir = options.dir === undefined;
	const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'labwatch-homelab-'));
	if (ownDir) tempDirs.add(dir);
	mkdirSync(dir, {recursive: true});
	const {t, dir: _dir, ...clusterOptions} = options;
	const results = await Promise.allSettled(
		names.map(name => startRealCluster({...clusterOptions, name, binary, dir: join(dir, name)})),
	);
	const clusters = results.flatMap(r => (r.status === 'fulfilled' ? [r.value] : []));
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			await Promise.all(clusters.map(c => c.stop()));
			if (ownDir) {
				rmSync(dir, {recursive: true, force: true});
				tempDirs.delete(dir);
			}
		})());
	t?.after(stop);
	const failed = results.find(r => r.status === 'rejected');
	if (failed) {
		await stop();
		throw failed.reason;
	}
	const kubeconfigPath = join(dir, 'kubeconfig.yaml');
	writeFileSync(kubeconfigPath, mergeKubeconfigs(clusters.map(c => c.kubeconfigPath), clusters[0]!.context), {mode: 0o600});
	return {
		dir,
		clusters,
		cluster(name: string) {
			const found = clusters.find(c => c.name === name);
			if (!found) throw new Error(`no cluster ${name} in this homelab (${names.join(', ')})`);
			return found;
		},
		kubeconfigPath,
		stop,
	};
}

/** True when a pid is a live process (for tests that check nothing was left running). */
export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}
	// A zombie still answers kill(0); it is dead for our purposes.
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return !/^\d+ \(.*\) Z/.test(stat);
	} catch {
		return existsSync(`/proc/${pid}`);
	}
}
