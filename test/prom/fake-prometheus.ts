// A stand-in Prometheus HTTP API on 127.0.0.1 for poller tests: the test decides every answer.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

export interface FakePrometheus {
	url: string;
	requests: Array<{path: string; query: string; headers: IncomingMessage['headers']}>;
	close(): Promise<void>;
}

export type FakeHandler = (path: string, params: URLSearchParams, req: IncomingMessage, res: ServerResponse) => void;

export function vectorAnswer(samples: Array<{labels: Record<string, string>; value: number}>, atS = 1000): string {
	return JSON.stringify({
		status: 'success',
		data: {resultType: 'vector', result: samples.map(sample => ({metric: sample.labels, value: [atS, String(sample.value)]}))},
	});
}

export async function startFakePrometheus(handler: FakeHandler): Promise<FakePrometheus> {
	const requests: FakePrometheus['requests'] = [];
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const params = new URLSearchParams(url.search);
		requests.push({path: url.pathname, query: params.get('query') ?? '', headers: req.headers});
		handler(url.pathname, params, req, res);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: () =>
			new Promise(resolve => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
