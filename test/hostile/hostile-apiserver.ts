// A kube-apiserver that misbehaves on purpose, on 127.0.0.1, for the hostile tests: each named mode is one
// way a real (or broken, or malicious) server has been seen to answer. It counts requests and open
// sockets so a test can assert that labwatch backs off and closes what it opened.
//
//   const server = await startHostileApiserver('watch-410-always');
//   server.kubeconfigYaml()      a kubeconfig with context "hostile" (token auth)
//   server.requests              every request's path and query, in order
//   server.count(/watch=true/)   requests whose path+query match
//   server.openSockets           sockets open right now
//   server.mode = 'healthy'      switch behaviour while running
//   await server.close()
import http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {stringify} from 'yaml';

export type HostileMode =
	| 'healthy'
	/** Pod watch: 200, then 'A' × 1 MiB forever with no newline. */
	| 'endless-line'
	/** Pod watch: 200, one ERROR event (500), and the stream left open. */
	| 'error-event-open'
	/** Pod watch: 200, a `null` line, and the stream left open. */
	| 'null-line'
	/** Every pod watch: HTTP 410 Gone. */
	| 'watch-410-always'
	/** Every pod watch: 200, an ERROR 410 event, and the stream closed. */
	| 'error-410-then-close'
	/** Every pod watch: 200 with an empty body. */
	| 'empty-200'
	/** Pods (list and watch): 403 Forbidden with the apiserver's RBAC message. */
	| 'forbidden-pods'
	/** Gateways (list and watch): 403 Forbidden. */
	| 'forbidden-gateways'
	/** Lists and watch events carrying nulls and absurd numbers where objects and quantities belong. */
	| 'null-fields'
	/** Pod lists: a fresh continue token on every page, forever. */
	| 'endless-continue'
	/** Pod lists: a body that never ends. */
	| 'endless-list-body'
	/** Names, namespaces and messages carrying terminal escape sequences. */
	| 'escape-sequences'
	/** Everything, /readyz included: 401 Unauthorized. */
	| 'unauthorized'
	/** Everything 401, /readyz 300 ms later than the rest (a real apiserver answers in either order). */
	| 'unauthorized-slow-readyz'
	/** /readyz: HTTP 500 with the check list, etcd failing. */
	| 'readyz-500'
	/** Pod lists in pages of 2; a continue token answers 410 with a fresh token, as a compacted etcd does. */
	| 'continue-expired-410'
	/** Pods: 429 with Retry-After: 3. */
	| 'retry-after-429';

export interface HostileRequest {
	path: string;
	/** path + '?' + query */
	url: string;
	watch: boolean;
	authorization?: string;
}

export interface HostileApiserver {
	url: string;
	mode: HostileMode;
	requests: HostileRequest[];
	count(pattern: RegExp): number;
	readonly openSockets: number;
	/** Ends every open watch stream abruptly (clients re-watch and meet the current mode). */
	dropWatches(): void;
	kubeconfigYaml(user?: Record<string, unknown>): string;
	close(): Promise<void>;
}

export const hostileToken = 'hostile-token';
const escape = '\u001b]2;PWNED\u0007\u001b[5m';

function status(code: number, reason: string, message: string, extra: Record<string, unknown> = {}) {
	return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...extra};
}

export function podObject(name: string, index = 0): Record<string, any> {
	return {
		metadata: {name, namespace: 'default', uid: `uid-${name}`, resourceVersion: String(10 + index), creationTimestamp: '2026-11-24T10:00:00Z', labels: {app: name}},
		spec: {nodeName: 'node-a', containers: [{name: 'main', resources: {requests: {memory: '64Mi'}, limits: {memory: '128Mi'}}}]},
		status: {phase: 'Running', containerStatuses: [{name: 'main', ready: true, restartCount: 0, state: {running: {}}}]},
	};
}

function nodeObject(name: string): Record<string, any> {
	return {
		metadata: {name, resourceVersion: '5', creationTimestamp: '2026-11-01T00:00:00Z'},
		status: {capacity: {memory: '8Gi'}, allocatable: {memory: '7Gi'}, conditions: [{type: 'Ready', status: 'True'}]},
	};
}

function gatewayObject(name: string): Record<string, any> {
	return {
		metadata: {name, namespace: 'submariner-operator', resourceVersion: '7', annotations: {'update-timestamp': String(Math.floor(Date.now() / 1000))}},
		status: {haStatus: 'active', statusFailure: '', connections: [{status: 'connected', statusMessage: '', endpoint: {cluster_id: 'm2', hostname: 'm2-gw'}, latencyRTT: {average: '1ms'}}]},
	};
}

/** Malformed objects a buggy controller or a hostile server can put in a list. */
function malformedPods(): unknown[] {
	const nullStatuses = podObject('null-statuses', 1);
	nullStatuses.status.containerStatuses = [null, {name: 'x', restartCount: 1e308, ready: null, state: null}, {restartCount: 1e308}];
	const absurdMemory = podObject('absurd-memory', 2);
	absurdMemory.spec.containers = [null, {resources: {requests: {memory: '1e100'}, limits: null}}, {resources: null}];
	const nullEverything = {metadata: {name: 'null-everything', namespace: null, uid: null, labels: null, creationTimestamp: null}, spec: null, status: null};
	return [podObject('good-0', 0), null, 42, 'text', [], nullStatuses, absurdMemory, nullEverything, {metadata: null}, podObject('good-1', 3)];
}

function send(response: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}) {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	response.writeHead(code, {'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers});
	response.end(text);
}

/** Writes `chunk` for as long as the client reads, with back-pressure, until the socket closes. */
function pour(response: http.ServerResponse, chunk: string | Buffer) {
	const write = () => {
		while (!response.destroyed && response.write(chunk)) {
			// the socket buffer took it: keep going until it says to wait
		}
	};
	response.on('drain', write);
	write();
}

export async function startHostileApiserver(initialMode: HostileMode): Promise<HostileApiserver> {
	const requests: HostileRequest[] = [];
	const sockets = new Set<Socket>();
	const state = {mode: initialMode};
	let continueCounter = 0;
	const watchResponses = new Set<http.ServerResponse>();

	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://x');
		const watch = url.searchParams.get('watch') === 'true';
		requests.push({path: url.pathname, url: url.pathname + url.search, watch, authorization: request.headers.authorization});
		const mode = state.mode;
		response.on('error', () => undefined);

		if (mode === 'unauthorized') return send(response, 401, status(401, 'Unauthorized', 'Unauthorized'));
		if (mode === 'unauthorized-slow-readyz') {
			const delayMs = url.pathname === '/readyz' ? 300 : 0;
			setTimeout(() => send(response, 401, status(401, 'Unauthorized', 'Unauthorized')), delayMs);
			return;
		}
		if (url.pathname === '/readyz') {
			if (mode === 'readyz-500') {
				return send(response, 500, '[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]poststarthook/start-apiserver ok\nreadyz check failed\n');
			}
			return send(response, 200, 'ok');
		}

		const kind = url.pathname === '/api/v1/pods' ? 'pods' : url.pathname === '/api/v1/nodes' ? 'nodes' : /\/gateways$/.test(url.pathname) ? 'gateways' : undefined;
		if (!kind) return send(response, 404, status(404, 'NotFound', 'the server could not find the requested resource'));

		if (kind === 'pods' && mode === 'forbidden-pods') {
			return send(response, 403, status(403, 'Forbidden', `pods is forbidden: User "system:serviceaccount:labwatch:viewer" cannot ${watch ? 'watch' : 'list'} resource "pods" in API group "" at the cluster scope`));
		}
		if (kind === 'gateways' && mode === 'forbidden-gateways') {
			return send(response, 403, status(403, 'Forbidden', `gateways.submariner.io is forbidden: User "viewer" cannot ${watch ? 'watch' : 'list'} resource "gateways" in API group "submariner.io" in the namespace "submariner-operator"`));
		}
		if (kind === 'pods' && mode === 'retry-after-429') {
			return send(response, 429, status(429, 'TooManyRequests', 'too many requests, please try again later'), {'Retry-After': '3'});
		}

		if (watch) return serveWatch(kind, mode, response);
		return serveList(kind, mode, url, response);
	});

	function serveWatch(kind: string, mode: HostileMode, response: http.ServerResponse) {
		watchResponses.add(response);
		response.on('close', () => watchResponses.delete(response));
		const open = () => response.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'});
		if (kind === 'pods') {
			switch (mode) {
				case 'endless-line':
					open();
					return pour(response, 'A'.repeat(1 << 20));
				case 'error-event-open':
					open();
					response.write(JSON.stringify({type: 'ERROR', object: status(500, 'InternalError', 'etcd is unhappy')}) + '\n');
					return; // and never end
				case 'null-line':
					open();
					response.write('null\n');
					return;
				case 'watch-410-always':
					return send(response, 410, status(410, 'Gone', 'too old resource version: 1 (100)'));
				case 'error-410-then-close':
					open();
					response.end(JSON.stringify({type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 1 (100)')}) + '\n');
					return;
				case 'empty-200':
					open();
					response.end();
					return;
				case 'null-fields':
					open();
					for (const object of malformedPods()) response.write(JSON.stringify({type: 'MODIFIED', object}) + '\n');
					response.write(JSON.stringify({type: 'ADDED', object: null}) + '\n');
					response.write(JSON.stringify({type: null, object: {}}) + '\n');
					response.write('[1,2]\n"str"\n7\n');
					return;
				default:
			}
		}
		// A quiet healthy stream: headers, then nothing until the client leaves.
		open();
		response.write(JSON.stringify({type: 'BOOKMARK', object: {metadata: {resourceVersion: '100'}}}) + '\n');
	}

	function serveList(kind: string, mode: HostileMode, url: URL, response: http.ServerResponse) {
		const list = (items: unknown[], metadata: Record<string, unknown> = {}) => send(response, 200, {kind: 'List', apiVersion: 'v1', metadata: {resourceVersion: '100', ...metadata}, items});
		if (kind === 'nodes') return list([nodeObject('node-a')]);
		if (kind === 'gateways') {
			const gateway = gatewayObject('gw');
			if (mode === 'escape-sequences') gateway.status.statusFailure = `${escape}FAILURE`;
			if (mode === 'null-fields') return list([gateway, null, {metadata: {name: 'gw-null'}, status: {connections: [null, {endpoint: null, latencyRTT: null}]}}]);
			return list([gateway]);
		}
		switch (mode) {
			case 'null-fields':
				return list(malformedPods());
			case 'endless-continue':
				continueCounter++;
				return list([podObject(`page-${continueCounter}`, continueCounter)], {continue: `token-${continueCounter}`});
			case 'endless-list-body': {
				response.writeHead(200, {'Content-Type': 'application/json'});
				response.write('{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"100"},"items":[');
				response.write(JSON.stringify(podObject('first')));
				return pour(response, (',' + JSON.stringify(podObject('more'))).repeat(200));
			}
			case 'continue-expired-410': {
				const pods = [podObject('p-0', 0), podObject('p-1', 1), podObject('p-2', 2), podObject('p-3', 3)];
				const token = url.searchParams.get('continue');
				const limit = url.searchParams.get('limit');
				if (token) {
					return send(response, 410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.', {metadata: {continue: 'fresh-token'}}));
				}
				if (limit && limit !== '0') return list(pods.slice(0, 2), {continue: 'first-token'});
				return list(pods);
			}
			case 'escape-sequences': {
				const pod = podObject(`${escape}evil`);
				pod.metadata.namespace = `ns${escape}`;
				pod.spec.nodeName = `node${escape}`;
				return list([pod]);
			}
			default:
				return list([podObject('web-0', 0), podObject('web-1', 1)]);
		}
	}

	server.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;

	return {
		url,
		get mode() {
			return state.mode;
		},
		set mode(mode: HostileMode) {
			state.mode = mode;
		},
		requests,
		count: pattern => requests.filter(request => pattern.test(request.url)).length,
		get openSockets() {
			return sockets.size;
		},
		dropWatches() {
			for (const response of watchResponses) response.socket?.destroy();
		},
		kubeconfigYaml: (user = {token: hostileToken}) =>
			stringify({
				apiVersion: 'v1',
				kind: 'Config',
				clusters: [{name: 'hostile', cluster: {server: url, 'insecure-skip-tls-verify': true}}],
				users: [{name: 'hostile-user', user}],
				contexts: [{name: 'hostile', context: {cluster: 'hostile', user: 'hostile-user'}}],
				'current-context': 'hostile',
			}),
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}
