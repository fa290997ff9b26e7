// The homelab's life written onto a REAL kube-apiserver (lab/cluster.ts). The simulator's own model is the
// writer: seedCluster fills a ClusterModel (nodes, namespaces, workloads, filler pods, the Gateway), then
// SimLife (restarts, OOMKilled, CrashLoopBackOff, CI jobs Pending → Running → Succeeded → deleted),
// SimController (Events: Scheduled, Pulled, Created, Started, BackOff, OOMKilled, Killing), SimChurn and
// the GatewayAgent (Submariner's 5 s syncer) change the model, and every change the model records is
// mirrored onto the apiserver here, the way a kubelet and Submariner's gateway engine would write it:
// pods created with spec.nodeName (no scheduler), their status through the pods' /status subresource,
// nodes with status and a Lease renewed every 10 s, the Gateway rewritten whole (its CRD has no status
// subresource). The Gateway's health check is real: a TCP connect to the peer's apiserver, so a cut made
// with iptables between network namespaces turns the connection to `error` after Submariner's timings.
//
// Why this and not kwok (sigs.k8s.io/kwok): kwok is not among the Go modules the module proxy here serves
// (/work/.library/env/packages/go-partial.tsv has no kwok row), and adding it to lab/ would mean a Go change
// and a 7-minute rebuild. More to the point, kwok fakes kubelets with its own stages; the simulator's model
// already knows the homelab's life (the demo shows it) and the point is that the real apiserver and the demo
// show the SAME life. The writes go over node:https with the kubeconfig's client certificate rather than
// client-node's generated API classes: one keep-alive agent with a bounded socket count, JSON patches on
// /status without client-node's header plumbing, every status code (409, 429 with Retry-After, 5xx) in our
// hands, and ~120 MiB less RSS per writer (client-node's config module alone costs that).
import https from 'node:https';
import net from 'node:net';
import {readFileSync} from 'node:fs';
import {dirname, isAbsolute, join} from 'node:path';
import {parse as parseYaml} from 'yaml';
import {SimChurn} from '../source/sim/churn.js';
import {ClusterModel, type SimEvent} from '../source/sim/cluster-model.js';
import {SimController} from '../source/sim/controller.js';
import {GatewayAgent, type ConnectionState, type HealthCheckOptions} from '../source/sim/gateway-agent.js';
import {fillerNamespace, gatewayEndpointFor, homelabSpecs, seedCluster, type ClusterSpec, type SeedResult} from '../source/sim/homelab-seed.js';
import {SimLife, type LifeOptions as SimLifeOptions} from '../source/sim/life.js';
import {SimNetwork} from '../source/sim/network.js';
import {kubeTime} from '../source/sim/random.js';
import {resourceDefs, type KubeObject} from '../source/sim/resources.js';
import {restartedAtAnnotation} from '../source/kube/restart.js';

export interface ClusterLifeOptions {
	kubeconfigPath: string;
	/** The kubeconfig context to write through (the lab's admin context `kind-<name>`). */
	context: string;
	/** Which of the simulator's homelab clusters to write (m1, m2). */
	cluster: string;
	/** Filler pods in namespace `load`, beside the homelab's workloads (default 0). */
	pods?: number;
	/** The model's random seed (default: the cluster's own, so names are those of the demo). */
	seed?: number;
	/** The peer cluster's apiserver: the Gateway's health check connects to it. `cluster` defaults to the other homelab cluster. */
	peer?: {host: string; port: number; cluster?: string};
	/** The Gateway rewrite interval (Submariner's GatewayUpdateInterval, 5 s). */
	gatewayIntervalMs?: number;
	/** Restarts, CI jobs and their Events (default true); false writes the seed and the Gateway only. */
	lifecycle?: boolean;
	/** MODIFIED pod events per second from the simulator's churn (default 0, as the demo). */
	churnPerSecond?: number;
	/** Writes in flight at once (default 32). */
	concurrency?: number;
	/** The simulator's life knobs (tests speed it up). */
	life?: SimLifeOptions;
	/** Ping interval, timeout and loss count of the Gateway's health check (Submariner's defaults: 1 s, 1 s, 5). */
	healthCheck?: Omit<HealthCheckOptions, 'syncIntervalMs'>;
	/** Lease renewal interval (a kubelet's: 10 s). */
	leaseRenewMs?: number;
	/** A running pod deleted by the model is Terminating this long before its final delete, as a kubelet stops it. */
	terminatingMs?: number;
	/** How often pods deleted and workloads restarted by others are read back into the model (default 2 s). */
	serverSyncMs?: number;
	log?: (line: string) => void;
}

export interface ClusterLifeStats {
	cluster: string;
	seed: {objects: number; pods: number; ms: number; podsPerSecond: number};
	writes: {requests: number; creates: number; updates: number; deletes: number; conflicts: number; retries: number; errors: number};
	/** Changes the model made that are not yet on the server. */
	backlog: number;
	gateway: {writes: number; lastWriteMs?: number; connections: ConnectionState[]};
	leases: {renewals: number};
	/** The model's view (what kubectl should show once the backlog is empty). */
	model: {nodes: number; pods: number; events: number};
	lastError?: string;
}

export interface ClusterLife {
	/** The simulator's model this writer mirrors (read-only for callers). */
	model: ClusterModel;
	spec: ClusterSpec;
	stats(): ClusterLifeStats;
	/** Resolves when every change the model made so far is on the server. */
	settled(timeoutMs?: number): Promise<void>;
	/** Stops life, drains the writes in flight, deletes the Gateway (as Submariner does on a clean shutdown). */
	stop(): Promise<void>;
}

export class LifeError extends Error {
	/** True when a flag or the kubeconfig is wrong (the CLI exits 2), false when the server refused. */
	constructor(message: string, readonly usage = false) {
		super(message);
		this.name = 'LifeError';
	}
}

// ---- a small HTTPS client with the kubeconfig's credentials ----

interface Answer {
	status: number;
	body: any;
}

const transientStatus = new Set([429, 500, 502, 503, 504]);

export class ApiClient {
	private readonly agent: https.Agent;
	private readonly headers: Record<string, string>;
	readonly base: URL;
	requests = 0;
	retries = 0;
	closed = false;

	private constructor(base: URL, agent: https.Agent, headers: Record<string, string>) {
		this.base = base;
		this.agent = agent;
		this.headers = headers;
	}

	static open(kubeconfigPath: string, context: string, concurrency: number): ApiClient {
		const credentials = readKubeconfig(kubeconfigPath, context);
		const agent = new https.Agent({
			keepAlive: true,
			maxSockets: concurrency,
			ca: credentials.ca,
			cert: credentials.cert,
			key: credentials.key,
			rejectUnauthorized: !credentials.insecure,
		});
		return new ApiClient(new URL(credentials.server), agent, credentials.token ? {authorization: `Bearer ${credentials.token}`} : {});
	}

	/** One request; transient failures (429, 5xx, connection errors, timeouts) are retried with backoff until close(). */
	async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
		let delayMs = 200;
		for (;;) {
			if (this.closed) throw new LifeError('writer stopped');
			let retryAfterMs: number | undefined;
			try {
				const answer = await this.once(method, path, body, contentType);
				if (!transientStatus.has(answer.status)) return answer;
				retryAfterMs = answer.retryAfterMs;
			} catch (error) {
				if (this.closed) throw new LifeError('writer stopped');
				if (!(error instanceof TransportError)) throw error;
			}
			this.retries++;
			await sleep(Math.min(retryAfterMs ?? delayMs, 10_000));
			delayMs = Math.min(delayMs * 2, 5000);
		}
	}

	private once(method: string, path: string, body: unknown, contentType: string): Promise<Answer & {retryAfterMs?: number}> {
		this.requests++;
		const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		return new Promise((resolve, reject) => {
			const request = https.request(new URL(path, this.base), {
				method,
				agent: this.agent,
				headers: {...this.headers, accept: 'application/json', ...(payload ? {'content-type': contentType, 'content-length': payload.length} : {})},
				timeout: 30_000,
			}, response => {
				const chunks: Buffer[] = [];
				response.on('data', chunk => chunks.push(chunk));
				response.on('error', error => reject(new TransportError(error.message)));
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed: unknown = text;
					try {
						parsed = text ? JSON.parse(text) : undefined;
					} catch {
						// A proxy's HTML error page: keep the text.
					}
					const retryAfter = Number(response.headers['retry-after']);
					resolve({status: response.statusCode ?? 0, body: parsed, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? {retryAfterMs: retryAfter * 1000} : {})});
				});
			});
			request.on('timeout', () => request.destroy(new TransportError('timeout after 30 s')));
			request.on('error', (error: NodeJS.ErrnoException) => {
				// A certificate the kubeconfig's CA does not vouch for will not get better by waiting.
				if (error.code && tlsFailures.test(error.code)) reject(new LifeError(`${this.base.origin}: TLS: ${error.message}`));
				else reject(error instanceof TransportError ? error : new TransportError(error.message));
			});
			request.end(payload);
		});
	}

	close(): void {
		this.closed = true;
		this.agent.destroy();
	}
}

class TransportError extends Error {}

const tlsFailures = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

interface Credentials {
	server: string;
	ca?: Buffer;
	cert?: Buffer;
	key?: Buffer;
	token?: string;
	insecure: boolean;
}

/**
 * The context's server and credentials from a kubeconfig, read the way kubectl does for what the lab writes
 * (kind's style: embedded `*-data`, or file paths relative to the kubeconfig; a token). Not client-node's
 * KubeConfig: its module alone costs the writer ~120 MiB of RSS, and exec plugins are no part of the lab.
 */
export function readKubeconfig(path: string, context: string): Credentials {
	let document: any;
	try {
		document = parseYaml(readFileSync(path, 'utf8'));
	} catch (error) {
		throw new LifeError(`--kubeconfig ${path}: ${(error as Error).message.split('\n')[0]}`, true);
	}
	const named = (list: unknown, name: string) => (Array.isArray(list) ? list : []).find((each: any) => each?.name === name);
	const contextEntry = named(document?.contexts, context)?.context;
	if (!contextEntry) throw new LifeError(`${path}: no context ${JSON.stringify(context)} (has: ${(Array.isArray(document?.contexts) ? document.contexts : []).map((each: any) => each?.name).join(', ')})`, true);
	const cluster = named(document.clusters, contextEntry.cluster)?.cluster;
	if (!cluster?.server) throw new LifeError(`${path}: context ${context}: no cluster ${JSON.stringify(contextEntry.cluster)} with a server`, true);
	const user = named(document.users, contextEntry.user)?.user ?? {};
	if (user.exec || user['auth-provider']) throw new LifeError(`${path}: user ${contextEntry.user}: exec and auth-provider credentials are not supported by the lab's writer`, true);
	const base = dirname(path);
	const material = (data: unknown, file: unknown) => {
		if (typeof data === 'string' && data) return Buffer.from(data, 'base64');
		if (typeof file === 'string' && file) return readFileSync(isAbsolute(file) ? file : join(base, file));
		return undefined;
	};
	return {
		server: String(cluster.server),
		ca: material(cluster['certificate-authority-data'], cluster['certificate-authority']),
		cert: material(user['client-certificate-data'], user['client-certificate']),
		key: material(user['client-key-data'], user['client-key']),
		token: typeof user.token === 'string' ? user.token : (typeof user.tokenFile === 'string' ? readFileSync(user.tokenFile, 'utf8').trim() : undefined),
		insecure: cluster['insecure-skip-tls-verify'] === true,
	};
}

function sleep(ms: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, ms));
}

function failure(what: string, answer: Answer): LifeError {
	const message = typeof answer.body === 'object' && answer.body?.message ? answer.body.message : String(answer.body ?? '').slice(0, 200);
	return new LifeError(`${what}: HTTP ${answer.status}: ${message}`);
}

// ---- where an object lives on the API ----

function collectionPath(plural: string, namespace: string | undefined): string {
	const def = resourceDefs[plural];
	if (!def) throw new LifeError(`unknown resource ${plural}`);
	const prefix = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
	return `${prefix}${def.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : ''}/${plural}`;
}

function objectPath(plural: string, namespace: string | undefined, name: string): string {
	return `${collectionPath(plural, namespace)}/${encodeURIComponent(name)}`;
}

/** Resources whose status goes through a /status subresource (create ignores it); the rest are written whole. */
const statusSubresource = new Set(['pods', 'nodes', 'namespaces', 'deployments', 'statefulsets']);
const serverOwnedStatus = new Set(['qosClass']);
/** What this writer mirrors from the model (discovery-only kinds like services are not written). */
const mirrored = new Set(['namespaces', 'nodes', 'pods', 'events', 'deployments', 'statefulsets', 'gateways']);

// ---- the mirror ----

interface Known {
	/** The uid the apiserver gave the object. */
	uid: string;
	/** The model's uid of the object it mirrors (a new model object under the same name is another object). */
	modelUid: string;
	resourceVersion: string;
	/** JSON of what was last written: metadata labels/annotations, status, or the whole object. */
	meta?: string;
	status?: string;
	whole?: string;
	/** A CI pod's Job, deleted with the pod (the Job controller's TTL, shortened). */
	jobPath?: string;
	/** When this writer created it (a list begun before then may not show it yet). */
	createdMs?: number;
}

interface Desired {
	plural: string;
	namespace?: string;
	name: string;
	/** The model's current object; undefined once the model removed it. */
	object?: KubeObject;
}

const keyFor = (plural: string, namespace: string | undefined, name: string) => `${plural}|${namespace ? `${namespace}/` : ''}${name}`;

class Mirror {
	readonly known = new Map<string, Known>();
	private readonly pending = new Map<string, Desired>();
	private readonly inflight = new Set<string>();
	private readonly idle: Array<() => void> = [];
	readonly counts = {creates: 0, updates: 0, deletes: 0, conflicts: 0, errors: 0};
	lastError?: string;
	/** Called after each successful Gateway write. */
	onGatewayWritten?: () => void;

	constructor(
		private readonly api: ApiClient,
		private readonly concurrency: number,
		private readonly terminatingMs: number,
		private readonly log: (line: string) => void,
	) {}

	/** A write of this object is queued or in flight. */
	busy(plural: string, namespace: string | undefined, name: string): boolean {
		const key = keyFor(plural, namespace, name);
		return this.pending.has(key) || this.inflight.has(key);
	}

	backlog(): number {
		return this.pending.size + this.inflight.size;
	}

	/** The model changed: remember the newest state of that object and write it when a slot is free. */
	enqueue(plural: string, namespace: string | undefined, name: string, object: KubeObject | undefined): void {
		if (!mirrored.has(plural)) return;
		const key = keyFor(plural, namespace, name);
		// Newest state wins; re-inserting keeps the queue in first-changed order otherwise.
		this.pending.set(key, {plural, namespace, name, object});
		this.pump();
	}

	whenIdle(): Promise<void> {
		if (this.backlog() === 0) return Promise.resolve();
		return new Promise(resolve => this.idle.push(resolve));
	}

	private pump(): void {
		if (this.api.closed) return;
		for (const [key, desired] of this.pending) {
			if (this.inflight.size >= this.concurrency) break;
			if (this.inflight.has(key)) continue;
			this.pending.delete(key);
			this.inflight.add(key);
			this.write(key, desired)
				.catch(error => {
					if (this.api.closed) return;
					this.counts.errors++;
					this.lastError = String((error as Error).message ?? error);
					this.log(`life: ${desired.plural} ${desired.namespace ? `${desired.namespace}/` : ''}${desired.name}: ${this.lastError}`);
				})
				.finally(() => {
					this.inflight.delete(key);
					this.pump();
					if (this.backlog() === 0) for (const resolve of this.idle.splice(0)) resolve();
				});
		}
	}

	/** Puts a write back after `ms` (an Event whose pod is not on the server yet). */
	private later(key: string, desired: Desired, ms: number): Promise<void> {
		return sleep(ms).then(() => {
			if (!this.pending.has(key)) this.pending.set(key, desired);
		});
	}

	private async write(key: string, desired: Desired): Promise<void> {
		const {plural, namespace, name, object} = desired;
		const known = this.known.get(key);
		if (!object) {
			if (known) await this.remove(key, plural, namespace, name);
			return;
		}
		if (plural === 'events') {
			const about = object.involvedObject as {kind?: string; namespace?: string; name?: string};
			const dependency = keyFor(about.kind === 'Node' ? 'nodes' : 'pods', about.kind === 'Node' ? undefined : about.namespace, about.name ?? '');
			if (this.pending.has(dependency) || this.inflight.has(dependency)) return this.later(key, desired, 100);
		}
		if (known && known.modelUid !== object.metadata.uid) {
			// The model replaced the object under the same name (a StatefulSet's pod): the old one goes first.
			await this.remove(key, plural, namespace, name, true);
		}
		if (!this.known.has(key)) await this.create(key, desired, object);
		const now = this.known.get(key)!;
		if (statusSubresource.has(plural)) {
			await this.patchMeta(key, desired, object, now);
			await this.patchStatus(key, desired, object, now);
		} else {
			await this.replace(key, desired, object, now);
		}
	}

	/** The body the apiserver is given: the model's object less what the server owns, uids mapped to the server's. */
	body(plural: string, object: KubeObject): Record<string, unknown> {
		const {metadata, status, ...rest} = object;
		const body: Record<string, unknown> = {...rest};
		const meta: Record<string, unknown> = {name: metadata.name};
		if (metadata.namespace) meta.namespace = metadata.namespace;
		if (metadata.labels) meta.labels = metadata.labels;
		if (metadata.annotations) meta.annotations = metadata.annotations;
		const owners = this.owners(metadata.ownerReferences as OwnerReference[] | undefined, metadata.namespace);
		if (owners.length > 0) meta.ownerReferences = owners;
		body.metadata = meta;
		if (!statusSubresource.has(plural) && status !== undefined) body.status = status;
		if (plural === 'events') {
			const about = {...(object.involvedObject as Record<string, unknown>)};
			const uid = this.realUid(about.kind === 'Node' ? 'nodes' : 'pods', about.namespace as string | undefined, String(about.name), String(about.uid));
			// The kubelet's BackOff message names the pod's uid: the server's, not the model's.
			if (uid && typeof body.message === 'string') body.message = body.message.replaceAll(String(about.uid), uid);
			if (uid) about.uid = uid;
			else delete about.uid;
			body.involvedObject = about;
		}
		return body;
	}

	private realUid(plural: string, namespace: string | undefined, name: string, modelUid: string): string | undefined {
		const known = this.known.get(keyFor(plural, namespace, name));
		return known && (known.modelUid === modelUid || plural === 'nodes') ? known.uid : undefined;
	}

	/** Owner references to objects the server has (a static pod's Node); others are left out, or the garbage collector would delete the pod. */
	private owners(references: OwnerReference[] | undefined, namespace: string | undefined): OwnerReference[] {
		const owners: OwnerReference[] = [];
		for (const reference of references ?? []) {
			const plural = ownerPlural[reference.kind];
			if (plural) {
				const known = this.known.get(keyFor(plural, resourceDefs[plural]!.namespaced ? namespace : undefined, reference.name));
				if (known) owners.push({...reference, uid: known.uid});
				continue;
			}
			const uid = this.ownerUids.get(ownerPath(reference.kind, namespace ?? '', reference.name));
			if (uid) owners.push({...reference, uid});
		}
		return owners;
	}

	/** Server uids of the ReplicaSets, DaemonSets and Jobs that own pods (objects the model does not keep). */
	private readonly ownerUids = new Map<string, string>();
	private readonly ownerWrites = new Map<string, Promise<void>>();

	/**
	 * Creates the ReplicaSet (owned by its Deployment), DaemonSet or Job a pod names as its owner, once: the
	 * restart action finds a pod's Deployment through its ReplicaSet, and the garbage collector deletes a pod
	 * whose owner does not exist. No workload controller runs in the lab, so these objects stay as written.
	 */
	private ensureOwners(pod: KubeObject): Promise<unknown> {
		const namespace = pod.metadata.namespace!;
		return Promise.all(metadataOwners(pod).filter(reference => ownerKinds.has(reference.kind)).map(reference => {
			const path = ownerPath(reference.kind, namespace, reference.name);
			let write = this.ownerWrites.get(path);
			if (!write) {
				write = this.createOwner(path, reference, pod).catch(error => {
					this.ownerWrites.delete(path);
					throw error;
				});
				this.ownerWrites.set(path, write);
			}
			return write;
		}));
	}

	private async createOwner(path: string, reference: OwnerReference, pod: KubeObject): Promise<void> {
		const namespace = pod.metadata.namespace!;
		const labels = pod.metadata.labels ?? {};
		const container = (pod.spec as {containers: Array<{name: string; image: string; resources?: unknown}>}).containers[0]!;
		const containers = [{name: container.name, image: container.image, ...(container.resources ? {resources: container.resources} : {})}];
		const metadata: Record<string, unknown> = {name: reference.name, namespace, labels: {app: labels.app ?? reference.name}};
		let spec: Record<string, unknown>;
		if (reference.kind === 'ReplicaSet') {
			const hash = labels['pod-template-hash'] ?? '';
			const deploymentName = hash && reference.name.endsWith(`-${hash}`) ? reference.name.slice(0, -hash.length - 1) : reference.name;
			const deployment = this.known.get(keyFor('deployments', namespace, deploymentName));
			if (deployment) metadata.ownerReferences = [{apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName, uid: deployment.uid, controller: true, blockOwnerDeletion: true}];
			const selector = {app: labels.app ?? '', 'pod-template-hash': hash};
			metadata.labels = selector;
			spec = {replicas: 1, selector: {matchLabels: selector}, template: {metadata: {labels: {...labels, ...selector}}, spec: {containers}}};
		} else if (reference.kind === 'DaemonSet') {
			const selector = {app: labels.app ?? reference.name};
			spec = {selector: {matchLabels: selector}, template: {metadata: {labels: {...labels, ...selector}}, spec: {containers}}};
		} else {
			spec = {backoffLimit: 0, template: {metadata: {labels: {app: labels.app ?? reference.name}}, spec: {restartPolicy: 'Never', containers}}};
		}
		const collection = path.slice(0, path.lastIndexOf('/'));
		const answer = await this.api.request('POST', collection, {apiVersion: reference.apiVersion, kind: reference.kind, metadata, spec});
		if (answer.status === 201 || answer.status === 200) {
			this.ownerUids.set(path, answer.body.metadata.uid);
			this.counts.creates++;
			return;
		}
		if (answer.status !== 409) throw failure(`create ${reference.kind} ${namespace}/${reference.name}`, answer);
		const current = await this.api.request('GET', path);
		if (current.status !== 200) throw failure(`get ${reference.kind} ${namespace}/${reference.name}`, current);
		this.ownerUids.set(path, current.body.metadata.uid);
	}

	private remember(key: string, object: KubeObject, answer: Answer, extra: Partial<Known> = {}): Known {
		const previous = this.known.get(key);
		const known: Known = {
			...previous,
			...extra,
			uid: answer.body.metadata.uid,
			modelUid: object.metadata.uid,
			resourceVersion: answer.body.metadata.resourceVersion,
		};
		this.known.set(key, known);
		return known;
	}

	private async create(key: string, desired: Desired, object: KubeObject): Promise<void> {
		const {plural, namespace, name} = desired;
		if (plural === 'pods') await this.ensureOwners(object);
		const body = this.body(plural, object);
		for (let attempt = 0; ; attempt++) {
			const answer = await this.api.request('POST', collectionPath(plural, namespace), body);
			if (answer.status === 201 || answer.status === 200) {
				this.counts.creates++;
				const whole = statusSubresource.has(plural) ? undefined : JSON.stringify(body);
				// TaintNodesByCondition admission taints a new Node not-ready; the node lifecycle controller (off in
				// the lab: it would evict pods without kubelets) lifts it once the node is Ready. Do what it does.
				if (plural === 'nodes' && answer.body.spec?.taints?.length && !(object.spec as {taints?: unknown[]} | undefined)?.taints) {
					const untainted = await this.api.request('PATCH', objectPath(plural, namespace, name), [{op: 'remove', path: '/spec/taints'}], 'application/json-patch+json');
					if (untainted.status !== 200) throw failure(`untaint nodes/${name}`, untainted);
					answer.body = untainted.body;
				}
				const job = (metadataOwners(object)).find(reference => reference.kind === 'Job');
				this.remember(key, object, answer, {meta: metaJson(body), whole, createdMs: Date.now(), ...(job ? {jobPath: ownerPath('Job', namespace!, job.name)} : {})});
				if (plural === 'gateways') this.onGatewayWritten?.();
				return;
			}
			if (answer.status === 409) {
				// Already there (a namespace the cluster made, a writer restarted on the same seed): adopt it.
				const current = await this.api.request('GET', objectPath(plural, namespace, name));
				if (current.status === 200) {
					if (current.body.metadata.deletionTimestamp) {
						await sleep(200);
						continue;
					}
					this.remember(key, object, current, {meta: metaJson(current.body), status: undefined, whole: undefined, createdMs: Date.now()});
					return;
				}
				if (current.status === 404) continue;
				throw failure(`get ${plural}/${name}`, current);
			}
			// ServiceAccount admission refuses pods until the namespace's `default` ServiceAccount exists.
			if (answer.status === 403 && plural === 'pods' && /service ?account/i.test(String(answer.body?.message)) && attempt < 50) {
				if (attempt === 0) await ensureServiceAccount(this.api, namespace!);
				await sleep(100);
				continue;
			}
			// A namespace being created or terminating, or a not-yet-known owner: a short wait, a few times.
			if ((answer.status === 404 || answer.status === 403) && attempt < 20) {
				await sleep(250);
				continue;
			}
			throw failure(`create ${plural}/${name}`, answer);
		}
	}

	private async patchMeta(key: string, desired: Desired, object: KubeObject, known: Known): Promise<void> {
		const body = this.body(desired.plural, object) as {metadata: Record<string, unknown>};
		const meta = metaJson(body);
		if (meta === known.meta) return;
		const patch = [
			{op: 'add', path: '/metadata/labels', value: body.metadata.labels ?? {}},
			{op: 'add', path: '/metadata/annotations', value: body.metadata.annotations ?? {}},
		];
		const answer = await this.api.request('PATCH', objectPath(desired.plural, desired.namespace, desired.name), patch, 'application/json-patch+json');
		if (answer.status === 404) return this.recreate(key, desired);
		if (answer.status !== 200) throw failure(`patch ${desired.plural}/${desired.name}`, answer);
		this.counts.updates++;
		this.remember(key, object, answer, {meta});
	}

	/** Status fields one by one (`add` replaces), so fields the server set itself (qosClass) stay. */
	private async patchStatus(key: string, desired: Desired, object: KubeObject, known: Known): Promise<void> {
		const status = object.status as Record<string, unknown> | undefined;
		if (!status || desired.plural === 'namespaces') return;
		const json = JSON.stringify(status);
		if (json === known.status) return;
		// qosClass is the server's to compute (and immutable): the sim calls request = limit memory Guaranteed,
		// the apiserver says Burstable without a CPU limit.
		const patch = Object.entries(status).filter(([field]) => !serverOwnedStatus.has(field)).map(([field, value]) => ({op: 'add', path: `/status/${field}`, value}));
		const answer = await this.api.request('PATCH', `${objectPath(desired.plural, desired.namespace, desired.name)}/status`, patch, 'application/json-patch+json');
		if (answer.status === 404) return this.recreate(key, desired);
		if (answer.status !== 200) throw failure(`patch ${desired.plural}/${desired.name}/status`, answer);
		this.counts.updates++;
		this.remember(key, object, answer, {status: json});
	}

	/** Whole-object writes with the last resourceVersion, as Submariner's syncer updates its Gateway; a 409 reads the fresh one. */
	private async replace(key: string, desired: Desired, object: KubeObject, known: Known): Promise<void> {
		const body = this.body(desired.plural, object);
		const whole = JSON.stringify(body);
		if (whole === known.whole) return;
		let resourceVersion = known.resourceVersion;
		for (let attempt = 0; attempt < 10; attempt++) {
			const path = objectPath(desired.plural, desired.namespace, desired.name);
			const answer = await this.api.request('PUT', path, {...body, metadata: {...(body.metadata as object), resourceVersion}});
			if (answer.status === 200) {
				this.counts.updates++;
				this.remember(key, object, answer, {whole});
				if (desired.plural === 'gateways') this.onGatewayWritten?.();
				return;
			}
			if (answer.status === 404) return this.recreate(key, desired);
			if (answer.status !== 409) throw failure(`update ${desired.plural}/${desired.name}`, answer);
			this.counts.conflicts++;
			const current = await this.api.request('GET', path);
			if (current.status === 404) return this.recreate(key, desired);
			if (current.status !== 200) throw failure(`get ${desired.plural}/${desired.name}`, current);
			resourceVersion = current.body.metadata.resourceVersion;
		}
		throw new LifeError(`update ${desired.plural}/${desired.name}: still conflicting after 10 tries`);
	}

	/** Someone else deleted it on the server: forget it, so the next write creates it again. */
	private recreate(key: string, desired: Desired): void {
		this.known.delete(key);
		if (!this.pending.has(key)) this.pending.set(key, desired);
	}

	private async remove(key: string, plural: string, namespace: string | undefined, name: string, immediately = false): Promise<void> {
		const path = objectPath(plural, namespace, name);
		const known = this.known.get(key);
		const precondition = known ? {preconditions: {uid: known.uid}} : {};
		if (plural === 'pods' && !immediately) {
			// As in a cluster: the delete marks the pod Terminating; the kubelet stops it, then removes it for good.
			// (A pod that is not running, e.g. Succeeded, goes at once.)
			const first = await this.api.request('DELETE', path, {kind: 'DeleteOptions', apiVersion: 'v1', ...precondition});
			if (first.status === 200 && first.body?.metadata?.deletionTimestamp && first.body?.kind === 'Pod') await sleep(this.terminatingMs);
			else if (first.status !== 404 && first.status !== 409 && first.status !== 200 && first.status !== 202) throw failure(`delete ${plural}/${name}`, first);
		}
		const answer = await this.api.request('DELETE', path, {kind: 'DeleteOptions', apiVersion: 'v1', ...(plural === 'pods' ? {gracePeriodSeconds: 0} : {}), ...precondition});
		if (answer.status !== 200 && answer.status !== 202 && answer.status !== 404 && answer.status !== 409) throw failure(`delete ${plural}/${name}`, answer);
		this.counts.deletes++;
		this.known.delete(key);
		if (known?.jobPath) {
			this.ownerUids.delete(known.jobPath);
			this.ownerWrites.delete(known.jobPath);
			const job = await this.api.request('DELETE', known.jobPath, {kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background'});
			if (job.status !== 200 && job.status !== 202 && job.status !== 404) throw failure(`delete ${known.jobPath}`, job);
			this.counts.deletes++;
		}
	}
}

interface OwnerReference {
	apiVersion: string;
	kind: string;
	name: string;
	uid: string;
	controller?: boolean;
	blockOwnerDeletion?: boolean;
}

const ownerPlural: Record<string, string> = {Node: 'nodes', Deployment: 'deployments', StatefulSet: 'statefulsets'};
/** Owners the model names but does not keep: this writer makes them on the server. */
const ownerKinds = new Set(['ReplicaSet', 'DaemonSet', 'Job']);

function ownerPath(kind: string, namespace: string, name: string): string {
	const [group, plural] = kind === 'Job' ? ['batch/v1', 'jobs'] : ['apps/v1', kind === 'ReplicaSet' ? 'replicasets' : 'daemonsets'];
	return `/apis/${group}/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(name)}`;
}

function metadataOwners(object: KubeObject): OwnerReference[] {
	return (object.metadata.ownerReferences as OwnerReference[] | undefined) ?? [];
}

function metaJson(body: {metadata?: unknown}): string {
	const metadata = (body.metadata ?? {}) as {labels?: unknown; annotations?: unknown};
	return JSON.stringify({labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {}});
}

/** Waits a little for the controller-manager's `default` ServiceAccount, then makes it (a lab without one). */
async function ensureServiceAccount(api: ApiClient, namespace: string, waitMs = 3000): Promise<void> {
	const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/default`;
	const deadline = Date.now() + waitMs;
	for (;;) {
		const answer = await api.request('GET', path);
		if (answer.status === 200) return;
		if (answer.status !== 404) throw failure(`get serviceaccount ${namespace}/default`, answer);
		if (Date.now() > deadline) break;
		await sleep(100);
	}
	const created = await api.request('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts`, {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'default', namespace}});
	if (created.status !== 201 && created.status !== 409) throw failure(`create serviceaccount ${namespace}/default`, created);
}

// ---- the kubelet's Lease ----

async function renewLease(api: ApiClient, node: string, state: Map<string, string>): Promise<void> {
	const collection = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
	const body = (resourceVersion?: string) => ({
		apiVersion: 'coordination.k8s.io/v1',
		kind: 'Lease',
		metadata: {name: node, namespace: 'kube-node-lease', ...(resourceVersion ? {resourceVersion} : {})},
		spec: {holderIdentity: node, leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z')},
	});
	for (let attempt = 0; attempt < 5; attempt++) {
		const resourceVersion = state.get(node);
		const answer = resourceVersion
			? await api.request('PUT', `${collection}/${encodeURIComponent(node)}`, body(resourceVersion))
			: await api.request('POST', collection, body());
		if (answer.status === 200 || answer.status === 201) {
			state.set(node, answer.body.metadata.resourceVersion);
			return;
		}
		if (answer.status !== 409 && answer.status !== 404) throw failure(`lease ${node}`, answer);
		const current = await api.request('GET', `${collection}/${encodeURIComponent(node)}`);
		if (current.status === 200) state.set(node, current.body.metadata.resourceVersion);
		else state.delete(node);
	}
	throw new LifeError(`lease ${node}: still conflicting after 5 tries`);
}

// ---- what others do on the server, fed back into the model ----

/**
 * The kubelet's and the workload controllers' side of what others write: a pod someone deleted (labwatch's
 * delete action, kubectl) is Terminating until its kubelet confirms; here the model lets it go, so the
 * simulator's controller replaces it and the mirror deletes it for good. A Deployment or StatefulSet whose
 * pod template got `kubectl.kubernetes.io/restartedAt` (labwatch's restart) rolls its pods in the model.
 * Polled (filler pods excluded): the objects concerned are the homelab's few dozen.
 */
async function syncFromServer(api: ApiClient, model: ClusterModel, mirror: Mirror): Promise<void> {
	const listedMs = Date.now();
	const pods = await api.request('GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(`metadata.namespace!=${fillerNamespace}`)}`);
	if (pods.status !== 200) throw failure('list pods', pods);
	const seen = new Set<string>();
	for (const pod of pods.body.items as KubeObject[]) {
		const {namespace, name, uid} = pod.metadata;
		const key = keyFor('pods', namespace, name);
		seen.add(key);
		const known = mirror.known.get(key);
		if (!pod.metadata.deletionTimestamp || known?.uid !== uid || mirror.busy('pods', namespace, name)) continue;
		if (model.get('pods', namespace, name)?.metadata.uid === known.modelUid) model.remove('pods', namespace, name);
	}
	for (const [key, known] of mirror.known) {
		if (!key.startsWith('pods|') || seen.has(key) || (known.createdMs ?? Infinity) > listedMs) continue;
		const [namespace, name] = key.slice('pods|'.length).split('/') as [string, string];
		if (namespace === fillerNamespace || mirror.busy('pods', namespace, name)) continue;
		// Deleted outright (--force): gone on the server, so gone in the model too.
		if (model.get('pods', namespace, name)?.metadata.uid === known.modelUid) {
			mirror.known.delete(key);
			model.remove('pods', namespace, name);
		}
	}
	for (const plural of ['deployments', 'statefulsets']) {
		const list = await api.request('GET', `/apis/apps/v1/${plural}`);
		if (list.status !== 200) throw failure(`list ${plural}`, list);
		for (const object of list.body.items as KubeObject[]) {
			const restartedAt = templateAnnotations(object)[restartedAtAnnotation];
			const inModel = model.get(plural, object.metadata.namespace, object.metadata.name);
			if (!restartedAt || !inModel || templateAnnotations(inModel)[restartedAtAnnotation] === restartedAt) continue;
			model.update(plural, object.metadata.namespace, object.metadata.name, copy => {
				const template = ((copy.spec as {template: {metadata?: {annotations?: Record<string, string>}}}).template);
				template.metadata = {...template.metadata, annotations: {...template.metadata?.annotations, [restartedAtAnnotation]: restartedAt}};
			});
		}
	}
}

function templateAnnotations(object: KubeObject): Record<string, string> {
	return (object.spec as {template?: {metadata?: {annotations?: Record<string, string>}}} | undefined)?.template?.metadata?.annotations ?? {};
}

// ---- the Gateway's health check ----

/** A TCP connect to the peer's apiserver: true once connected, false on refusal, reset or the signal (timeout). */
export function tcpProbe(host: string, port: number): (signal: AbortSignal) => Promise<boolean> {
	return signal => new Promise(resolve => {
		if (signal.aborted) return resolve(false);
		const socket = net.connect({host, port});
		const done = (ok: boolean) => {
			signal.removeEventListener('abort', onAbort);
			socket.destroy();
			resolve(ok);
		};
		const onAbort = () => done(false);
		signal.addEventListener('abort', onAbort, {once: true});
		socket.once('connect', () => done(true));
		socket.once('error', () => done(false));
	});
}

// ---- putting it together ----

export function homelabSpec(cluster: string, seed?: number): ClusterSpec {
	const spec = homelabSpecs.find(each => each.name === cluster);
	if (!spec) throw new LifeError(`--cluster ${JSON.stringify(cluster)}: the simulator's homelab has ${homelabSpecs.map(each => each.name).join(', ')}`, true);
	return seed === undefined ? spec : {...spec, seed};
}

/** Objects in the order a cluster gets them: namespaces, nodes, controllers, pods, the Gateway, events. */
const seedOrder = ['namespaces', 'nodes', 'deployments', 'statefulsets', 'pods', 'gateways', 'events'];

export async function startClusterLife(options: ClusterLifeOptions): Promise<ClusterLife> {
	const log = options.log ?? (line => process.stderr.write(`${line}\n`));
	const spec = homelabSpec(options.cluster, options.seed);
	const concurrency = options.concurrency ?? 32;
	const peerSpec = options.peer ? homelabSpecs.find(each => each.name === (options.peer!.cluster ?? homelabSpecs.find(other => other.name !== spec.name)?.name)) : undefined;
	if (options.peer && !peerSpec) throw new LifeError(`--peer: no homelab cluster ${JSON.stringify(options.peer.cluster)} to be the peer of ${spec.name}`, true);

	const model = new ClusterModel({name: spec.name, host: spec.host, hostMemoryBytes: spec.hostMemoryBytes, hostBaseBytes: spec.hostBaseBytes, hostOs: spec.os});
	const seed: SeedResult = seedCluster(model, spec, {podsPerCluster: options.pods ?? 0, remotes: peerSpec ? [gatewayEndpointFor(peerSpec)] : []});

	const api = ApiClient.open(options.kubeconfigPath, options.context, concurrency);
	const mirror = new Mirror(api, concurrency, options.terminatingMs ?? 1000, log);
	const gatewayStats = {writes: 0, lastWriteMs: undefined as number | undefined};
	mirror.onGatewayWritten = () => {
		gatewayStats.writes++;
		gatewayStats.lastWriteMs = Date.now();
	};
	const leaseVersions = new Map<string, string>();
	const leaseStats = {renewals: 0};
	const timers: NodeJS.Timeout[] = [];
	const stoppers: Array<() => void> = [];
	let agent: GatewayAgent | undefined;
	const seedStats = {objects: 0, pods: 0, ms: 0, podsPerSecond: 0};

	const stats = (): ClusterLifeStats => ({
		cluster: spec.name,
		seed: {...seedStats},
		writes: {requests: api.requests, retries: api.retries, ...mirror.counts},
		backlog: mirror.backlog(),
		gateway: {...gatewayStats, connections: agent?.connections() ?? []},
		leases: {...leaseStats},
		model: {nodes: model.count('nodes'), pods: model.count('pods'), events: model.count('events')},
		...(mirror.lastError ? {lastError: mirror.lastError} : {}),
	});

	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		for (const stopper of stoppers.splice(0).reverse()) stopper();
		for (const timer of timers) clearInterval(timer);
		await Promise.race([mirror.whenIdle(), sleep(5000)]);
		// A gateway deletes its own object when it shuts down cleanly.
		if (mirror.known.has(keyFor('gateways', seed.gateway.namespace, seed.gateway.name))) {
			await Promise.race([api.request('DELETE', objectPath('gateways', seed.gateway.namespace, seed.gateway.name)).catch(() => undefined), sleep(2000)]);
		}
		api.close();
	};

	try {
		// The server must answer before anything is written (a lab that is still starting).
		const version = await api.request('GET', '/version');
		if (version.status !== 200) throw failure(`${api.base.origin}/version`, version);

		// The seed, phase by phase, so nothing waits on what comes later.
		const startedMs = Date.now();
		let podsMs = 0;
		for (const plural of seedOrder) {
			const phaseMs = Date.now();
			for (const key of model.sortedKeys(plural)) {
				const entry = model.entryByKey(plural, key)!;
				mirror.enqueue(plural, entry.object.metadata.namespace, entry.object.metadata.name, entry.object);
				seedStats.objects++;
			}
			if (plural === 'namespaces') {
				await mirror.whenIdle();
				await Promise.all([...model.entries('namespaces')].map(({object}) => ensureServiceAccount(api, object.metadata.name, 10_000)));
				continue;
			}
			await mirror.whenIdle();
			if (plural === 'pods') podsMs = Date.now() - phaseMs;
		}
		if (stopped) throw new LifeError('stopped while seeding');
		seedStats.pods = model.count('pods');
		seedStats.ms = Date.now() - startedMs;
		seedStats.podsPerSecond = podsMs > 0 ? Math.round((seedStats.pods / podsMs) * 1000) : 0;
		log(`life: ${spec.name}: seed written: ${seedStats.objects} objects, ${seedStats.pods} pods in ${(podsMs / 1000).toFixed(1)} s (${seedStats.podsPerSecond} pods/s), ${(seedStats.ms / 1000).toFixed(1)} s in all; ${mirror.counts.errors} errors`);

		// From now on every change of the model is written.
		stoppers.push(model.onChange((event: SimEvent) => {
			mirror.enqueue(event.plural, event.namespace, event.entry.object.metadata.name, event.type === 'DELETED' ? undefined : event.entry.object);
		}));

		// The kubelet's Lease per node, renewed every 10 s; its node status heartbeat every 5 minutes.
		const renewAll = () => {
			for (const node of spec.nodes) {
				renewLease(api, node, leaseVersions).then(() => leaseStats.renewals++, error => {
					if (!api.closed) log(`life: ${spec.name}: ${(error as Error).message}`);
				});
			}
		};
		renewAll();
		timers.push(setInterval(renewAll, options.leaseRenewMs ?? 10_000));
		timers.push(setInterval(() => {
			const time = kubeTime(Date.now());
			for (const node of spec.nodes) {
				model.update('nodes', undefined, node, object => {
					for (const condition of (object.status as {conditions: Array<{lastHeartbeatTime: string}>}).conditions) condition.lastHeartbeatTime = time;
				});
			}
		}, 5 * 60_000));

		// Submariner's gateway engine: the health check against the peer's apiserver, the Gateway rewritten every 5 s.
		const remotes = peerSpec && options.peer ? [{
			cluster: peerSpec.name,
			host: peerSpec.host,
			url: `tcp://${options.peer.host}:${options.peer.port}`,
			endpoint: gatewayEndpointFor(peerSpec),
			probe: tcpProbe(options.peer.host, options.peer.port),
		}] : [];
		agent = new GatewayAgent(model, new SimNetwork(spec.host), seed.gateway, remotes, {...options.healthCheck, syncIntervalMs: options.gatewayIntervalMs ?? 5000});
		agent.start();
		const started = agent;
		stoppers.push(() => started.stop());

		if (options.lifecycle !== false) {
			const controller = new SimController(model, spec, seed, {timeScale: options.life?.timeScale});
			stoppers.push(() => controller.stop());
			const life = new SimLife(model, spec, seed, options.life);
			life.start();
			stoppers.push(() => life.stop());
		}
		let syncing = false;
		timers.push(setInterval(() => {
			if (syncing) return;
			syncing = true;
			syncFromServer(api, model, mirror)
				.catch(error => {
					if (!api.closed) log(`life: ${spec.name}: ${(error as Error).message}`);
				})
				.finally(() => (syncing = false));
		}, options.serverSyncMs ?? 2000));
		if (options.churnPerSecond && options.churnPerSecond > 0) {
			const churn = new SimChurn(model, options.churnPerSecond, seed.fillerKeys);
			churn.start();
			stoppers.push(() => churn.stop());
		}
	} catch (error) {
		await stop();
		throw error;
	}

	return {
		model,
		spec,
		stats,
		settled: async (timeoutMs = 30_000) => {
			const done = await Promise.race([mirror.whenIdle().then(() => true), sleep(timeoutMs).then(() => false)]);
			if (!done) throw new LifeError(`${spec.name}: ${mirror.backlog()} writes still pending after ${timeoutMs} ms`);
		},
		stop,
	};
}

