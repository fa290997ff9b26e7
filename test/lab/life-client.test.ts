// The life writer's HTTPS client (lab/life.ts ApiClient) against a small local TLS server that answers what
// a loaded apiserver answers: 429 with Retry-After, 5xx, 409, a refused connection. No lab needed.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {stringify} from 'yaml';
import {ApiClient} from '../../lab/life.js';
import {hasCommand, needs} from '../support/infra.js';

const directory = mkdtempSync(join(tmpdir(), 'labwatch-lifeclient-'));
after(() => rmSync(directory, {recursive: true, force: true}));

interface Seen {
	method: string;
	url: string;
	authorization?: string;
	atMs: number;
}

/** A TLS server whose answers the test scripts; it records every request. */
async function certificate(name: string): Promise<{key: string; cert: string}> {
	const key = join(directory, `${name}-key.pem`);
	const cert = join(directory, `${name}-cert.pem`);
	try {
		readFileSync(cert);
	} catch {
		await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
	}
	return {key, cert};
}

/** `pki` names the serving certificate (the same name, the same certificate: a restarted apiserver keeps its PKI). */
async function fakeServer(answer: (request: Seen, index: number) => {status: number; headers?: Record<string, string>; delayMs?: number}, port = 0, pki = 'server') {
	const {key, cert} = await certificate(pki);
	const seen: Seen[] = [];
	let inFlight = 0;
	let maxInFlight = 0;
	const server = https.createServer({key: readFileSync(key), cert: readFileSync(cert)}, (request, response) => {
		const entry: Seen = {method: request.method!, url: request.url!, authorization: request.headers.authorization, atMs: Date.now()};
		const reply = answer(entry, seen.length);
		seen.push(entry);
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		request.resume();
		setTimeout(() => {
			inFlight--;
			response.writeHead(reply.status, {'content-type': 'application/json', ...reply.headers}).end(JSON.stringify({kind: 'Status', code: reply.status, message: `answer ${reply.status}`}));
		}, reply.delayMs ?? 0);
	});
	server.listen(port, '127.0.0.1');
	await once(server, 'listening');
	const actualPort = (server.address() as AddressInfo).port;
	const kubeconfig = join(directory, `kubeconfig-${pki}-${actualPort}.yaml`);
	writeFileSync(kubeconfig, stringify({
		apiVersion: 'v1',
		kind: 'Config',
		clusters: [{name: 'fake', cluster: {server: `https://127.0.0.1:${actualPort}`, 'certificate-authority-data': readFileSync(cert).toString('base64')}}],
		users: [{name: 'fake', user: {token: 'sekret'}}],
		contexts: [{name: 'fake', context: {cluster: 'fake', user: 'fake'}}],
		'current-context': 'fake',
	}));
	return {seen, kubeconfig, port: actualPort, maxInFlight: () => maxInFlight, close: () => new Promise(resolve => server.close(resolve))};
}

test('429 with Retry-After and 5xx are retried (Retry-After honoured); 409 and 422 go back to the caller; the CA and token from the kubeconfig are used', {timeout: 30_000}, async t => {
	if (!needs(t, hasCommand('openssl'), 'needs openssl to make a serving certificate')) return;
	const script = [{status: 429, headers: {'retry-after': '1'}}, {status: 503}, {status: 500}, {status: 201}, {status: 409}, {status: 422}];
	const server = await fakeServer((_request, index) => script[index] ?? {status: 200});
	const api = ApiClient.open(server.kubeconfig, 'fake', 4);
	try {
		const created = await api.request('POST', '/api/v1/namespaces', {metadata: {name: 'x'}});
		assert.equal(created.status, 201);
		assert.equal(api.retries, 3);
		assert.ok(server.seen[1]!.atMs - server.seen[0]!.atMs >= 950, `retried ${server.seen[1]!.atMs - server.seen[0]!.atMs} ms after a Retry-After of 1 s`);
		assert.equal((await api.request('PUT', '/api/v1/namespaces/x', {})).status, 409);
		assert.equal((await api.request('PUT', '/api/v1/namespaces/x', {})).status, 422);
		assert.equal(api.retries, 3);
		assert.ok(server.seen.every(request => request.authorization === 'Bearer sekret'));
	} finally {
		api.close();
		await server.close();
	}
});

test('at most `concurrency` requests are in flight, however many are asked at once', {timeout: 30_000}, async t => {
	if (!needs(t, hasCommand('openssl'), 'needs openssl to make a serving certificate')) return;
	const server = await fakeServer(() => ({status: 200, delayMs: 30}));
	const api = ApiClient.open(server.kubeconfig, 'fake', 4);
	try {
		const answers = await Promise.all(Array.from({length: 40}, (_, index) => api.request('GET', `/api/v1/namespaces/n${index}`)));
		assert.ok(answers.every(answer => answer.status === 200));
		assert.equal(server.seen.length, 40);
		assert.equal(server.maxInFlight(), 4);
	} finally {
		api.close();
		await server.close();
	}
});

test('a refused connection (the apiserver restarting) is retried until it answers; close() ends the retries', {timeout: 30_000}, async t => {
	if (!needs(t, hasCommand('openssl'), 'needs openssl to make a serving certificate')) return;
	const first = await fakeServer(() => ({status: 200}));
	await first.close();
	const api = ApiClient.open(first.kubeconfig, 'fake', 4);
	const pending = api.request('GET', '/version');
	await new Promise(resolve => setTimeout(resolve, 700));
	const second = await fakeServer(() => ({status: 200}), first.port);
	try {
		assert.equal((await pending).status, 200);
		assert.ok(api.retries >= 1);
	} finally {
		await second.close();
	}
	const never = api.request('GET', '/version');
	api.close();
	await assert.rejects(never, /writer stopped/);
});

test('a server certificate the kubeconfig\'s CA did not sign fails at once, not retried', {timeout: 30_000}, async t => {
	if (!needs(t, hasCommand('openssl'), 'needs openssl to make a serving certificate')) return;
	const trusted = await fakeServer(() => ({status: 200}));
	await trusted.close();
	const impostor = await fakeServer(() => ({status: 200}), trusted.port, 'impostor');
	const api = ApiClient.open(trusted.kubeconfig, 'fake', 4);
	try {
		await assert.rejects(api.request('GET', '/version'), /^LifeError: https:\/\/127\.0\.0\.1:\d+: TLS: /);
		assert.equal(api.retries, 0);
		assert.equal(impostor.seen.length, 0);
	} finally {
		api.close();
		await impostor.close();
	}
});
