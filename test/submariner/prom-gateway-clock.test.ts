// Issue 10.18 and 11.9: Submariner's update-timestamp is the gateway node's clock, so staleness is measured
// against the API server's Date header, not the local clock; `check` judges it when it lists, not when it
// prints; and WireGuard's "Rx=… Bytes, Tx=… Bytes" on a connected connection is not a warning.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {KubeConfig} from '@kubernetes/client-node';
import {fetchClusterOnce} from '../../source/kube/fetch-once.js';
import {LabStore} from '../../source/store/lab-store.js';
import {isConnectionDegraded} from '../../source/submariner/gateway.js';
import {forgetServerClocks} from '../../source/submariner/server-clock.js';

interface FakeApi {
	kc: KubeConfig;
	close(): Promise<void>;
}

/** A minimal API server on 127.0.0.1 whose clock is `offsetMs` from ours, serving one Gateway. */
async function fakeApiServer(offsetMs: number, gateway: {stampAgeMs: number; connections: object[]}): Promise<FakeApi> {
	const server = createServer((req, res) => {
		const serverNowMs = Date.now() + offsetMs;
		const send = (body: unknown) => {
			const text = JSON.stringify(body);
			res.writeHead(200, {'content-type': 'application/json', date: new Date(serverNowMs).toUTCString()}).end(text);
		};
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		if (path === '/readyz') return void res.writeHead(200, {date: new Date(serverNowMs).toUTCString()}).end('ok');
		if (path === '/api/v1/nodes' || path === '/api/v1/pods') return send({metadata: {resourceVersion: '1'}, items: []});
		if (path.endsWith('/gateways')) {
			return send({
				metadata: {resourceVersion: '1'},
				items: [
					{
						metadata: {name: 'm1-gw', namespace: 'submariner-operator', annotations: {'update-timestamp': String(Math.floor((serverNowMs - gateway.stampAgeMs) / 1000))}},
						status: {haStatus: 'active', statusFailure: '', localEndpoint: {cluster_id: 'm1'}, connections: gateway.connections},
					},
				],
			});
		}
		res.writeHead(404).end();
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const kc = new KubeConfig();
	kc.loadFromOptions({
		clusters: [{name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true}],
		users: [{name: 'u'}],
		contexts: [{name: 'x', cluster: 'c', user: 'u'}],
		currentContext: 'x',
	});
	return {kc, close: () => new Promise(resolve => {
		server.closeAllConnections();
		server.close(() => resolve());
	})};
}

// A health-checked connection, as Submariner writes one: the remote's health-check IP and the pinger's latencyRTT.
const connected = [
	{
		status: 'connected',
		statusMessage: '',
		endpoint: {cluster_id: 'm2', hostname: 'm2-gw', backend: 'libreswan', healthCheckIP: '10.245.1.1'},
		latencyRTT: {last: '612.804µs', min: '401.377µs', average: '688.52µs', max: '4.918233ms', stdDev: '255.09µs'},
	},
];

function gatewayVerdict(store: LabStore) {
	return store.snapshot().gateways.find(gateway => gateway.cluster === 'm1')?.verdict;
}

test("a gateway node whose clock is a minute behind ours: fresh by the API server's clock, not stale", async t => {
	forgetServerClocks();
	const api = await fakeApiServer(-60_000, {stampAgeMs: 2000, connections: connected});
	t.after(() => api.close());
	const store = new LabStore([{name: 'm1', context: 'x', host: 'm1'}]);
	await fetchClusterOnce(api.kc, {name: 'm1', submarinerNamespace: 'submariner-operator'}, store, 3000);
	assert.deepEqual(gatewayVerdict(store), {level: 'ok', reasons: []});
	const [gateway] = store.snapshot().clusters[0]!.gateways;
	const ageMs = Date.now() - gateway!.updatedMs!;
	assert.ok(ageMs > 0 && ageMs < 5000, `age on our clock ${ageMs} ms`);
});

test('a gateway that really stopped updating is still stale, whatever the clocks', async t => {
	forgetServerClocks();
	const api = await fakeApiServer(+90_000, {stampAgeMs: 40_000, connections: connected});
	t.after(() => api.close());
	const store = new LabStore([{name: 'm1', context: 'x', host: 'm1'}]);
	await fetchClusterOnce(api.kc, {name: 'm1', submarinerNamespace: 'submariner-operator'}, store, 3000);
	assert.equal(gatewayVerdict(store)?.level, 'crit');
	assert.match(gatewayVerdict(store)!.reasons[0]!, /^m1 gateway m1-gw not updated for (39|40|41)s$/);
});

test('check judges staleness when it lists, not seconds later when it prints', async t => {
	forgetServerClocks();
	const api = await fakeApiServer(0, {stampAgeMs: 10_000, connections: connected});
	t.after(() => api.close());
	let printedLaterMs = 0;
	const store = new LabStore([{name: 'm1', context: 'x', host: 'm1'}], {clock: () => Date.now() + printedLaterMs});
	await fetchClusterOnce(api.kc, {name: 'm1', submarinerNamespace: 'submariner-operator'}, store, 3000);
	// Prometheus and the partition check took 12 s more before the report was printed.
	printedLaterMs = 12_000;
	assert.deepEqual(gatewayVerdict(store), {level: 'ok', reasons: []});
});

test("WireGuard's traffic counters on a connected connection are not a warning (the health check is off: not health-checked); a pinger's message is", async t => {
	forgetServerClocks();
	const api = await fakeApiServer(0, {
		stampAgeMs: 1000,
		connections: [{status: 'connected', statusMessage: 'Rx=10638 Bytes, Tx=14852 Bytes', endpoint: {cluster_id: 'm2', hostname: 'm2-gw', backend: 'wireguard'}}],
	});
	t.after(() => api.close());
	const store = new LabStore([{name: 'm1', context: 'x', host: 'm1'}]);
	await fetchClusterOnce(api.kc, {name: 'm1', submarinerNamespace: 'submariner-operator'}, store, 3000);
	// The counters stay only while no pinger runs (no healthCheckIP, no latencyRTT): `connected` is WireGuard's own word.
	assert.deepEqual(gatewayVerdict(store), {level: 'unknown', reasons: ["m1→m2 connected, not health-checked (m2's endpoint has no health-check IP)"]});
	assert.equal(isConnectionDegraded({status: 'connected', statusMessage: 'Failed to successfully ping the remote endpoint IP "10.44.0.1"'}), true);
	assert.equal(isConnectionDegraded({status: 'connected', statusMessage: ''}), false);
	assert.equal(isConnectionDegraded({status: 'error', statusMessage: 'Rx=1 Bytes, Tx=2 Bytes'}), false, 'error is judged as error, not as degraded');
});
