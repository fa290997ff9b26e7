// labwatch against a Prometheus that misbehaves on purpose (hostile-prometheus.ts): each mode is a way a
// server or a proxy in front of it once hurt labwatch (issue 11 items 8, 9 and "also seen").
import {test, mock} from 'node:test';
import assert from 'node:assert/strict';
import {prometheusSchema} from '../../source/config/schema.js';
import {PromPoller} from '../../source/prom/poller.js';
import type {PromData} from '../../source/prom/types.js';
import {BudgetSource} from '../../source/budget/source.js';
import {GiB, MiB, cluster, pod, testConfig} from '../budget/fixtures.js';
import {startHostilePrometheus} from './hostile-prometheus.js';

/** The poller as configured, with a timeout shorter than a config file may give (tests only). */
function promConfig(url: string, fields: Record<string, unknown> & {intervalMs?: number; timeoutMs?: number} = {}) {
	const {intervalMs = 1000, timeoutMs = 300, ...rest} = fields;
	return {...prometheusSchema.parse({url, ...rest}), interval: intervalMs, timeout: timeoutMs};
}

test('drip: a body sent one byte at a time is cut off at prometheus.timeout, headers and body together', async t => {
	const hostile = await startHostilePrometheus('drip', {dripEveryMs: 50});
	t.after(() => hostile.close());
	// Before the fix the timeout only bounded an idle socket: a byte every 50 ms kept the poll pending forever.
	const data = await new PromPoller({config: promConfig(hostile.url), onData: () => {}}).pollOnce();
	assert.equal(data.reachable, false);
	assert.equal(data.error, 'timeout after 0.3s');
});

test('endless-body: an answer past the size cap is dropped with a reason, not read to the end', async t => {
	// Before the fix the whole 48 MiB (or, unbounded, gigabytes) were read and parsed.
	const hostile = await startHostilePrometheus('endless-body', {endlessBytes: 48 * MiB});
	t.after(() => hostile.close());
	const data = await new PromPoller({config: promConfig(hostile.url, {timeoutMs: 60_000}), onData: () => {}}).pollOnce();
	assert.equal(data.reachable, false);
	assert.equal(data.error, 'answer larger than 16 MiB: dropped');
});

test('impossible-memory: MemAvailable above MemTotal is rejected with a reason and working sets are used', async t => {
	const hostile = await startHostilePrometheus('impossible-memory', {
		memory: {MemTotal_bytes: 8 * GiB, MemAvailable_bytes: 56 * GiB},
		hostLabels: {host: 'm2'},
		workingSets: [{labels: {namespace: 'apps', pod: 'backend-1', job: 'm2'}, value: 700 * MiB}],
	});
	t.after(() => hostile.close());
	const config = testConfig({
		prometheus: {url: hostile.url, timeout: '2s'},
		hosts: {
			m1: {memory: '16GiB', address: '127.0.0.11'},
			m2: {memory: '8GiB', address: '127.0.0.12', nodeExporter: {label: 'host', value: 'm2'}},
		},
	});
	const source = new BudgetSource({config, clusters: () => [cluster('m2', 'm2', [pod('apps', 'backend-1', {memoryRequestBytes: GiB})])], onChange: () => {}});
	const update = await source.pollNow();
	source.stop();
	const m2 = update.hosts.find(host => host.host === 'm2')!;
	assert.equal(m2.actualSource, 'working-set');
	assert.equal(m2.actualBytes, 700 * MiB);
	assert.match(m2.sourceNote ?? '', /^impossible reading from instance 127\.0\.0\.1:9100: -48 GiB used of 8 GiB$/);
});

test('impossible-memory: NaN, infinite or negative totals fall through to requests when nothing else is known', async t => {
	for (const memory of [
		{MemTotal_bytes: Number.NaN, MemAvailable_bytes: GiB},
		{MemTotal_bytes: Number.POSITIVE_INFINITY, MemAvailable_bytes: GiB},
		{MemTotal_bytes: -8 * GiB, MemAvailable_bytes: -9 * GiB},
	]) {
		const hostile = await startHostilePrometheus('impossible-memory', {memory, hostLabels: {host: 'm2'}});
		t.after(() => hostile.close());
		const config = testConfig({
			prometheus: {url: hostile.url, timeout: '2s'},
			hosts: {m1: {memory: '16GiB', address: '127.0.0.11'}, m2: {memory: '8GiB', address: '127.0.0.12', nodeExporter: {label: 'host', value: 'm2'}}},
		});
		const source = new BudgetSource({config, clusters: () => [cluster('m2', 'm2', [pod('apps', 'backend-1', {memoryRequestBytes: GiB})])], onChange: () => {}});
		const m2 = (await source.pollNow()).hosts.find(host => host.host === 'm2')!;
		source.stop();
		assert.equal(m2.actualSource, 'requests', JSON.stringify(memory));
		assert.equal(m2.actualBytes, GiB);
		assert.match(m2.sourceNote ?? '', /^impossible reading from instance 127\.0\.0\.1:9100: node_memory_MemTotal_bytes is (NaN|Infinity|-\d+)/);
	}
});

test("unauthorized-401: the server's own message, the word unauthorized and where to look", async t => {
	const hostile = await startHostilePrometheus('unauthorized-401');
	t.after(() => hostile.close());
	const data = await new PromPoller({config: promConfig(hostile.url, {bearerToken: 'wrong'}), onData: () => {}}).pollOnce();
	assert.equal(data.reachable, false);
	assert.equal(data.error, 'HTTP 401: unauthorized: invalid bearer token (check prometheus.basicAuth / bearerToken)');
});

test('rate-limited-429: Retry-After is said and honoured: no poll before it has passed', async t => {
	const hostile = await startHostilePrometheus('rate-limited-429', {limitedAnswers: 4, retryAfter: '7'});
	t.after(() => hostile.close());
	mock.timers.enable({apis: ['setTimeout']});
	t.after(() => mock.timers.reset());
	const results: PromData[] = [];
	const poller = new PromPoller({config: promConfig(hostile.url, {intervalMs: 1000, timeoutMs: 2000}), onData: data => results.push(data)});
	t.after(() => poller.stop());
	const until = async (done: () => boolean) => {
		while (!done()) await new Promise(resolve => setImmediate(resolve));
	};
	poller.start();
	mock.timers.tick(0);
	await until(() => results.length === 1);
	assert.equal(results[0]!.error, 'HTTP 429: too many requests: too_many_requests: rate limit exceeded (retry after 7s)');
	assert.equal(results[0]!.retryAfterMs, 7000);
	const asked = hostile.requests.length;
	// The interval (1 s) has long passed; the server asked for 7.
	mock.timers.tick(6990);
	for (let turn = 0; turn < 20; turn++) await new Promise(resolve => setImmediate(resolve));
	assert.equal(hostile.requests.length, asked, 'no request before Retry-After');
	mock.timers.tick(10);
	await until(() => results.length === 2);
	assert.equal(results[1]!.reachable, true);
});

test('escape-labels: label values and error messages arrive as sent (made safe only on the way to a screen)', async t => {
	const hostile = await startHostilePrometheus('escape-labels', {hostLabels: {host: 'm2'}});
	t.after(() => hostile.close());
	const data = await new PromPoller({config: promConfig(hostile.url), onData: () => {}}).pollOnce();
	assert.equal(data.reachable, true);
	assert.match(data.up[0]!.labels.instance!, /\u001b\]0;PWNED/);
	assert.match(data.queryErrors.hostUsedBytes!, /^HTTP 422: execution: bad /);
});

test('garbage-json: every wrong shape is skipped or named, never a crash', async t => {
	const hostile = await startHostilePrometheus('garbage-json');
	t.after(() => hostile.close());
	const data = await new PromPoller({config: promConfig(hostile.url), onData: () => {}, now: () => 1_000_000}).pollOnce();
	assert.equal(data.reachable, true);
	assert.deepEqual(data.hostMemory, [{labels: {instance: 'ok'}, value: 5}]);
	assert.deepEqual(data.queryErrors, {
		workingSets: 'not a Prometheus API answer (is prometheus.url right?)',
		up: 'not a Prometheus API answer (is prometheus.url right?)',
	});
	assert.deepEqual(data.usedHistory, [{labels: {instance: 'ok'}, points: [{atMs: 1000, value: 2}]}]);
});

test('an error answer in JSON of another shape is the status and its word, never raw JSON', async t => {
	const {startFakePrometheus} = await import('../prom/fake-prometheus.js');
	const fake = await startFakePrometheus((_path, _params, _req, res) => {
		res.writeHead(401, {'content-type': 'application/json'});
		res.end(JSON.stringify({code: 16, details: [{reason: 'x'.repeat(300)}]}));
	});
	t.after(() => fake.close());
	const data = await new PromPoller({config: promConfig(fake.url), onData: () => {}}).pollOnce();
	assert.equal(data.error, 'HTTP 401: unauthorized (check prometheus.basicAuth / bearerToken)');
});
