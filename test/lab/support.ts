// Shared by the real-apiserver end-to-end tests: the precondition, writers through client-node's write
// APIs (nodes, pods and their /status, Submariner Gateways), kubectl as the oracle, labwatch's CLI.
import {spawn} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, type V1Pod} from '@kubernetes/client-node';
import {execa} from 'execa';
import {stringify} from 'yaml';
import {goVersion, labBinaryIsBuilt} from '../../lab/build.js';

export const labReason = 'needs Go (or a built lab binary) to build the real-apiserver lab: see lab/README.md';

export async function labAvailable(): Promise<boolean> {
	return labBinaryIsBuilt() || (await goVersion()) !== undefined;
}

export function kubeconfigFor(path: string, context: string): KubeConfig {
	const kc = new KubeConfig();
	kc.loadFromFile(path);
	kc.setCurrentContext(context);
	return kc;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const gib = 2 ** 30;

/** A writer for one cluster: what a kubelet and Submariner's gateway would write, done by hand. */
export class ClusterWriter {
	readonly core: CoreV1Api;
	readonly custom: CustomObjectsApi;

	constructor(readonly kubeconfigPath: string, readonly context: string) {
		const kc = kubeconfigFor(kubeconfigPath, context);
		this.core = kc.makeApiClient(CoreV1Api);
		this.custom = kc.makeApiClient(CustomObjectsApi);
	}

	/** A Node, then its status (conditions, capacity, allocatable) through the status subresource. */
	async node(name: string, options: {ready: boolean; memoryGiB: number}): Promise<void> {
		await this.core.createNode({body: {metadata: {name, labels: {'kubernetes.io/hostname': name}}}});
		await this.nodeStatus(name, options);
	}

	async nodeStatus(name: string, options: {ready: boolean; memoryGiB: number}): Promise<void> {
		const now = new Date().toISOString();
		const memory = `${options.memoryGiB * 1024}Mi`;
		const allocatable = `${options.memoryGiB * 1024 - 256}Mi`;
		await this.core.patchNodeStatus({
			name,
			body: {
				status: {
					capacity: {cpu: '4', memory, pods: '110'},
					allocatable: {cpu: '4', memory: allocatable, pods: '110'},
					conditions: [
						{type: 'Ready', status: options.ready ? 'True' : 'False', reason: options.ready ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: now as never, lastTransitionTime: now as never},
					],
				},
			},
		}, mergePatch);
	}

	/** A pod bound to a node by hand (no scheduler in the lab). The namespace's ServiceAccount may lag. */
	async pod(namespace: string, name: string, node: string, labels: Record<string, string> = {}): Promise<V1Pod> {
		const body: V1Pod = {
			metadata: {name, namespace, labels: {app: name.replace(/-[0-9a-z]+$/, ''), ...labels}},
			spec: {nodeName: node, automountServiceAccountToken: false, containers: [{name: 'app', image: 'registry.local/app:1', resources: {requests: {memory: '64Mi'}, limits: {memory: '128Mi'}}}]},
		};
		return retry(() => this.core.createNamespacedPod({namespace, body}));
	}

	async podRunning(namespace: string, name: string, restarts = 0): Promise<void> {
		const now = new Date().toISOString();
		await this.core.patchNamespacedPodStatus({
			namespace,
			name,
			body: {
				status: {
					phase: 'Running',
					startTime: now,
					conditions: [{type: 'Ready', status: 'True', lastTransitionTime: now}],
					containerStatuses: [{name: 'app', image: 'registry.local/app:1', imageID: '', ready: true, restartCount: restarts, started: true, state: {running: {startedAt: now}}}],
				},
			},
		}, mergePatch);
	}

	async podCrashLooping(namespace: string, name: string, restarts: number): Promise<void> {
		const now = new Date().toISOString();
		await this.core.patchNamespacedPodStatus({
			namespace,
			name,
			body: {
				status: {
					phase: 'Running',
					startTime: now,
					conditions: [{type: 'Ready', status: 'False', lastTransitionTime: now}],
					containerStatuses: [{
						name: 'app', image: 'registry.local/app:1', imageID: '', ready: false, restartCount: restarts, started: false,
						state: {waiting: {reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app'}},
						lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now}},
					}],
				},
			},
		}, mergePatch);
	}

	async namespace(name: string): Promise<void> {
		await this.core.createNamespace({body: {metadata: {name}}});
	}

	/** A Submariner Gateway as the gateway engine writes it (no status subresource on this CRD: one write). */
	async gateway(namespace: string, name: string, cluster: string, remotes: Array<{cluster: string; status: 'connected' | 'connecting' | 'error'}>): Promise<void> {
		const endpoint = (id: string, ip: string) => ({
			cluster_id: id,
			cable_name: `submariner-cable-${id}-${ip.replaceAll('.', '-')}`,
			healthCheckIP: '10.244.0.1',
			hostname: `${id}-gw`,
			subnets: ['10.96.0.0/16', '10.244.0.0/16'],
			private_ip: ip,
			public_ip: '',
			nat_enabled: false,
			backend: 'libreswan',
			backend_config: {'natt-discovery-port': '4490', 'preferred-server': 'false', 'udp-port': '4500'},
		});
		const stamp = String(Math.floor(Date.now() / 1000));
		const body = {
			apiVersion: 'submariner.io/v1',
			kind: 'Gateway',
			metadata: {name, namespace, annotations: {'update-timestamp': stamp}},
			status: {
				version: 'v0.21.0',
				haStatus: 'active',
				statusFailure: '',
				localEndpoint: endpoint(cluster, '127.0.0.10'),
				connections: remotes.map((remote, index) => ({
					status: remote.status,
					statusMessage: remote.status === 'connected' ? '' : 'no response',
					endpoint: endpoint(remote.cluster, `127.0.0.${20 + index}`),
					usingIP: `127.0.0.${20 + index}`,
					latencyRTT: {last: '1.2ms', min: '1ms', average: '1.1ms', max: '1.5ms', stdDev: '100µs'},
				})),
			},
		};
		try {
			const existing = await this.custom.getNamespacedCustomObject({group: 'submariner.io', version: 'v1', namespace, plural: 'gateways', name}) as {metadata: {resourceVersion: string}};
			await this.custom.replaceNamespacedCustomObject({group: 'submariner.io', version: 'v1', namespace, plural: 'gateways', name, body: {...body, metadata: {...body.metadata, resourceVersion: existing.metadata.resourceVersion}}});
		} catch (error) {
			if ((error as {code?: number}).code !== 404) throw error;
			await this.custom.createNamespacedCustomObject({group: 'submariner.io', version: 'v1', namespace, plural: 'gateways', body});
		}
	}
}

/** The write is retried while the cluster catches up (a namespace's ServiceAccount, a restarted etcd). */
export async function retry<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await fn();
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise(resolve => setTimeout(resolve, 200));
		}
	}
}

/** Runs fn over items with at most `limit` in flight. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
	let next = 0;
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, async () => {
		while (next < items.length) await fn(items[next++]!);
	}));
}

export async function until<T>(what: string, read: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

export interface KubectlPod {
	namespace: string;
	name: string;
	phase: string;
	restarts: number;
}

/** `kubectl get pods -A -o json`: the oracle the store is compared with. */
export async function kubectlPods(kubeconfigPath: string, context: string): Promise<KubectlPod[]> {
	const {stdout} = await execa('kubectl', ['--kubeconfig', kubeconfigPath, '--context', context, 'get', 'pods', '-A', '-o', 'json']);
	const list = JSON.parse(stdout) as {items: V1Pod[]};
	return list.items
		.map(pod => ({
			namespace: pod.metadata!.namespace!,
			name: pod.metadata!.name!,
			phase: pod.status?.phase ?? 'Pending',
			restarts: (pod.status?.containerStatuses ?? []).reduce((sum, each) => sum + each.restartCount, 0),
		}))
		.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** A labwatch config for the lab: one cluster per context, roomy hosts so memory does not colour verdicts. */
export function writeLabwatchConfig(directory: string, file: string, kubeconfigPath: string, clusters: Record<string, string>, extra: Record<string, unknown> = {}): string {
	const path = join(directory, file);
	writeFileSync(path, stringify({
		...extra,
		kubeconfig: kubeconfigPath,
		clusters: Object.fromEntries(Object.entries(clusters).map(([name, context]) => [name, {context, host: name}])),
		hosts: Object.fromEntries(Object.keys(clusters).map((name, index) => [name, {memory: '64GiB', address: `127.0.0.${index + 1}`}])),
	}));
	return path;
}

const bin = join(import.meta.dirname, '../../dist/labwatch.js');

/** The built labwatch, as a user runs it. */
export function labwatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{code: number | null; stdout: string; stderr: string; ms: number}> {
	return new Promise(resolve => {
		const startedMs = Date.now();
		const child = spawn(process.execPath, [bin, ...args], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('close', code => resolve({code, stdout, stderr, ms: Date.now() - startedMs}));
	});
}

export const labwatchBin = bin;
