// A Prometheus HTTP API on 127.0.0.1 that misbehaves on purpose, one named mode at a time, so every way a
// real or broken server (or a proxy in front of it) can hurt labwatch is a test.
//   drip               200 and a valid-looking JSON body, one byte a second (dripEveryMs), never finished
//   endless-body       200 and a vector that goes on as fast as the socket takes it (up to endlessBytes)
//   impossible-memory  node_exporter readings no machine has (set with `memory`): MemAvailable > MemTotal, …
//   unauthorized-401   401 with a JSON body that is not Prometheus' (`{"message": …}`), as proxies answer
//   rate-limited-429   429 with Retry-After (seconds) for the first `limitedAnswers` requests, then answers
//   escape-labels      label values (but hostLabels) and an error message carrying terminal escape sequences
//   garbage-json       200 with JSON of every wrong shape (null items, a string result, numbers as labels)
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';

export type HostileMode = 'drip' | 'endless-body' | 'impossible-memory' | 'unauthorized-401' | 'rate-limited-429' | 'escape-labels' | 'garbage-json';

/** One line of terminal attacks: retitle the pane (OSC 0 … BEL), blink (CSI 5m), C1 CSI, a bidi override. */
export const escapeAttack = '\u001b]0;PWNED\u0007\u001b[5mBLINK\u001b[0m\u009b2J\u202eevil\u202c';

export interface HostileOptions {
	/** drip: the time between two bytes (default 1000 ms). */
	dripEveryMs?: number;
	/** endless-body: where the body finally ends, so a client without a cap finishes instead of eating the machine (default 64 MiB). */
	endlessBytes?: number;
	/** impossible-memory: the node_exporter numbers served (Linux names); default MemAvailable > MemTotal. */
	memory?: {MemTotal_bytes: number; MemAvailable_bytes: number};
	/** impossible-memory / escape-labels: extra labels on every host series (to pick them out by config). */
	hostLabels?: Record<string, string>;
	/** rate-limited-429: how many requests are refused before answers come (default: all). */
	limitedAnswers?: number;
	/** rate-limited-429: the Retry-After header's value (default "7"). */
	retryAfter?: string;
	/** working-set series served beside the host's in impossible-memory and escape-labels. */
	workingSets?: Array<{labels: Record<string, string>; value: number}>;
}

export interface HostilePrometheus {
	url: string;
	/** Every request, in order: path and query. */
	requests: Array<{path: string; query: string}>;
	/** Bytes written to response bodies so far. */
	bytesSent(): number;
	close(): Promise<void>;
}

const GiB = 2 ** 30;

function vector(series: Array<{labels: Record<string, string>; value: number | string}>): string {
	return JSON.stringify({
		status: 'success',
		data: {resultType: 'vector', result: series.map(item => ({metric: item.labels, value: [Date.now() / 1000, String(item.value)]}))},
	});
}

export async function startHostilePrometheus(mode: HostileMode, options: HostileOptions = {}): Promise<HostilePrometheus> {
	const requests: HostilePrometheus['requests'] = [];
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();
	let sent = 0;
	let refused = 0;
	const write = (res: ServerResponse, chunk: string) => {
		sent += Buffer.byteLength(chunk);
		return res.write(chunk);
	};
	const json = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
		sent += Buffer.byteLength(body);
		res.writeHead(status, {'content-type': 'application/json', ...headers}).end(body);
	};

	const hostSeries = (query: string) => {
		const memory = options.memory ?? {MemTotal_bytes: 8 * GiB, MemAvailable_bytes: 56 * GiB};
		const labels = {instance: '127.0.0.1:9100', job: 'node', ...options.hostLabels};
		if (query === 'up') return [{labels: {__name__: 'up', ...labels}, value: 1}];
		if (query.includes('container_memory_working_set_bytes')) return options.workingSets ?? [];
		if (query.startsWith('{__name__')) {
			return Object.entries(memory).map(([field, value]) => ({labels: {__name__: `node_memory_${field}`, ...labels}, value}));
		}
		return [];
	};

	const handle = (req: IncomingMessage, res: ServerResponse) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const query = url.searchParams.get('query') ?? '';
		requests.push({path: url.pathname, query});
		switch (mode) {
			case 'drip': {
				res.writeHead(200, {'content-type': 'application/json'});
				const body = vector([{labels: {__name__: 'up', job: 'node', instance: 'a'}, value: 1}]);
				let index = 0;
				// Never the last byte: after the rest, blanks (valid JSON whitespace), so the answer is always almost there.
				const timer = setInterval(() => write(res, index < body.length - 1 ? body[index++]! : ' '), options.dripEveryMs ?? 1000);
				timers.add(timer);
				write(res, body[index++]!);
				res.on('close', () => clearInterval(timer));
				return;
			}
			case 'endless-body': {
				res.writeHead(200, {'content-type': 'application/json'});
				write(res, '{"status":"success","data":{"resultType":"vector","result":[');
				const item = `${JSON.stringify({metric: {__name__: 'up', job: 'node', instance: 'x'.repeat(200)}, value: [1, '1']})},`.repeat(200);
				const limit = options.endlessBytes ?? 64 * 2 ** 20;
				let own = 0;
				const more = () => {
					own += item.length;
					return write(res, item);
				};
				const pump = () => {
					while (!res.destroyed && own < limit && more());
					if (res.destroyed) return;
					if (own < limit) res.once('drain', pump);
					else {
						sent += 4;
						res.end('1]}}');
					}
				};
				pump();
				return;
			}
			case 'impossible-memory':
				return json(res, 200, vector(hostSeries(query)));
			case 'unauthorized-401':
				return json(res, 401, JSON.stringify({message: 'invalid bearer token'}), {'www-authenticate': 'Bearer'});
			case 'rate-limited-429':
				if (options.limitedAnswers === undefined || refused < options.limitedAnswers) {
					refused++;
					return json(res, 429, JSON.stringify({status: 'error', errorType: 'too_many_requests', error: 'rate limit exceeded'}), {
						'retry-after': options.retryAfter ?? '7',
					});
				}
				return json(res, 200, vector(query === 'up' ? [{labels: {__name__: 'up', job: 'node', instance: 'a'}, value: 1}] : []));
			case 'escape-labels': {
				if (url.pathname.endsWith('/query_range')) {
					return json(res, 422, JSON.stringify({status: 'error', errorType: 'execution', error: `bad ${escapeAttack}`}));
				}
				const series = hostSeries(query).map(item => ({
					...item,
					labels: Object.fromEntries(Object.entries(item.labels).map(([key, value]) => [key, key === '__name__' || key in (options.hostLabels ?? {}) ? value : `${value}${escapeAttack}`])),
				}));
				// The host's exporter is down, so its (hostile) instance label is named in the reason.
				if (query === 'up') return json(res, 200, vector(series.map(item => ({...item, value: 0}))));
				return json(res, 200, vector(query.startsWith('{__name__') ? [] : series));
			}
			case 'garbage-json': {
				// One wrong shape per query: bad items among good ones, no data, not an object, a broken matrix.
				if (url.pathname.endsWith('/query_range')) {
					return json(res, 200, '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"ok"},"values":[null,[1,"2"],["a","b"]]},{"values":"no"},null]}}');
				}
				if (query === 'up') return json(res, 200, '{"status":"success","data":null}');
				if (query.includes('container_memory_working_set_bytes')) return json(res, 200, 'null');
				return json(
					res,
					200,
					'{"status":"success","data":{"resultType":"vector","result":[null,7,"x",{"metric":null,"value":null},{"metric":{"a":1},"value":[1]},{"metric":{"instance":"ok","n":5},"value":[1,"5"]}]}}',
				);
			}
		}
	};

	const server = createServer(handle);
	server.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		bytesSent: () => sent,
		close: () =>
			new Promise(resolve => {
				for (const timer of timers) clearInterval(timer);
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}
