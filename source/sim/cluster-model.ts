// One simulated cluster's state, like etcd behind an apiserver: one resourceVersion counter for every
// object, a bounded event history to serve watches from an old version (older -> 410), and the
// simulated memory working set of pods (metrics only, never watch events).
//
// Read API for other parts of labwatch (metrics endpoints, benchmarks):
//   model.name, model.host                 the cluster and the host it runs on
//   model.nodes(): SimNodeView[]            nodes with memory capacity/allocatable in bytes and readiness
//   model.pods(): SimPodView[]              pods with node, phase, requests/limits and working set in bytes
//   model.hostMemory(): SimHostMemory       the host's simulated physical memory (total, used, reserved, os)
//   model.resourceVersion(): string         the cluster's current revision
//   model.get(plural, namespace, name)      one stored object (read-only: never mutate it)
//   model.onChange(listener) -> unsubscribe every ADDED/MODIFIED/DELETED, after it is stored
//   model.failNext(pattern, code, times)    the next matching HTTP request(s) answer a Status error
// Writers (seed, life, churn, gateway agent) use create/update/remove; every write is one event.
import {parseQuantity} from '../config/size.js';
import type {SimHostOs} from './host-memory-series.js';
import {kubeTime} from './random.js';
import {resourceDefs, type KubeObject, type ResourceDef} from './resources.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A stored object version. The JSON text is made once, on first use, and shared by lists and every watcher. */
export interface SimEntry {
	readonly object: KubeObject;
	json?: string;
}

export function jsonOf(entry: SimEntry): string {
	return (entry.json ??= JSON.stringify(entry.object));
}

export interface SimEvent {
	rv: number;
	plural: string;
	type: WatchEventType;
	/** "namespace/name", or "name" for cluster-scoped objects. */
	key: string;
	namespace?: string;
	/** The new version (for DELETED: the object as deleted, with the deletion's resourceVersion). */
	entry: SimEntry;
	/** The version before this event; absent for ADDED. */
	prev?: SimEntry;
	/** Watch lines by type, built once per event. */
	lines?: Partial<Record<WatchEventType, string>>;
}

export function eventLine(event: SimEvent, type: WatchEventType = event.type): string {
	const lines = (event.lines ??= {});
	return (lines[type] ??= `{"type":"${type}","object":${jsonOf(event.entry)}}\n`);
}

export interface SimNodeView {
	name: string;
	ready: boolean;
	memoryCapacityBytes: number;
	memoryAllocatableBytes: number;
	labels: Record<string, string>;
}

export interface SimContainerView {
	name: string;
	memoryRequestBytes: number;
	memoryLimitBytes: number;
	restartCount: number;
	image?: string;
	/** When the container's previous instance died (lastState.terminated.finishedAt), if it did. */
	lastTerminatedMs?: number;
}

export interface SimPodView {
	uid: string;
	namespace: string;
	name: string;
	node?: string;
	phase: string;
	labels: Record<string, string>;
	/** Sums over the pod's containers (0 when none is set). */
	memoryRequestBytes: number;
	memoryLimitBytes: number;
	/** Simulated container_memory_working_set_bytes for the whole pod. */
	workingSetBytes: number;
	restarts: number;
	containers: SimContainerView[];
	/** Load-test ballast (namespace `load`): not counted in host memory. */
	filler: boolean;
}

export interface SimHostMemory {
	host: string;
	totalBytes: number;
	/** macOS + VM overhead + the working set of every non-filler pod. */
	usedBytes: number;
	reservedBytes: number;
	/** Which node_exporter dialect the host speaks: the Macs speak darwin. */
	os: SimHostOs;
}

export interface ClusterModelOptions {
	name: string;
	host: string;
	/** Events kept for watches from an old version (default 5000). */
	historyLimit?: number;
	hostMemoryBytes?: number;
	/** What the host uses outside the cluster (macOS, Docker Desktop): added to used memory. */
	hostBaseBytes?: number;
	/** Per node VM overhead on the host. */
	nodeOverheadBytes?: number;
	reservedBytes?: number;
	/** The host's OS, for its node_exporter series (default darwin: the homelab's hosts are Macs). */
	hostOs?: SimHostOs;
	/** API groups this cluster does not serve (no CRDs installed): e.g. multicluster.x-k8s.io without Lighthouse. */
	absentGroups?: string[];
}

interface Fault {
	pattern: RegExp;
	code: number;
	remaining: number;
}

export const fillerLabel = 'labwatch.sim/filler';

export class ClusterModel {
	readonly name: string;
	readonly host: string;
	private readonly absentGroups: ReadonlySet<string>;
	private revision = 0;
	/** Watches from a version below this get 410: the events after it are no longer all kept. */
	private compactedRevision = 0;
	private readonly stores = new Map<string, Map<string, SimEntry>>();
	private readonly sortedKeyCache = new Map<string, string[]>();
	private history: SimEvent[] = [];
	private readonly historyLimit: number;
	private readonly listeners = new Set<(event: SimEvent) => void>();
	private readonly workingSet = new Map<string, number>();
	private faults: Fault[] = [];
	private readonly memory: {totalBytes: number; baseBytes: number; nodeOverheadBytes: number; reservedBytes: number; os: SimHostOs};

	constructor(options: ClusterModelOptions) {
		this.name = options.name;
		this.host = options.host;
		this.absentGroups = new Set(options.absentGroups ?? []);
		this.historyLimit = options.historyLimit ?? 5000;
		this.memory = {
			totalBytes: options.hostMemoryBytes ?? 16 * 2 ** 30,
			baseBytes: options.hostBaseBytes ?? 2 * 2 ** 30,
			nodeOverheadBytes: options.nodeOverheadBytes ?? 256 * 2 ** 20,
			reservedBytes: options.reservedBytes ?? 2 * 2 ** 30,
			os: options.hostOs ?? 'darwin',
		};
		for (const plural of Object.keys(resourceDefs)) this.stores.set(plural, new Map());
	}

	resourceVersion(): string {
		return String(this.revision);
	}

	currentRevision(): number {
		return this.revision;
	}

	oldestServableRevision(): number {
		return this.compactedRevision;
	}

	/** Drops the history, as etcd compaction does: seeding ends with this so a seed of 20,000 pods is not replayed. */
	compact(): void {
		this.compactedRevision = this.revision;
		this.history = [];
	}

	// ---- writes ----

	create(plural: string, object: KubeObject): KubeObject {
		const def = this.def(plural);
		const key = keyOf(object);
		const store = this.stores.get(plural)!;
		if (store.has(key)) throw new Error(`${plural} ${key} already exists in ${this.name}`);
		const rv = ++this.revision;
		object.apiVersion = def.apiVersion;
		object.kind = def.kind;
		object.metadata.resourceVersion = String(rv);
		object.metadata.creationTimestamp ||= kubeTime(Date.now());
		const entry: SimEntry = {object};
		store.set(key, entry);
		this.sortedKeyCache.delete(plural);
		this.record({rv, plural, type: 'ADDED', key, namespace: object.metadata.namespace, entry});
		return object;
	}

	/** Clones the stored object, lets `mutate` change the clone, stores it as a new version. */
	update(plural: string, namespace: string | undefined, name: string, mutate: (object: KubeObject) => void): KubeObject | undefined {
		const key = namespace ? `${namespace}/${name}` : name;
		const store = this.stores.get(plural);
		const prev = store?.get(key);
		if (!store || !prev) return undefined;
		const object = structuredClone(prev.object);
		mutate(object);
		const rv = ++this.revision;
		object.metadata.resourceVersion = String(rv);
		const entry: SimEntry = {object};
		store.set(key, entry);
		this.record({rv, plural, type: 'MODIFIED', key, namespace, entry, prev});
		return object;
	}

	remove(plural: string, namespace: string | undefined, name: string): boolean {
		const key = namespace ? `${namespace}/${name}` : name;
		const store = this.stores.get(plural);
		const prev = store?.get(key);
		if (!store || !prev) return false;
		store.delete(key);
		this.sortedKeyCache.delete(plural);
		if (plural === 'pods') this.workingSet.delete(key);
		const rv = ++this.revision;
		const object = {...prev.object, metadata: {...prev.object.metadata, resourceVersion: String(rv)}};
		this.record({rv, plural, type: 'DELETED', key, namespace, entry: {object}, prev});
		return true;
	}

	private record(event: SimEvent): void {
		this.history.push(event);
		// Trim in batches so each event costs O(1) amortised.
		if (this.history.length > this.historyLimit * 1.25) {
			const drop = this.history.length - this.historyLimit;
			this.compactedRevision = this.history[drop - 1]!.rv;
			this.history = this.history.slice(drop);
		}
		for (const listener of this.listeners) listener(event);
	}

	// ---- reads used by the HTTP server ----

	/** Whether this cluster serves a kind: a group it lacks answers 404, as without its CRDs. */
	serves(def: ResourceDef): boolean {
		return !this.absentGroups.has(def.group);
	}

	def(plural: string): ResourceDef {
		const def = resourceDefs[plural];
		if (!def) throw new Error(`unknown resource ${plural}`);
		return def;
	}

	get(plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
		return this.entry(plural, namespace, name)?.object;
	}

	entry(plural: string, namespace: string | undefined, name: string): SimEntry | undefined {
		return this.stores.get(plural)?.get(namespace ? `${namespace}/${name}` : name);
	}

	entries(plural: string): IterableIterator<SimEntry> {
		return this.stores.get(plural)!.values();
	}

	count(plural: string): number {
		return this.stores.get(plural)?.size ?? 0;
	}

	entryByKey(plural: string, key: string): SimEntry | undefined {
		return this.stores.get(plural)?.get(key);
	}

	/** Keys in etcd order (namespace, then name), cached until an object is added or removed. */
	sortedKeys(plural: string): string[] {
		let keys = this.sortedKeyCache.get(plural);
		if (!keys) {
			keys = [...this.stores.get(plural)!.keys()].sort();
			this.sortedKeyCache.set(plural, keys);
		}
		return keys;
	}

	/** Events after `rv`, oldest first; undefined when some of them are no longer kept (the caller answers 410). */
	eventsSince(rv: number): SimEvent[] | undefined {
		if (rv < this.compactedRevision) return undefined;
		let low = 0;
		let high = this.history.length;
		while (low < high) {
			const middle = (low + high) >> 1;
			if (this.history[middle]!.rv <= rv) low = middle + 1;
			else high = middle;
		}
		return this.history.slice(low);
	}

	/** Subscribe to every stored change; returns the unsubscribe function. Listeners run synchronously: keep them cheap. */
	onChange(listener: (event: SimEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	// ---- fault injection for tests ----

	/** The next `times` requests whose path and query match answer `code` with a Status body. */
	failNext(pattern: RegExp | string, code = 500, times = 1): void {
		const regex = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
		this.faults.push({pattern: regex, code, remaining: times});
	}

	takeFault(pathAndQuery: string): number | undefined {
		const fault = this.faults.find(candidate => candidate.pattern.test(pathAndQuery));
		if (!fault) return undefined;
		if (--fault.remaining <= 0) this.faults = this.faults.filter(candidate => candidate !== fault);
		return fault.code;
	}

	// ---- simulated memory (metrics only) ----

	setWorkingSet(namespace: string, name: string, bytes: number): void {
		this.workingSet.set(`${namespace}/${name}`, Math.max(0, Math.round(bytes)));
	}

	workingSetBytes(namespace: string, name: string): number | undefined {
		return this.workingSet.get(`${namespace}/${name}`);
	}

	/** Pods that have a simulated working set (every pod except filler), for drift. */
	workingSetKeys(): string[] {
		return [...this.workingSet.keys()];
	}

	setWorkingSetByKey(key: string, bytes: number): void {
		if (this.workingSet.has(key)) this.workingSet.set(key, Math.max(0, Math.round(bytes)));
	}

	workingSetByKey(key: string): number | undefined {
		return this.workingSet.get(key);
	}

	// ---- the read API for other engineers ----

	nodes(): SimNodeView[] {
		const views: SimNodeView[] = [];
		for (const {object} of this.entries('nodes')) {
			const status = object.status as {
				capacity?: Record<string, string>;
				allocatable?: Record<string, string>;
				conditions?: Array<{type: string; status: string}>;
			};
			views.push({
				name: object.metadata.name,
				ready: status.conditions?.some(condition => condition.type === 'Ready' && condition.status === 'True') ?? false,
				memoryCapacityBytes: parseQuantity(status.capacity?.memory) ?? 0,
				memoryAllocatableBytes: parseQuantity(status.allocatable?.memory) ?? 0,
				labels: object.metadata.labels ?? {},
			});
		}
		return views;
	}

	pods(): SimPodView[] {
		const views: SimPodView[] = [];
		for (const {object} of this.entries('pods')) views.push(this.podView(object));
		return views;
	}

	podView(object: KubeObject): SimPodView {
		const spec = object.spec as {nodeName?: string; containers?: Array<{name: string; image?: string; resources?: {requests?: {memory?: string}; limits?: {memory?: string}}}>};
		const status = object.status as {
			phase?: string;
			containerStatuses?: Array<{name: string; restartCount?: number; lastState?: {terminated?: {finishedAt?: string}}}>;
		};
		const statusByName = new Map((status.containerStatuses ?? []).map(item => [item.name, item]));
		const containers = (spec.containers ?? []).map((container): SimContainerView => {
			const containerStatus = statusByName.get(container.name);
			const finishedMs = Date.parse(containerStatus?.lastState?.terminated?.finishedAt ?? '');
			return {
				name: container.name,
				memoryRequestBytes: parseQuantity(container.resources?.requests?.memory) ?? 0,
				memoryLimitBytes: parseQuantity(container.resources?.limits?.memory) ?? 0,
				restartCount: containerStatus?.restartCount ?? 0,
				...(container.image ? {image: container.image} : {}),
				...(Number.isFinite(finishedMs) ? {lastTerminatedMs: finishedMs} : {}),
			};
		});
		const namespace = object.metadata.namespace ?? '';
		const filler = object.metadata.labels?.[fillerLabel] === 'true';
		const requestBytes = containers.reduce((sum, item) => sum + item.memoryRequestBytes, 0);
		return {
			uid: object.metadata.uid,
			namespace,
			name: object.metadata.name,
			node: spec.nodeName,
			phase: status.phase ?? 'Unknown',
			labels: object.metadata.labels ?? {},
			memoryRequestBytes: requestBytes,
			memoryLimitBytes: containers.reduce((sum, item) => sum + item.memoryLimitBytes, 0),
			// Filler pods keep no state of their own: half their request is a plausible constant.
			workingSetBytes: this.workingSet.get(`${namespace}/${object.metadata.name}`) ?? Math.round(requestBytes / 2),
			restarts: containers.reduce((sum, item) => sum + item.restartCount, 0),
			containers,
			filler,
		};
	}

	hostMemory(): SimHostMemory {
		let podsBytes = 0;
		for (const bytes of this.workingSet.values()) podsBytes += bytes;
		const usedBytes = this.memory.baseBytes + this.count('nodes') * this.memory.nodeOverheadBytes + podsBytes;
		return {
			host: this.host,
			totalBytes: this.memory.totalBytes,
			usedBytes: Math.min(usedBytes, this.memory.totalBytes),
			reservedBytes: this.memory.reservedBytes,
			os: this.memory.os,
		};
	}
}

export function keyOf(object: KubeObject): string {
	return object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
}
