// The dig intents over the lab's clusters: fetch on demand (describe, YAML), poll while a view is open
// (events, nodes), stream while the pane is open (logs), and the two actions, each appended to the
// action log beside the drill journal. Every answer goes into the DigStore; nothing is kept once the
// view that asked closes.
import {appendFile, mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {stringify} from 'yaml';
import {getJson} from '../kube/http.js';
import {sendKubeRequest} from '../kube/write.js';
import {describeGateway, describeNode, describePod, nodeRoles, type DocLine} from '../kube/describe.js';
import {listEvents, type EventInfo} from '../kube/events.js';
import {streamLogs} from '../kube/logs.js';
import {DigStore, type DigTarget, type NodeDetail, type WorkloadRef} from '../store/dig-store.js';
import {LogBuffer, defaultLogLimits, type LogBufferLimits} from '../store/log-buffer.js';
import type {LabSnapshot} from '../store/types.js';
import type {DigIntents, DigResult} from './dig-intents-types.js';
import {restartedAtAnnotation} from '../kube/restart.js';

type Json = Record<string, any>;

export interface DigIntentsOptions {
	/** Kubeconfig per cluster name. */
	kubeconfigs: Map<string, KubeConfig>;
	/** The lab's current snapshot (pods on a node, which clusters there are). */
	snapshot: () => LabSnapshot;
	/** The action log: a JSON line per delete or restart. */
	actionLogPath?: string;
	timeoutMs?: number;
	eventsEveryMs?: number;
	nodesEveryMs?: number;
	tailLines?: number;
	logLimits?: LogBufferLimits;
	/** Log pane snapshots at most this often (default 250 ms, the lab's own cadence). */
	logPublishMs?: number;
	store?: DigStore;
	clock?: () => number;
}

export function objectPath(target: DigTarget): string {
	const name = encodeURIComponent(target.name);
	const namespace = encodeURIComponent(target.namespace ?? 'default');
	switch (target.kind) {
		case 'pod':
			return `/api/v1/namespaces/${namespace}/pods/${name}`;
		case 'node':
			return `/api/v1/nodes/${name}`;
		case 'gateway':
			return `/apis/submariner.io/v1/namespaces/${namespace}/gateways/${name}`;
	}
}

const kindWord: Record<DigTarget['kind'], string> = {pod: 'Pod', node: 'Node', gateway: 'Gateway'};

/** The Deployment (through its ReplicaSet) or StatefulSet that owns a pod, if any. */
export function workloadOf(pod: Json, cluster: string): WorkloadRef | undefined {
	const owner = ((pod.metadata?.ownerReferences ?? []) as Json[]).find(reference => reference.controller) ?? pod.metadata?.ownerReferences?.[0];
	const namespace = String(pod.metadata?.namespace ?? '');
	if (!owner) return undefined;
	if (owner.kind === 'StatefulSet') return {cluster, kind: 'StatefulSet', namespace, name: String(owner.name)};
	if (owner.kind === 'ReplicaSet') {
		const hash = pod.metadata?.labels?.['pod-template-hash'];
		const name = String(owner.name);
		const deployment = hash && name.endsWith(`-${hash}`) ? name.slice(0, -hash.length - 1) : name.replace(/-[^-]+$/, '');
		return {cluster, kind: 'Deployment', namespace, name: deployment};
	}
	return undefined;
}

/** The object as the server has it, without managedFields (kubectl -o yaml leaves them out too). */
export function yamlLines(object: Json): DocLine[] {
	const copy = structuredClone(object);
	if (copy.metadata) delete copy.metadata.managedFields;
	return stringify(copy, {lineWidth: 0}).replace(/\n$/, '').split('\n').map(text => ({text}));
}

/** getJson reports its own deadline as "aborted" when no headers came (http.ts); nothing here aborts a fetch, so say what it was. */
function reasonOf(error: unknown, timeoutMs: number): string {
	const message = error instanceof Error ? error.message : String(error);
	return message === 'aborted' ? `timeout after ${timeoutMs / 1000}s` : message;
}

export function createDigIntents(options: DigIntentsOptions): DigIntents & {dispose(): void; store: DigStore} {
	const store = options.store ?? new DigStore();
	const timeoutMs = options.timeoutMs ?? 5000;
	const clock = options.clock ?? Date.now;
	let docToken = 0;
	let stopLogs: (() => void) | undefined;
	let logTimer: NodeJS.Timeout | undefined;
	let eventsTimer: NodeJS.Timeout | undefined;
	let eventsOpen = false;
	const eventsByCluster = new Map<string, EventInfo[]>();
	let nodesTimer: NodeJS.Timeout | undefined;
	let nodesOpen = false;
	const nodesByCluster = new Map<string, NodeDetail[]>();

	const kubeconfig = (cluster: string) => {
		const kc = options.kubeconfigs.get(cluster);
		if (!kc) throw new Error(`no kubeconfig for cluster ${cluster}`);
		return kc;
	};

	const objectEvents = async (target: DigTarget): Promise<{events: EventInfo[]; error?: string}> => {
		const selector = [`involvedObject.name=${target.name}`, `involvedObject.kind=${kindWord[target.kind]}`].join(',');
		try {
			const events = await listEvents(kubeconfig(target.cluster), target.cluster, {
				timeoutMs,
				namespace: target.kind === 'node' ? undefined : target.namespace,
				fieldSelector: selector,
			});
			return {events};
		} catch (error) {
			return {events: [], error: reasonOf(error, timeoutMs)};
		}
	};

	const fetchDoc = async (kind: 'describe' | 'yaml', target: DigTarget) => {
		const token = ++docToken;
		store.update({doc: {kind, target, state: 'loading', lines: []}});
		try {
			const kc = kubeconfig(target.cluster);
			const [object, events] = await Promise.all([
				getJson<Json>(kc, objectPath(target), {timeoutMs}),
				kind === 'describe' ? objectEvents(target) : Promise.resolve<{events: EventInfo[]; error?: string}>({events: []}),
			]);
			if (token !== docToken) return;
			const nowMs = clock();
			let lines: DocLine[];
			if (kind === 'yaml') lines = yamlLines(object);
			else if (target.kind === 'pod') lines = describePod(object, target.cluster, events.events, nowMs);
			else if (target.kind === 'node') {
				const cluster = options.snapshot().clusters.find(item => item.name === target.cluster);
				const pods = (cluster?.pods ?? []).filter(pod => pod.node === target.name && pod.phase !== 'Succeeded' && pod.phase !== 'Failed');
				lines = describeNode(object, target.cluster, pods, events.events, nowMs);
			} else lines = describeGateway(object, target.cluster, events.events, nowMs);
			if (events.error) lines.push({text: `  (events unavailable: ${events.error})`, level: 'warn'});
			const containers = target.kind === 'pod' ? ((object.spec?.containers ?? []) as Json[]).map(item => String(item.name)) : undefined;
			store.update({
				doc: {
					kind,
					target,
					state: 'ready',
					lines,
					...(target.kind === 'pod' ? {workload: workloadOf(object, target.cluster), containers} : {}),
				},
			});
		} catch (error) {
			if (token !== docToken) return;
			store.update({doc: {kind, target, state: 'error', error: reasonOf(error, timeoutMs), lines: []}});
		}
	};

	const pollEvents = async () => {
		const clusters = options.snapshot().clusters.map(cluster => cluster.name);
		const errors: Record<string, string> = {};
		await Promise.all(
			clusters.map(async cluster => {
				try {
					eventsByCluster.set(cluster, await listEvents(kubeconfig(cluster), cluster, {timeoutMs}));
				} catch (error) {
					// A cut-off cluster keeps what was read before; the view says since when.
					errors[cluster] = reasonOf(error, timeoutMs);
				}
			}),
		);
		if (!eventsOpen) return;
		store.update({events: {state: 'ready', items: [...eventsByCluster.values()].flat(), errors, atMs: clock()}});
		eventsTimer = setTimeout(() => void pollEvents(), options.eventsEveryMs ?? 3000);
	};

	const pollNodes = async () => {
		const clusters = options.snapshot().clusters.map(cluster => cluster.name);
		const errors: Record<string, string> = {};
		await Promise.all(
			clusters.map(async cluster => {
				try {
					const list = await getJson<{items?: Json[]}>(kubeconfig(cluster), '/api/v1/nodes', {timeoutMs});
					nodesByCluster.set(
						cluster,
						(list.items ?? []).map(node => ({
							cluster,
							name: String(node.metadata?.name ?? ''),
							roles: nodeRoles(node.metadata?.labels),
							kubeletVersion: String(node.status?.nodeInfo?.kubeletVersion ?? ''),
						})),
					);
				} catch (error) {
					errors[cluster] = reasonOf(error, timeoutMs);
				}
			}),
		);
		if (!nodesOpen) return;
		store.update({nodes: {state: 'ready', items: [...nodesByCluster.values()].flat(), errors}});
		nodesTimer = setTimeout(() => void pollNodes(), options.nodesEveryMs ?? 15_000);
	};

	const logAction = async (entry: Json) => {
		if (!options.actionLogPath) return;
		try {
			await mkdir(join(options.actionLogPath, '..'), {recursive: true});
			await appendFile(options.actionLogPath, `${JSON.stringify({at: new Date(clock()).toISOString(), by: 'tui', ...entry})}\n`, {mode: 0o600});
		} catch {
			// The action happened (or not) either way; the log is a record, not a gate.
		}
	};

	const closeLogs = () => {
		stopLogs?.();
		stopLogs = undefined;
		clearTimeout(logTimer);
		logTimer = undefined;
		store.update({logs: undefined});
	};

	return {
		store,
		source: store,
		describe: target => void fetchDoc('describe', target),
		yaml: target => void fetchDoc('yaml', target),
		closeDoc() {
			docToken++;
			store.update({doc: undefined});
		},
		logs(target, {previous, container: requested}) {
			let container = requested;
			closeLogs();
			const buffer = new LogBuffer(options.logLimits ?? defaultLogLimits);
			let state: 'connecting' | 'streaming' | 'ended' | 'error' = 'connecting';
			let error: string | undefined;
			const publish = () => {
				clearTimeout(logTimer);
				logTimer = undefined;
				store.update({logs: {target, container, previous, state, ...(error ? {error} : {}), lines: buffer.slice(), dropped: buffer.dropped, bytes: buffer.bytes}});
			};
			publish();
			let stopped = false;
			stopLogs = () => {
				stopped = true;
			};
			// A pod with several containers needs one named (the apiserver refuses otherwise): its first.
			const named = container
				? Promise.resolve(container)
				: getJson<Json>(kubeconfig(target.cluster), objectPath(target), {timeoutMs}).then(
						pod => (pod.spec?.containers?.length > 1 ? String(pod.spec.containers[0].name) : undefined),
						() => undefined,
					);
			void named.then(chosen => {
				if (stopped) return;
				container = chosen;
				stopLogs = open();
			});
			const open = () => streamLogs(kubeconfig(target.cluster), {namespace: target.namespace ?? 'default', pod: target.name, container}, buffer, {
				previous,
				follow: !previous,
				tailLines: options.tailLines ?? 200,
				timeoutMs,
				onData() {
					state = 'streaming';
					logTimer ??= setTimeout(publish, options.logPublishMs ?? 250);
				},
				onEnd(reason) {
					state = reason ? 'error' : 'ended';
					error = reason;
					publish();
				},
			});
		},
		closeLogs,
		openEvents() {
			if (eventsOpen) return;
			eventsOpen = true;
			store.update({events: {state: 'loading', items: [...eventsByCluster.values()].flat(), errors: {}, atMs: clock()}});
			void pollEvents();
		},
		closeEvents() {
			eventsOpen = false;
			clearTimeout(eventsTimer);
			eventsByCluster.clear();
			store.update({events: undefined});
		},
		openNodes() {
			if (nodesOpen) return;
			nodesOpen = true;
			store.update({nodes: {state: 'loading', items: [...nodesByCluster.values()].flat(), errors: {}}});
			void pollNodes();
		},
		closeNodes() {
			nodesOpen = false;
			clearTimeout(nodesTimer);
			store.update({nodes: undefined});
		},
		async deletePod(target): Promise<DigResult> {
			const entry = {action: 'delete-pod', cluster: target.cluster, namespace: target.namespace, name: target.name};
			try {
				await sendKubeRequest(kubeconfig(target.cluster), 'DELETE', objectPath(target), {timeoutMs});
				await logAction({...entry, result: 'ok'});
				return {ok: true, text: `deleted pod ${target.namespace}/${target.name} in ${target.cluster}`};
			} catch (error) {
				await logAction({...entry, result: 'failed', error: (error as Error).message});
				return {ok: false, error: (error as Error).message};
			}
		},
		async restart(workload): Promise<DigResult> {
			const entry = {action: 'restart', cluster: workload.cluster, kind: workload.kind, namespace: workload.namespace, name: workload.name};
			const plural = workload.kind === 'Deployment' ? 'deployments' : 'statefulsets';
			const path = `/apis/apps/v1/namespaces/${encodeURIComponent(workload.namespace)}/${plural}/${encodeURIComponent(workload.name)}`;
			const body = {spec: {template: {metadata: {annotations: {[restartedAtAnnotation]: new Date(clock()).toISOString()}}}}};
			try {
				await sendKubeRequest(kubeconfig(workload.cluster), 'PATCH', path, {timeoutMs, body, contentType: 'application/strategic-merge-patch+json'});
				await logAction({...entry, result: 'ok'});
				return {ok: true, text: `restarted ${workload.kind.toLowerCase()} ${workload.namespace}/${workload.name} in ${workload.cluster}`};
			} catch (error) {
				await logAction({...entry, result: 'failed', error: (error as Error).message});
				return {ok: false, error: (error as Error).message};
			}
		},
		dispose() {
			closeLogs();
			eventsOpen = false;
			nodesOpen = false;
			clearTimeout(eventsTimer);
			clearTimeout(nodesTimer);
			store.dispose();
		},
	};
}
