// Bench-only writers for `npm run bench -- --real`: plain HTTPS to a real kube-apiserver with the admin
// client certificate of a kind-style kubeconfig (client-node's per-request overhead would be measured as
// seeding time). One keep-alive agent per cluster bounds the requests in flight. Not product code: labwatch
// itself only reads.
import {Agent, request} from 'node:https';
import {readFileSync} from 'node:fs';
import {parse} from 'yaml';

/** The kubeconfig's named context: server URL, CA and client certificate (inline *-data fields only). */
export interface Credentials {
	server: string;
	ca: Buffer;
	cert: Buffer;
	key: Buffer;
}

export function credentialsFor(kubeconfigPath: string, context: string): Credentials {
	const file = parse(readFileSync(kubeconfigPath, 'utf8')) as {
		contexts?: Array<{name: string; context?: {cluster?: string; user?: string}}>;
		clusters?: Array<{name: string; cluster?: {server?: string; 'certificate-authority-data'?: string}}>;
		users?: Array<{name: string; user?: {'client-certificate-data'?: string; 'client-key-data'?: string}}>;
	};
	const entry = file.contexts?.find(each => each.name === context)?.context;
	if (!entry) throw new Error(`${kubeconfigPath}: no context ${context}`);
	const cluster = file.clusters?.find(each => each.name === entry.cluster)?.cluster;
	const user = file.users?.find(each => each.name === entry.user)?.user;
	const data = (value: string | undefined, what: string) => {
		if (!value) throw new Error(`${kubeconfigPath}: context ${context} has no ${what}`);
		return Buffer.from(value, 'base64');
	};
	if (!cluster?.server) throw new Error(`${kubeconfigPath}: context ${context} has no server`);
	return {
		server: cluster.server,
		ca: data(cluster['certificate-authority-data'], 'certificate-authority-data'),
		cert: data(user?.['client-certificate-data'], 'client-certificate-data'),
		key: data(user?.['client-key-data'], 'client-key-data'),
	};
}

export class ApiError extends Error {
	override readonly name = 'ApiError';
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

/** A minimal JSON client for one apiserver: at most `concurrency` connections, kept alive. */
export class ApiClient {
	private readonly agent: Agent;
	private readonly base: URL;

	constructor(
		readonly credentials: Credentials,
		concurrency = 32,
	) {
		this.base = new URL(credentials.server);
		this.agent = new Agent({keepAlive: true, maxSockets: concurrency, ca: credentials.ca, cert: credentials.cert, key: credentials.key});
	}

	static fromKubeconfig(path: string, context: string, concurrency = 32): ApiClient {
		return new ApiClient(credentialsFor(path, context), concurrency);
	}

	/** One request; resolves with the parsed body, rejects with ApiError on a status >= 300. */
	send<T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
		const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		return new Promise((resolve, reject) => {
			const req = request(
				{
					agent: this.agent,
					hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
					port: this.base.port,
					method,
					path,
					headers: {accept: 'application/json', ...(payload ? {'content-type': contentType, 'content-length': payload.length} : {})},
				},
				response => {
					const chunks: Buffer[] = [];
					response.on('data', (chunk: Buffer) => chunks.push(chunk));
					response.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						const status = response.statusCode ?? 0;
						if (status >= 300) {
							let message = text.slice(0, 300);
							try {
								message = String((JSON.parse(text) as {message?: string}).message ?? message);
							} catch {
								// Not a Status body.
							}
							reject(new ApiError(status, `${method} ${path}: HTTP ${status}: ${message}`));
							return;
						}
						try {
							resolve((text ? JSON.parse(text) : {}) as T);
						} catch (error) {
							reject(error);
						}
					});
					response.on('error', reject);
				},
			);
			req.on('error', reject);
			req.end(payload);
		});
	}

	/** Creates an object; an existing one (409) is fine. */
	async ensure(path: string, body: unknown): Promise<void> {
		try {
			await this.send('POST', path, body);
		} catch (error) {
			if (!(error instanceof ApiError && error.status === 409)) throw error;
		}
	}

	mergePatch(path: string, body: unknown): Promise<Record<string, unknown>> {
		return this.send('PATCH', path, body, 'application/merge-patch+json');
	}

	close(): void {
		this.agent.destroy();
	}
}

/** Runs fn over items with at most `limit` in flight; the first failure rejects (the rest are not started). */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
	let next = 0;
	let failed = false;
	await Promise.all(
		Array.from({length: Math.min(limit, items.length)}, async () => {
			while (!failed && next < items.length) {
				const index = next++;
				try {
					await fn(items[index]!, index);
				} catch (error) {
					failed = true;
					throw error;
				}
			}
		}),
	);
}

// ---- seeding -----------------------------------------------------------------------------------

/** The annotation labwatch reads (while tracing) as the time a change was made; the simulator's churn writes it too. */
export const stampAnnotation = 'labwatch.sim/stamp';
export const seedNamespace = 'load';

export const podName = (index: number) => `load-${String(index).padStart(5, '0')}`;

export interface SeedOptions {
	/** Cluster name: nodes are <cluster>-w1, <cluster>-w2, … */
	cluster: string;
	pods: number;
	nodes?: number;
	concurrency?: number;
	/** Called now and then with the pods done so far. */
	progress?: (done: number) => void;
}

export interface SeedResult {
	pods: number;
	nodes: string[];
	/** Wall time of the pod writes alone (create + status), after nodes, namespace and ServiceAccount. */
	podsMs: number;
	totalMs: number;
	podsPerSecond: number;
}

const nodeNames = (cluster: string, count: number) => Array.from({length: count}, (_, index) => `${cluster}-w${index + 1}`);

async function ready(client: ApiClient, node: string): Promise<void> {
	const now = new Date().toISOString();
	await client.mergePatch(`/api/v1/nodes/${node}/status`, {
		status: {
			capacity: {cpu: '4', memory: '16Gi', pods: '11000'},
			allocatable: {cpu: '4', memory: '15Gi', pods: '11000'},
			conditions: [{type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now}],
		},
	});
}

/**
 * The ServiceAccount admission plugin refuses pods until the namespace's `default` ServiceAccount exists; the
 * controller-manager would make it, the bench's lab runs none: create it (one made meanwhile is fine).
 */
async function defaultServiceAccount(client: ApiClient, namespace: string): Promise<void> {
	await client.ensure(`/api/v1/namespaces/${namespace}/serviceaccounts`, {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'default', namespace}});
}

export function runningStatus(startedAt: string, restarts = 0) {
	return {
		phase: 'Running',
		startTime: startedAt,
		conditions: [
			{type: 'Initialized', status: 'True', lastTransitionTime: startedAt},
			{type: 'Ready', status: 'True', lastTransitionTime: startedAt},
			{type: 'ContainersReady', status: 'True', lastTransitionTime: startedAt},
			{type: 'PodScheduled', status: 'True', lastTransitionTime: startedAt},
		],
		containerStatuses: [{name: 'pause', image: 'registry.k8s.io/pause:3.10', imageID: '', ready: true, started: true, restartCount: restarts, state: {running: {startedAt}}}],
	};
}

/**
 * Nodes (Ready), the `load` namespace and its ServiceAccount, then `pods` pods bound to the nodes by
 * `spec.nodeName` (the lab runs no scheduler), each made Running through its status subresource: the
 * simulator's filler pods (`load-00000`…), on a real apiserver.
 */
export async function seedPods(client: ApiClient, options: SeedOptions): Promise<SeedResult> {
	const startedMs = Date.now();
	const nodes = nodeNames(options.cluster, options.nodes ?? 2);
	for (const node of nodes) {
		await client.ensure('/api/v1/nodes', {apiVersion: 'v1', kind: 'Node', metadata: {name: node, labels: {'kubernetes.io/hostname': node}}});
		await ready(client, node);
	}
	await client.ensure('/api/v1/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: seedNamespace}});
	await defaultServiceAccount(client, seedNamespace);
	const podsFrom = Date.now();
	const startedAt = new Date(podsFrom).toISOString();
	let done = 0;
	const indexes = Array.from({length: options.pods}, (_, index) => index);
	await inParallel(indexes, options.concurrency ?? 32, async index => {
		const name = podName(index);
		await client.ensure(`/api/v1/namespaces/${seedNamespace}/pods`, {
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: {name, namespace: seedNamespace, labels: {app: 'load'}},
			spec: {
				nodeName: nodes[index % nodes.length],
				automountServiceAccountToken: false,
				containers: [{name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: {requests: {memory: '1Mi'}, limits: {memory: '4Mi'}}}],
			},
		});
		await client.mergePatch(`/api/v1/namespaces/${seedNamespace}/pods/${name}/status`, {status: runningStatus(startedAt)});
		done++;
		if (done % 500 === 0) options.progress?.(done);
	});
	const endMs = Date.now();
	return {pods: options.pods, nodes, podsMs: endMs - podsFrom, totalMs: endMs - startedMs, podsPerSecond: options.pods / ((endMs - podsFrom) / 1000)};
}

/** The pods in a namespace, counted with a paged list (no watch cache quirks: limit + continue). */
export async function countPods(client: ApiClient, namespace = seedNamespace): Promise<number> {
	let count = 0;
	let next: string | undefined;
	do {
		const page = await client.send<{items: unknown[]; metadata?: {continue?: string}}>('GET', `/api/v1/namespaces/${namespace}/pods?limit=500${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
		count += page.items.length;
		next = page.metadata?.continue || undefined;
	} while (next);
	return count;
}

// ---- changes -----------------------------------------------------------------------------------

/** An annotation-only change (MODIFIED, nothing labwatch draws): the background churn, as the simulator's. */
export function stampPod(client: ApiClient, name: string, stampMs: number): Promise<unknown> {
	return client.mergePatch(`/api/v1/namespaces/${seedNamespace}/pods/${name}`, {metadata: {annotations: {[stampAnnotation]: String(stampMs)}}});
}

/**
 * A change a person sees: the pod's restart count, written through /status as a kubelet writes it, with the
 * stamp in the same write (the status subresource keeps metadata changes), so one event carries both.
 */
export function restartPod(client: ApiClient, name: string, restarts: number, stampMs: number, startedAt: string): Promise<unknown> {
	return client.mergePatch(`/api/v1/namespaces/${seedNamespace}/pods/${name}/status`, {
		metadata: {annotations: {[stampAnnotation]: String(stampMs)}},
		status: runningStatus(startedAt, restarts),
	});
}

/** Round-robin annotation patches at `perSecond`, until stopped; counts what was written and what failed (and why, once). */
export function churn(client: ApiClient, pods: number, perSecond: number): {stop(): Promise<{sent: number; failed: number; firstError?: string}>} {
	let sent = 0;
	let failed = 0;
	let firstError: string | undefined;
	let index = 0;
	let budget = 0;
	let lastMs = Date.now();
	const inFlight = new Set<Promise<unknown>>();
	const timer = setInterval(() => {
		const nowMs = Date.now();
		budget = Math.min(budget + (perSecond * (nowMs - lastMs)) / 1000, perSecond);
		lastMs = nowMs;
		while (budget >= 1) {
			budget--;
			// A slow apiserver is not flooded: the churn's rate falls instead (and says so in `sent`).
			if (inFlight.size >= 64) continue;
			const write = stampPod(client, podName(index++ % pods), Date.now()).then(
				() => void sent++,
				(error: unknown) => {
					failed++;
					firstError ??= error instanceof Error ? error.message : String(error);
				},
			);
			inFlight.add(write);
			void write.finally(() => inFlight.delete(write));
		}
	}, 10);
	return {
		async stop() {
			clearInterval(timer);
			await Promise.allSettled([...inFlight]);
			return {sent, failed, ...(firstError ? {firstError} : {})};
		},
	};
}

// ---- kubectl -----------------------------------------------------------------------------------

/**
 * `kubectl get pods -A -w --output-watch-events -o <these columns>`: with --output-watch-events kubectl prints
 * the watch event ({type, object}), so the columns reach into .object. The parser reads one line
 * ("MODIFIED   load-00042   1764712345678"); undefined for a line without a stamp ("<none>", a header).
 */
export const kubectlWatchColumns = `custom-columns=EVENT:.type,NAME:.object.metadata.name,STAMP:.object.metadata.annotations.labwatch\\.sim/stamp`;

export function parseKubectlWatchLine(line: string): {event?: string; name: string; stampMs: number} | undefined {
	const fields = line.trim().split(/\s+/);
	if (fields.length < 2) return undefined;
	const stampMs = Number(fields.at(-1));
	if (!Number.isInteger(stampMs) || stampMs <= 0) return undefined;
	const name = fields.at(-2)!;
	const event = fields.length >= 3 ? fields.at(-3) : undefined;
	return {...(event ? {event} : {}), name, stampMs};
}
