// Targets of the differential conformance suite: the real kube-apiserver (lab/, TLS with the kind-style
// kubeconfig's client certificates) and the simulator (source/sim/, plain HTTP, in-process). Both answer
// the same requests; writes go through the API on the real one and, where the simulator has no such
// verb (create, patch of pods), through its model, as the test/sim tests seed it.
import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {request as httpRequest, type IncomingHttpHeaders, type IncomingMessage} from 'node:http';
import {request as httpsRequest, type RequestOptions as HttpsOptions} from 'node:https';
import {parse} from 'yaml';
import type {RealCluster} from '../../lab/cluster.js';
import type {ClusterModel} from '../../source/sim/cluster-model.js';
import type {KubeObject} from '../../source/sim/resources.js';

export interface Answer {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	/** The body parsed as JSON, or undefined when it is not JSON. */
	json: any;
}

export interface RequestOptions {
	accept?: string;
	method?: string;
	body?: unknown;
	contentType?: string;
	/** Who asks: the admin (default), the read-only user (real only), or a client with a bearer token the server never issued. */
	user?: 'admin' | 'readonly' | 'bad-token';
}

export interface WatchStream {
	status: number;
	headers: IncomingHttpHeaders;
	/** The next parsed line; rejects after `timeoutMs`, or when the stream ended with nothing left. */
	next(timeoutMs?: number): Promise<any>;
	/** Every line until the server ends the stream (or `timeoutMs` passes: rejects). */
	rest(timeoutMs: number): Promise<any[]>;
	/** Resolves with true when the server ended the chunked body properly, false on a reset. */
	ended: Promise<boolean>;
	close(): void;
}

export interface PodSeed {
	name: string;
	labels: Record<string, string>;
	nodeName: string;
}

export interface Target {
	name: 'real' | 'sim';
	baseUrl: string;
	request(path: string, options?: RequestOptions): Promise<Answer>;
	watch(path: string, options?: RequestOptions): Promise<WatchStream>;
	createNamespace(name: string): Promise<void>;
	createPod(namespace: string, pod: PodSeed): Promise<void>;
	labelPod(namespace: string, name: string, labels: Record<string, string>): Promise<void>;
	deletePod(namespace: string, name: string): Promise<void>;
	/** Creates a submariner.io/v1 Gateway (real: POST, the CRD has no status subresource; sim: its model). */
	createGateway(gateway: KubeObject): Promise<void>;
	/** Makes every resourceVersion up to now too old to watch from (real: etcd compaction + apiserver restart). */
	forgetHistory(): Promise<void>;
	/** A request as a user RBAC forbids to list gateways; undefined (with the reason) when the target has no users. */
	forbiddenGatewaysList?: () => Promise<Answer>;
}

type Transport = (url: URL, options: {method: string; headers: Record<string, string>}, done: (response: IncomingMessage) => void) => ReturnType<typeof httpRequest>;

function send(transport: Transport, baseUrl: string, path: string, options: RequestOptions = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const body = options.body === undefined ? undefined : JSON.stringify(options.body);
		const headers: Record<string, string> = {Accept: options.accept ?? 'application/json'};
		if (options.user === 'bad-token') headers.Authorization = 'Bearer labwatch-conformance-never-issued';
		if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
		const request = transport(new URL(path, baseUrl), {method: options.method ?? 'GET', headers}, response => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: any;
				try {
					json = JSON.parse(text);
				} catch {
					json = undefined;
				}
				resolve({status: response.statusCode ?? 0, headers: response.headers, text, json});
			});
			response.on('error', reject);
		});
		request.setTimeout(60_000, () => request.destroy(new Error(`no answer to ${path} within 60 s`)));
		request.on('error', reject);
		request.end(body);
	});
}

function openStream(transport: Transport, baseUrl: string, path: string, options: RequestOptions = {}): Promise<WatchStream> {
	return new Promise((resolve, reject) => {
		const request = transport(new URL(path, baseUrl), {method: 'GET', headers: {Accept: options.accept ?? 'application/json'}}, response => {
			let buffer = '';
			const queue: any[] = [];
			const waiters: Array<(error: Error | undefined, value?: any) => void> = [];
			let finished = false;
			let endResolve!: (clean: boolean) => void;
			const ended = new Promise<boolean>(done => (endResolve = done));
			const finish = (clean: boolean) => {
				if (finished) return;
				finished = true;
				endResolve(clean);
				for (const waiter of waiters.splice(0)) waiter(new Error('the stream ended'));
			};
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				buffer += chunk;
				let newline;
				while ((newline = buffer.indexOf('\n')) >= 0) {
					const line = buffer.slice(0, newline);
					buffer = buffer.slice(newline + 1);
					if (!line.trim()) continue;
					const value = JSON.parse(line);
					const waiter = waiters.shift();
					if (waiter) waiter(undefined, value);
					else queue.push(value);
				}
			});
			response.on('end', () => finish(true));
			response.on('aborted', () => finish(false));
			response.on('error', () => finish(false));
			response.on('close', () => finish(response.complete));
			const next = (timeoutMs = 10_000) => {
				if (queue.length > 0) return Promise.resolve(queue.shift());
				if (finished) return Promise.reject(new Error('the stream ended'));
				return new Promise((done, fail) => {
					const waiter = (error: Error | undefined, value?: any) => {
						clearTimeout(timer);
						if (error) fail(error);
						else done(value);
					};
					const timer = setTimeout(() => {
						waiters.splice(waiters.indexOf(waiter), 1);
						fail(new Error(`no watch event within ${timeoutMs} ms`));
					}, timeoutMs);
					waiters.push(waiter);
				});
			};
			resolve({
				status: response.statusCode ?? 0,
				headers: response.headers,
				next,
				async rest(timeoutMs) {
					let timer: NodeJS.Timeout | undefined;
					const timeout = new Promise<never>((_, fail) => {
						timer = setTimeout(() => fail(new Error(`the stream did not end within ${timeoutMs} ms`)), timeoutMs);
					});
					try {
						await Promise.race([ended, timeout]);
					} finally {
						clearTimeout(timer);
					}
					return queue.splice(0);
				},
				ended,
				close: () => request.destroy(),
			});
		});
		request.on('error', reject);
		request.end();
	});
}

interface KubeconfigCredentials {
	ca: Buffer;
	cert: Buffer;
	key: Buffer;
}

/** The CA and a user's client certificate, from a kind-style kubeconfig (base64 *-data fields). */
export function credentialsOf(kubeconfigPath: string, context: string): KubeconfigCredentials {
	const config = parse(readFileSync(kubeconfigPath, 'utf8')) as {
		contexts: Array<{name: string; context: {cluster: string; user: string}}>;
		clusters: Array<{name: string; cluster: {'certificate-authority-data': string}}>;
		users: Array<{name: string; user: {'client-certificate-data': string; 'client-key-data': string}}>;
	};
	const entry = config.contexts.find(item => item.name === context);
	if (!entry) throw new Error(`${kubeconfigPath}: no context ${context}`);
	const cluster = config.clusters.find(item => item.name === entry.context.cluster)!.cluster;
	const user = config.users.find(item => item.name === entry.context.user)!.user;
	const decode = (text: string) => Buffer.from(text, 'base64');
	return {ca: decode(cluster['certificate-authority-data']), cert: decode(user['client-certificate-data']), key: decode(user['client-key-data'])};
}

function tlsTransport(credentials: KubeconfigCredentials): Transport {
	return (url, options, done) => httpsRequest(url, {...options, ca: credentials.ca, cert: credentials.cert, key: credentials.key} satisfies HttpsOptions, done);
}

const plainTransport: Transport = (url, options, done) => httpRequest(url, options, done);

function podBody(namespace: string, pod: PodSeed): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {name: pod.name, namespace, labels: pod.labels} as KubeObject['metadata'],
		spec: {nodeName: pod.nodeName, containers: [{name: 'main', image: 'registry.invalid/conformance:1'}]},
	};
}

async function expectOk(answer: Promise<Answer>, what: string): Promise<Answer> {
	const result = await answer;
	if (result.status < 200 || result.status > 299) throw new Error(`${what}: HTTP ${result.status} ${result.text.slice(0, 300)}`);
	return result;
}

export function realTarget(cluster: RealCluster): Target {
	const admin = tlsTransport(credentialsOf(cluster.kubeconfigPath, cluster.context));
	const readonlyCredentials = credentialsOf(cluster.kubeconfigPath, cluster.readonlyContext);
	const readonly = tlsTransport(readonlyCredentials);
	// No client certificate: the bearer token is all it shows.
	const anonymous: Transport = (url, options, done) => httpsRequest(url, {...options, ca: readonlyCredentials.ca}, done);
	const base = cluster.server;
	const transportFor = (user: RequestOptions['user']) => (user === 'readonly' ? readonly : user === 'bad-token' ? anonymous : admin);
	const request = (path: string, options: RequestOptions = {}) => send(transportFor(options.user), base, path, options);
	return {
		name: 'real',
		baseUrl: base,
		request,
		watch: (path, options = {}) => openStream(transportFor(options.user), base, path, options),
		async createNamespace(name) {
			await expectOk(request('/api/v1/namespaces', {method: 'POST', body: {apiVersion: 'v1', kind: 'Namespace', metadata: {name}}}), `create namespace ${name}`);
			// ServiceAccount admission refuses pods until the controller-manager made the namespace's `default`.
			const deadline = Date.now() + 60_000;
			while ((await request(`/api/v1/namespaces/${name}/serviceaccounts/default`)).status !== 200) {
				if (Date.now() > deadline) throw new Error(`namespace ${name} got no default ServiceAccount within 60 s`);
				await new Promise(done => setTimeout(done, 100));
			}
		},
		async createPod(namespace, pod) {
			await expectOk(request(`/api/v1/namespaces/${namespace}/pods`, {method: 'POST', body: podBody(namespace, pod)}), `create pod ${pod.name}`);
		},
		async labelPod(namespace, name, labels) {
			await expectOk(request(`/api/v1/namespaces/${namespace}/pods/${name}`, {method: 'PATCH', contentType: 'application/merge-patch+json', body: {metadata: {labels}}}), `label pod ${name}`);
		},
		async deletePod(namespace, name) {
			// A pod bound to a node is deleted gracefully (kubelet confirms); with no kubelet, force it.
			await expectOk(request(`/api/v1/namespaces/${namespace}/pods/${name}?gracePeriodSeconds=0`, {method: 'DELETE'}), `delete pod ${name}`);
		},
		async createGateway(gateway) {
			const {namespace} = gateway.metadata;
			const body = {...gateway, metadata: {name: gateway.metadata.name, namespace, annotations: gateway.metadata.annotations}};
			await expectOk(request(`/apis/submariner.io/v1/namespaces/${namespace}/gateways`, {method: 'POST', body}), `create gateway ${gateway.metadata.name}`);
		},
		async forgetHistory() {
			await cluster.compact();
			// The watch cache still serves old versions until the apiserver starts over (lab/README.md).
			await cluster.restartApiserver();
		},
		forbiddenGatewaysList: () => request('/apis/submariner.io/v1/gateways', {user: 'readonly'}),
	};
}

export function simTarget(baseUrl: string, model: ClusterModel): Target {
	const request = (path: string, options: RequestOptions = {}) => send(plainTransport, baseUrl, path, options);
	return {
		name: 'sim',
		baseUrl,
		request,
		watch: (path, options) => openStream(plainTransport, baseUrl, path, options),
		// The simulator serves no create: seeded through its model, as the real apiserver would store them.
		async createNamespace(name) {
			model.create('namespaces', {metadata: {name, uid: randomUUID(), resourceVersion: '', creationTimestamp: ''}, spec: {finalizers: ['kubernetes']}, status: {phase: 'Active'}});
		},
		async createPod(namespace, pod) {
			const object = podBody(namespace, pod);
			object.metadata.uid = randomUUID();
			object.metadata.resourceVersion = '';
			object.metadata.creationTimestamp = '';
			object.status = {phase: 'Pending', qosClass: 'BestEffort'};
			model.create('pods', object);
		},
		// No PATCH of pods on the simulator's wire either (it serves PATCH for deployments and statefulsets only).
		async labelPod(namespace, name, labels) {
			if (!model.update('pods', namespace, name, pod => void (pod.metadata.labels = {...pod.metadata.labels, ...labels}))) throw new Error(`no pod ${name}`);
		},
		async deletePod(namespace, name) {
			await expectOk(request(`/api/v1/namespaces/${namespace}/pods/${name}?gracePeriodSeconds=0`, {method: 'DELETE'}), `delete pod ${name}`);
		},
		async createGateway(gateway) {
			model.create('gateways', structuredClone(gateway));
		},
		async forgetHistory() {
			model.compact();
		},
	};
}
