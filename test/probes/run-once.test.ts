// The probe runner against real servers on 127.0.0.1: each way a target can answer, or not.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type {AddressInfo} from 'node:net';
import {runProbeOnce, maxProbeBodyBytes, probeErrorWords} from '../../source/probes/run-once.js';
import {probeTargetSchema} from '../../source/config/schema.js';

const servers: Array<http.Server | net.Server> = [];
after(() => {
	for (const server of servers) {
		(server as http.Server).closeAllConnections?.();
		server.close();
	}
});

async function listen<T extends http.Server | net.Server>(server: T): Promise<number> {
	servers.push(server);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

const probe = (fields: Record<string, unknown>) => probeTargetSchema.parse({name: 'p', ...fields});

test('HTTP 200: ok, with its latency and status', async () => {
	const port = await listen(http.createServer((_req, res) => res.end('ok')));
	const result = await runProbeOnce(probe({http: `http://127.0.0.1:${port}/readyz`}));
	assert.equal(result.ok, true);
	assert.equal(result.status, 200);
	assert.equal(typeof result.latencyMs, 'number');
	assert.equal(result.error, undefined);
});

test('HTTP 500: failed, "HTTP 500"', async () => {
	const port = await listen(http.createServer((_req, res) => res.writeHead(500).end('boom')));
	const result = await runProbeOnce(probe({http: `http://127.0.0.1:${port}/`}));
	assert.equal(result.ok, false);
	assert.equal(result.status, 500);
	assert.equal(result.error, 'HTTP 500');
});

test('refused: failed, "connection refused" (HTTP and TCP)', async () => {
	const port = await closedPort();
	const viaHttp = await runProbeOnce(probe({http: `http://127.0.0.1:${port}/`}));
	const viaTcp = await runProbeOnce(probe({tcp: `127.0.0.1:${port}`}));
	assert.deepEqual([viaHttp.ok, viaHttp.error], [false, 'connection refused']);
	assert.deepEqual([viaTcp.ok, viaTcp.error], [false, 'connection refused']);
});

test('TCP connect: ok when something listens', async () => {
	const port = await listen(net.createServer(socket => socket.end()));
	const result = await runProbeOnce(probe({tcp: `127.0.0.1:${port}`}));
	assert.equal(result.ok, true);
	assert.equal(typeof result.latencyMs, 'number');
});

test('timeout: a server that never answers fails with "timeout after 200ms", and the connection is closed', async () => {
	let closed!: () => void;
	const socketClosed = new Promise<void>(resolve => (closed = resolve));
	const port = await listen(http.createServer((req, _res) => req.socket.on('close', () => closed())));
	const result = await runProbeOnce(probe({http: `http://127.0.0.1:${port}/`, timeout: '200ms'}));
	assert.deepEqual([result.ok, result.error], [false, 'timeout after 200ms']);
	await socketClosed;
});

test('slow body: headers at once, the body never finishes: a timeout "reading the body"', async () => {
	const port = await listen(
		http.createServer((_req, res) => {
			res.writeHead(200, {'content-type': 'text/plain'});
			res.write('partial');
		}),
	);
	const result = await runProbeOnce(probe({http: `http://127.0.0.1:${port}/`, timeout: '200ms'}));
	assert.equal(result.ok, false);
	assert.equal(result.status, 200);
	assert.equal(result.error, 'timeout after 200ms reading the body');
});

test('endless body: reading stops at the bound, the answer counts, the connection is closed', async () => {
	let sent = 0;
	let closed!: () => void;
	const socketClosed = new Promise<void>(resolve => (closed = resolve));
	const port = await listen(
		http.createServer((req, res) => {
			res.writeHead(200);
			const chunk = Buffer.alloc(16 * 1024, 'x');
			const pump = () => {
				while (!res.destroyed && res.write(chunk)) sent += chunk.length;
			};
			res.on('drain', pump);
			req.socket.on('close', () => closed());
			pump();
		}),
	);
	// A long timeout: the bound on the body, not the clock, must end this run.
	const result = await runProbeOnce(probe({http: `http://127.0.0.1:${port}/`, timeout: '60s'}));
	assert.equal(result.ok, true);
	assert.equal(result.status, 200);
	await socketClosed;
	assert.ok(sent >= maxProbeBodyBytes, 'the server sent at least the bound before the probe let go');
});

test('error words: codes a person reads, the rest one safe line', () => {
	const coded = (code: string, message = code) => Object.assign(new Error(message), {code});
	assert.equal(probeErrorWords(coded('ENOTFOUND')), 'name not found');
	assert.equal(probeErrorWords(coded('EHOSTUNREACH')), 'host unreachable');
	assert.equal(probeErrorWords(coded('ECONNRESET')), 'connection reset');
	assert.equal(probeErrorWords(coded('ERR_TLS_CERT_ALTNAME_INVALID', 'Hostname/IP does not match \u001b[31mred\nsecond line')), 'ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match red');
});
