// One ClusterWatch (or one check look) against the hostile apiserver, with what the tests measure:
// requests, open sockets on both sides, file descriptors and resident memory of this process.
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {ClusterWatch} from '../../source/kube/cluster-watch.js';
import {LabStore} from '../../source/store/lab-store.js';
import type {ClusterSnapshot} from '../../source/store/types.js';
import {startHostileApiserver, type HostileApiserver, type HostileMode} from './hostile-apiserver.js';

export const openFds = () => readdirSync('/proc/self/fd').length;
export const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export function kubeConfigFor(server: HostileApiserver): KubeConfig {
	const kc = new KubeConfig();
	kc.loadFromString(server.kubeconfigYaml());
	kc.setCurrentContext('hostile');
	return kc;
}

export interface WatchRig {
	server: HostileApiserver;
	store: LabStore;
	watch: ClusterWatch;
	cluster(): ClusterSnapshot;
	/** Stops the watch and the server, then waits for this process's file descriptors to settle. */
	stop(): Promise<void>;
}

export async function watchRig(mode: HostileMode): Promise<WatchRig> {
	const server = await startHostileApiserver(mode);
	const store = new LabStore([{name: 'm1', context: 'hostile', host: 'm1'}]);
	const watch = new ClusterWatch(kubeConfigFor(server), {name: 'm1', submarinerNamespace: 'submariner-operator'}, store, {
		probeIntervalMs: 200,
		probeTimeoutMs: 500,
		requestTimeoutMs: 2000,
	});
	watch.start();
	return {
		server,
		store,
		watch,
		cluster: () => store.snapshot().clusters[0]!,
		async stop() {
			watch.stop();
			await server.close();
		},
	};
}

/** Waits until `read` is truthy, polling; throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, read: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = read();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(25);
	}
}

/** Waits (bounded) for the fd count to come back to `baseline` (+slack), and returns the last count. */
export async function fdsSettle(baseline: number, slack = 3, timeoutMs = 3000): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	let count = openFds();
	while (count > baseline + slack && Date.now() < deadline) {
		await sleep(50);
		count = openFds();
	}
	return count;
}

export function scratchDir(): {dir: string; write(name: string, text: string): string; remove(): void} {
	const dir = mkdtempSync(join(tmpdir(), 'labwatch-hostile-'));
	return {
		dir,
		write(name, text) {
			const path = join(dir, name);
			writeFileSync(path, text);
			return path;
		},
		remove: () => rmSync(dir, {recursive: true, force: true}),
	};
}
