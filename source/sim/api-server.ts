// One simulated cluster's kube-apiserver on node:http: health, version, discovery, list/get/watch for
// nodes, namespaces, pods and submariner.io Gateways, Status errors, injected faults, and the `/_sim`
// control endpoints. While the network cuts the asking host off, requests hang unanswered (accepted,
// never refused) and are served on heal if the client is still waiting.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import type {ClusterModel} from './cluster-model.js';
import {jsonOf} from './cluster-model.js';
import {apiGroupDocument, apiGroupList, apiResourceList, apiVersions, versionInfo} from './discovery.js';
import {answerList} from './list-handler.js';
import {simHostHeader, type SimNetwork} from './network.js';
import {qualifiedName, resourceDefs, type ResourceDef} from './resources.js';
import {parseFieldSelector, parseLabelSelector, SelectorError} from './selectors.js';
import {injectedStatus, statusBody} from './status.js';
import {WatchHub} from './watch-hub.js';
import {includeObjectFrom, tableOf, wantsTable, type IncludeObject} from './table.js';
import {servePodLog} from './log-server.js';
import {healthAnswer} from './health.js';
import {restartContainer} from './pod-factory.js';
import {kubeTime} from './random.js';
import type {KubeObject} from './resources.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export interface ClusterServerOptions {
	bookmarkIntervalMs?: number;
	firstBookmarkMs?: number;
	/** What GET /_sim/state answers (the homelab fills in every cluster). */
	state?: () => object;
	/** Container logs: one line per this many ms (default 2000; the logs benchmark uses 1). */
	logIntervalMs?: number;
	/** Every cluster's model in this process, so /_sim/crash can name another cluster ({"cluster": "m2"}). */
	models?: () => ClusterModel[];
}

interface HungRequest {
	originHost: string;
	resume: () => void;
	res: ServerResponse;
}

export class ClusterServer {
	readonly model: ClusterModel;
	private readonly network: SimNetwork;
	private readonly server: Server;
	private readonly watches: WatchHub;
	private readonly hung = new Set<HungRequest>();
	private readonly sockets = new Set<Socket>();
	private readonly routes: Array<{prefix: string; handler: RouteHandler}> = [];
	private readonly stopNetwork: () => void;
	private readonly state?: () => object;
	private readonly logIntervalMs: number;
	private readonly models?: () => ClusterModel[];
	private readonly logStreams = new Set<ServerResponse>();
	private address = '';

	constructor(model: ClusterModel, network: SimNetwork, options: ClusterServerOptions = {}) {
		this.model = model;
		this.network = network;
		this.state = options.state;
		this.logIntervalMs = options.logIntervalMs ?? 2000;
		this.models = options.models;
		this.watches = new WatchHub(model, network, {
			bookmarkIntervalMs: options.bookmarkIntervalMs ?? 15_000,
			firstBookmarkMs: options.firstBookmarkMs ?? 1_000,
		});
		this.server = createServer({noDelay: true, keepAliveTimeout: 30_000}, (req, res) => this.handle(req, res));
		// Watches and hung requests live as long as they like.
		this.server.requestTimeout = 0;
		this.server.headersTimeout = 0;
		this.server.on('connection', socket => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.stopNetwork = network.onChange(() => this.resumeHung());
	}

	get url(): string {
		return this.address;
	}

	private readonly served = (def: ResourceDef) => this.model.serves(def);

	async listen(port: number, bind: string): Promise<string> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, bind, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address() as AddressInfo;
		const host = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind.includes(':') ? `[${bind}]` : bind;
		this.address = `http://${host}:${address.port}`;
		return this.address;
	}

	/** Adds an endpoint under `prefix` (e.g. the metrics engineer's `/metrics`); it obeys partitions and faults. */
	route(prefix: string, handler: RouteHandler): void {
		this.routes.push({prefix, handler});
	}

	/** Number of open watch streams (for tests and /_sim/state). */
	watchCount(): number {
		return this.watches.count();
	}

	/** Open `follow` log streams (tests: a closed pane leaves none). */
	logStreamCount(): number {
		return this.logStreams.size;
	}

	hungCount(): number {
		return this.hung.size;
	}

	/** Resets every open connection without a clean end, the way a crashed proxy or a NAT timeout does. */
	dropConnections(): void {
		for (const socket of this.sockets) socket.destroy();
	}

	async close(): Promise<void> {
		this.stopNetwork();
		this.watches.close();
		for (const stream of this.logStreams) stream.destroy();
		for (const request of this.hung) request.res.destroy();
		this.hung.clear();
		const closed = new Promise<void>(resolve => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.server.closeAllConnections();
		await closed;
	}

	private handle(req: IncomingMessage, res: ServerResponse): void {
		const url = new URL(req.url ?? '/', 'http://sim.invalid');
		// Out-of-band control: never cut, never faulted, so a drill can always heal.
		if (url.pathname.startsWith('/_sim/') && url.pathname !== '/_sim/ping') {
			this.control(req, res, url);
			return;
		}
		const header = req.headers[simHostHeader];
		const originHost = (Array.isArray(header) ? header[0] : header) || this.network.viewerHost;
		if (this.network.isCut(originHost, this.model.host)) {
			const request: HungRequest = {originHost, res, resume: () => this.serve(req, res, url, originHost)};
			this.hung.add(request);
			res.on('close', () => this.hung.delete(request));
			return;
		}
		this.serve(req, res, url, originHost);
	}

	private resumeHung(): void {
		for (const request of [...this.hung]) {
			if (this.network.isCut(request.originHost, this.model.host)) continue;
			this.hung.delete(request);
			if (!request.res.destroyed && !request.res.socket?.destroyed) request.resume();
		}
	}

	private serve(req: IncomingMessage, res: ServerResponse, url: URL, originHost: string): void {
		try {
			const fault = this.model.takeFault(url.pathname + url.search);
			if (fault !== undefined) return sendJson(res, fault, JSON.stringify(injectedStatus(fault)));
			const path = url.pathname.replace(/\/+$/, '') || '/';
			if (path === '/_sim/ping') return sendJson(res, 200, JSON.stringify({cluster: this.model.name, host: this.model.host}));
			for (const route of this.routes) {
				if (path === route.prefix || path.startsWith(`${route.prefix}/`)) return route.handler(req, res, url);
			}
			const health = healthAnswer(path, url.searchParams);
			if (health !== undefined) return sendText(res, 200, health);
			if (path === '/version') return sendJson(res, 200, JSON.stringify(versionInfo));
			if (path === '/api') return sendJson(res, 200, JSON.stringify(apiVersions(req.headers.host ?? this.address)));
			if (path === '/apis') return sendJson(res, 200, JSON.stringify(apiGroupList(this.served)));
			const segments = path.split('/').filter(part => part.length > 0).map(part => decodeURIComponent(part));
			if (segments[0] === 'api' && segments[1] === 'v1') return this.resource(req, res, url, 'v1', segments.slice(2), originHost);
			if (segments[0] === 'apis' && segments.length === 2) {
				const group = apiGroupDocument(segments[1]!, this.served);
				if (group) return sendJson(res, 200, JSON.stringify(group));
			}
			if (segments[0] === 'apis' && segments.length >= 3) {
				return this.resource(req, res, url, `${segments[1]}/${segments[2]}`, segments.slice(3), originHost);
			}
			return notFound(res);
		} catch (error) {
			sendJson(res, 500, JSON.stringify(statusBody(500, `Internal error occurred: ${(error as Error).message}`)));
		}
	}

	/** `rest` is what follows /api/v1 or /apis/<group>/<version>. */
	private resource(req: IncomingMessage, res: ServerResponse, url: URL, groupVersion: string, rest: string[], originHost: string): void {
		if (rest.length === 0) {
			const list = apiResourceList(groupVersion, this.served);
			return list ? sendJson(res, 200, JSON.stringify(list)) : notFound(res);
		}
		let namespace: string | undefined;
		let plural: string;
		let name: string | undefined;
		if (rest[0] === 'namespaces' && rest.length >= 3) {
			namespace = rest[1];
			plural = rest[2]!;
			name = rest[3];
			if (rest.length === 5 && plural === 'pods' && rest[4] === 'log' && groupVersion === 'v1' && (req.method === 'GET' || req.method === 'HEAD')) {
				return servePodLog(this.model, this.network, {res, url, namespace: namespace!, name: name!, originHost, intervalMs: this.logIntervalMs, streams: this.logStreams});
			}
			if (rest.length > 4) return notFound(res);
		} else {
			plural = rest[0]!;
			name = rest[1];
			if (rest.length > 2) return notFound(res);
		}
		const def = resourceDefs[plural];
		if (!def || def.apiVersion !== groupVersion || (namespace !== undefined && !def.namespaced) || !this.model.serves(def)) return notFound(res);
		if (req.method === 'DELETE' && name !== undefined && def.verbs.includes('delete')) return this.deleteOne(res, def, namespace, name);
		if (req.method === 'PATCH' && name !== undefined && def.verbs.includes('patch')) return this.patchOne(req, res, def, namespace, name);
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			return sendJson(res, 405, JSON.stringify(statusBody(405, `the server does not allow this method on the requested resource`)));
		}
		const table = wantsTable(req.headers.accept) ? includeObjectFrom(url.searchParams.get('includeObject')) : undefined;
		if (name !== undefined) return this.getOne(res, def, namespace, name, table);

		let labels;
		let fields;
		try {
			labels = parseLabelSelector(url.searchParams.get('labelSelector'));
			fields = parseFieldSelector(url.searchParams.get('fieldSelector'), Object.keys(def.fields));
		} catch (error) {
			if (error instanceof SelectorError) return sendJson(res, 400, JSON.stringify(statusBody(400, error.message)));
			throw error;
		}
		const watch = url.searchParams.get('watch');
		const sendInitialEvents = url.searchParams.get('sendInitialEvents');
		if (sendInitialEvents !== null) {
			const invalid = watchListInvalid(url.searchParams, watch === 'true' || watch === '1');
			if (invalid) return sendJson(res, 422, JSON.stringify(invalid));
		}
		if (watch === 'true' || watch === '1') {
			const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '');
			this.watches.open(res, {
				def,
				namespace,
				labels,
				fields,
				originHost,
				bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
				sendInitialEvents: sendInitialEvents === 'true',
				timeoutMs: Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : undefined,
				resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
				...(table ? {table} : {}),
			});
			return;
		}
		const limit = Number(url.searchParams.get('limit') ?? '');
		const paged = Number.isInteger(limit) && limit > 0;
		// As the apiserver: Exact serves that version; so does a paged list with a version other than 0.
		const rvText = url.searchParams.get('resourceVersion') ?? '';
		const match = url.searchParams.get('resourceVersionMatch') ?? '';
		const rv = Number(rvText);
		const exact = rvText !== '' && rvText !== '0' && (match === 'Exact' || (match === '' && paged));
		if (exact && !(Number.isInteger(rv) && rv > 0)) {
			return sendJson(res, 400, JSON.stringify(statusBody(400, `invalid resource version: ${rvText}`)));
		}
		const answer = answerList(this.model, {
			def,
			namespace,
			labels,
			fields,
			limit: paged ? limit : undefined,
			continueToken: url.searchParams.get('continue') || undefined,
			...(exact ? {exactRv: rv} : {}),
		});
		if (table && answer.code === 200) {
			const list = JSON.parse(answer.body) as {metadata: {resourceVersion: string; continue?: string}; items: KubeObject[]};
			return sendJson(res, 200, JSON.stringify(tableOf(def, list.items, list.metadata, table)));
		}
		sendJson(res, answer.code, answer.body);
	}

	private getOne(res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string, table?: IncludeObject): void {
		if (def.namespaced && namespace === undefined) return notFound(res);
		const entry = this.model.entry(def.plural, namespace, name);
		if (entry && table) return sendJson(res, 200, JSON.stringify(tableOf(def, [entry.object], {resourceVersion: entry.object.metadata.resourceVersion}, table)));
		if (entry) return sendJson(res, 200, jsonOf(entry));
		const details: Record<string, unknown> = {name, ...(def.group ? {group: def.group} : {}), kind: def.plural};
		sendJson(res, 404, JSON.stringify(statusBody(404, `${qualifiedName(def)} "${name}" not found`, details)));
	}

	/**
	 * DELETE: gone at once, as if the kubelet had finished at once; controllers in the homelab replace owned
	 * pods. A pod bound to a node is marked first (deletionTimestamp, grace 0): watchers see MODIFIED, then
	 * DELETED, as from a real apiserver even with gracePeriodSeconds=0.
	 */
	private deleteOne(res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string): void {
		let object = this.model.get(def.plural, namespace, name);
		if (!object) return this.missing(res, def, name);
		if (def.plural === 'pods' && (object.spec as {nodeName?: string} | undefined)?.nodeName && !object.metadata.deletionTimestamp) {
			object = this.model.update(def.plural, namespace, name, pod => {
				pod.metadata.deletionTimestamp = kubeTime(Date.now());
				pod.metadata.deletionGracePeriodSeconds = 0;
			})!;
		}
		if (!this.model.remove(def.plural, namespace, name)) return this.missing(res, def, name);
		sendJson(res, 200, JSON.stringify(object));
	}

	/** PATCH with a merge patch (JSON merge or strategic merge: the same for the maps a restart changes). */
	private patchOne(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string): void {
		readBody(req, body => {
			let patch: unknown;
			try {
				patch = JSON.parse(body);
			} catch {
				return sendJson(res, 400, JSON.stringify(statusBody(400, 'the patch is not valid JSON')));
			}
			if (!isPlainObject(patch)) return sendJson(res, 400, JSON.stringify(statusBody(400, 'the patch must be a JSON object')));
			const updated = this.model.update(def.plural, namespace, name, object => mergePatch(object, patch));
			if (!updated) return this.missing(res, def, name);
			sendJson(res, 200, JSON.stringify(updated));
		});
	}

	private missing(res: ServerResponse, def: ResourceDef, name: string): void {
		const details: Record<string, unknown> = {name, ...(def.group ? {group: def.group} : {}), kind: def.plural};
		sendJson(res, 404, JSON.stringify(statusBody(404, `${qualifiedName(def)} "${name}" not found`, details)));
	}

	private control(req: IncomingMessage, res: ServerResponse, url: URL): void {
		const path = url.pathname.replace(/\/+$/, '');
		const state = () => JSON.stringify(this.state?.() ?? {partitioned: this.network.isPartitioned(), drillId: this.network.drillId, viewerHost: this.network.viewerHost, clusters: [{name: this.model.name, host: this.model.host, url: this.address}]});
		if (path === '/_sim/state') {
			if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, JSON.stringify(statusBody(405, 'use GET')));
			return sendJson(res, 200, state());
		}
		if (path === '/_sim/crash') {
			// Tests and demos: a pod {cluster?, namespace, name, oomKilled?} dies and waits in CrashLoopBackOff.
			if (req.method !== 'POST') return sendJson(res, 405, JSON.stringify(statusBody(405, 'use POST')));
			return readBody(req, body => {
				let target: {cluster?: unknown; namespace?: unknown; name?: unknown; oomKilled?: unknown} = {};
				try {
					target = JSON.parse(body) as typeof target;
				} catch {
					// answered below
				}
				if (typeof target.namespace !== 'string' || typeof target.name !== 'string') {
					return sendJson(res, 400, JSON.stringify(statusBody(400, 'expected a JSON body like {"namespace":"data","name":"kafka-0"}')));
				}
				const model = typeof target.cluster === 'string' ? this.models?.().find(item => item.name === target.cluster) : this.model;
				if (!model) return sendJson(res, 404, JSON.stringify(statusBody(404, `no simulated cluster ${JSON.stringify(target.cluster)} here`)));
				const crashed = model.update('pods', target.namespace, target.name, pod => restartContainer(pod, {oomKilled: target.oomKilled === true, crashLoop: true, nowMs: Date.now()}));
				if (!crashed) return sendJson(res, 404, JSON.stringify(statusBody(404, `pods "${target.name}" not found`)));
				sendJson(res, 200, JSON.stringify({crashed: `${target.namespace}/${target.name}`}));
			});
		}
		if (path === '/_sim/partition' || path === '/_sim/heal') {
			if (req.method !== 'POST') return sendJson(res, 405, JSON.stringify(statusBody(405, 'use POST')));
			// The drill executor sends {drillId, ttlMs, ...}; an empty or non-JSON body is a plain cut.
			let body = '';
			req.setEncoding('utf8');
			req.on('data', (chunk: string) => {
				if (body.length < 65_536) body += chunk;
			});
			req.on('end', () => {
				if (path === '/_sim/heal') this.network.heal();
				else {
					let options: {drillId?: unknown; ttlMs?: unknown} = {};
					try {
						options = body.trim() ? (JSON.parse(body) as typeof options) : {};
					} catch {
						return sendJson(res, 400, JSON.stringify(statusBody(400, 'expected a JSON body like {"drillId":"…","ttlMs":60000}')));
					}
					this.network.partition({
						drillId: typeof options.drillId === 'string' ? options.drillId : undefined,
						ttlMs: typeof options.ttlMs === 'number' ? options.ttlMs : undefined,
					});
				}
				sendJson(res, 200, state());
			});
			return;
		}
		notFound(res);
	}
}

/** The apiserver's 422 for a watch-list request it refuses (ListOptions validation), or undefined. */
function watchListInvalid(params: URLSearchParams, watch: boolean): object | undefined {
	const causes: Array<{reason: string; message: string; field: string}> = [];
	const forbid = (field: string, message: string) => causes.push({reason: 'FieldValueForbidden', message: `Forbidden: ${message}`, field});
	if (!watch) forbid('sendInitialEvents', 'sendInitialEvents is forbidden for list');
	else if (params.get('resourceVersionMatch') !== 'NotOlderThan') forbid('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
	if (causes.length === 0) return undefined;
	const list = causes.map(cause => `${cause.field}: ${cause.message}`);
	const message = `ListOptions.meta.k8s.io "" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
	return statusBody(422, message, {group: 'meta.k8s.io', kind: 'ListOptions', causes}, 'Invalid');
}

function sendJson(res: ServerResponse, code: number, body: string): void {
	res.writeHead(code, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache, private'});
	res.end(body);
}

function readBody(req: IncomingMessage, done: (body: string) => void): void {
	let body = '';
	req.setEncoding('utf8');
	req.on('data', (chunk: string) => {
		if (body.length < 1_048_576) body += chunk;
	});
	req.on('end', () => done(body));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386: objects merge, null removes, anything else replaces. */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): void {
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) delete target[key];
		else if (isPlainObject(value)) {
			if (!isPlainObject(target[key])) target[key] = {};
			mergePatch(target[key] as Record<string, unknown>, value);
		} else target[key] = value;
	}
}

function sendText(res: ServerResponse, code: number, body: string): void {
	res.writeHead(code, {'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body)});
	res.end(body);
}

function notFound(res: ServerResponse): void {
	sendJson(res, 404, JSON.stringify(statusBody(404, 'the server could not find the requested resource', {})));
}
