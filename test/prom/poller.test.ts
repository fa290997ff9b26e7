import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createServer} from 'node:net';
import type {AddressInfo} from 'node:net';
import {prometheusSchema} from '../../source/config/schema.js';
import {queries} from '../../source/prom/catalogue.js';
import {PromPoller} from '../../source/prom/poller.js';
import type {PromData} from '../../source/prom/types.js';
import {startFakePrometheus, vectorAnswer} from './fake-prometheus.js';

/** The poller as configured, with intervals shorter than a config file may give (tests only). */
function promConfig(fields: Record<string, unknown> & {intervalMs?: number; timeoutMs?: number}) {
	const {intervalMs = 50, timeoutMs = 300, ...rest} = fields;
	return {...prometheusSchema.parse(rest), interval: intervalMs, timeout: timeoutMs};
}

async function freeClosedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

test('sends the catalogue with basic auth, at the poll time, and reads vectors', async t => {
	const fake = await startFakePrometheus((path, params, _req, res) => {
		res.setHeader('content-type', 'application/json');
		if (path === '/api/v1/query_range') {
			res.end(JSON.stringify({status: 'success', data: {resultType: 'matrix', result: [{metric: {instance: 'a'}, values: [[990, '5'], [1000, '6']]}]}}));
		} else if (params.get('query') === 'up') {
			res.end(vectorAnswer([{labels: {__name__: 'up', job: 'node', instance: 'a'}, value: 1}]));
		} else res.end(vectorAnswer([]));
	});
	t.after(() => fake.close());
	const poller = new PromPoller({config: promConfig({url: fake.url, basicAuth: {username: 'u', password: 'p'}}), onData: () => {}, now: () => 1_000_000});
	const data = await poller.pollOnce();
	assert.equal(data.reachable, true);
	assert.deepEqual(data.up, [{labels: {__name__: 'up', job: 'node', instance: 'a'}, value: 1}]);
	assert.deepEqual(data.usedHistory, [{labels: {instance: 'a'}, points: [{atMs: 990_000, value: 5}, {atMs: 1_000_000, value: 6}]}]);
	assert.deepEqual(
		fake.requests.filter(request => request.path === '/api/v1/query').map(request => request.query).sort(),
		[queries.hostMemory.promql, queries.workingSets.promql, queries.up.promql].sort(),
	);
	for (const request of fake.requests) assert.equal(request.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
	// The next poll within the same history step does not repeat the range query.
	await poller.pollOnce();
	assert.equal(fake.requests.filter(request => request.path === '/api/v1/query_range').length, 1);
});

test('bearer token header', async t => {
	const fake = await startFakePrometheus((_path, _params, _req, res) => res.end(vectorAnswer([])));
	t.after(() => fake.close());
	await new PromPoller({config: promConfig({url: fake.url, bearerToken: 's3cret'}), onData: () => {}}).pollOnce();
	assert.ok(fake.requests.length > 0);
	for (const request of fake.requests) assert.equal(request.headers.authorization, 'Bearer s3cret');
});

test('polls never overlap, and stop() leaves nothing running', async t => {
	let active = 0;
	let maxActive = 0;
	const fake = await startFakePrometheus((_path, params, _req, res) => {
		const isUp = params.get('query') === 'up';
		if (isUp) maxActive = Math.max(maxActive, ++active);
		setTimeout(() => {
			if (isUp) active -= 1;
			res.end(vectorAnswer([]));
		}, 120);
	});
	t.after(() => fake.close());
	const results: PromData[] = [];
	const poller = new PromPoller({config: promConfig({url: fake.url, intervalMs: 20}), onData: data => results.push(data)});
	poller.start();
	await new Promise(resolve => setTimeout(resolve, 700));
	poller.stop();
	const count = results.length;
	assert.ok(count >= 3, `expected several polls, got ${count}`);
	assert.equal(maxActive, 1);
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.equal(results.length, count, 'no answer is delivered after stop()');
});

test('down: connection refused, timeout, HTTP 503 from a proxy', async t => {
	const closedPort = await freeClosedPort();
	const refused = await new PromPoller({config: promConfig({url: `http://127.0.0.1:${closedPort}`}), onData: () => {}}).pollOnce();
	assert.deepEqual([refused.reachable, refused.error], [false, 'connection refused']);

	const silent = await startFakePrometheus(() => {});
	t.after(() => silent.close());
	const timedOut = await new PromPoller({config: promConfig({url: silent.url, timeoutMs: 200}), onData: () => {}}).pollOnce();
	assert.deepEqual([timedOut.reachable, timedOut.error], [false, 'timeout after 0.2s']);

	const proxy = await startFakePrometheus((_path, _params, _req, res) => {
		res.writeHead(503, {'content-type': 'text/html'});
		res.end('<html><body>upstream unavailable</body></html>');
	});
	t.after(() => proxy.close());
	const unavailable = await new PromPoller({config: promConfig({url: proxy.url}), onData: () => {}}).pollOnce();
	assert.deepEqual([unavailable.reachable, unavailable.error], [false, 'HTTP 503: upstream unavailable']);
});

test('one failing query is partial, not down', async t => {
	const fake = await startFakePrometheus((_path, params, _req, res) => {
		if (params.get('query') === queries.workingSets.promql) {
			res.writeHead(422, {'content-type': 'application/json'});
			res.end(JSON.stringify({status: 'error', errorType: 'execution', error: 'query processing would load too many samples'}));
		} else res.end(vectorAnswer([]));
	});
	t.after(() => fake.close());
	const data = await new PromPoller({config: promConfig({url: fake.url}), onData: () => {}}).pollOnce();
	assert.equal(data.reachable, true);
	assert.deepEqual(data.queryErrors, {workingSets: 'HTTP 422: execution: query processing would load too many samples'});
});
