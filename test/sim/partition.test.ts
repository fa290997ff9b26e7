// The network model: a partition between m1 (where labwatch runs) and m2 makes m2 hang (a timeout, not
// a refusal), silences open watches, turns both gateways' connections to `error` through their real
// HTTP health checks, and heals back to `connected` with the missed watch events delivered.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';
import {getJson, openWatch, probe, waitFor} from './helpers.js';

let sim: HomelabSim;

before(async () => {
	// Submariner's timing scaled down 10x: ping every 100 ms, error after 5 losses, sync every 300 ms.
	sim = await startHomelab({life: false, healthCheck: {pingIntervalMs: 100, pingTimeoutMs: 150, maxPacketLossCount: 5, syncIntervalMs: 300}});
});
after(() => sim.stop());

const cluster = (name: string) => sim.clusters.find(item => item.name === name)!;
const connection = (name: string) => {
	const handle = cluster(name);
	return (handle.model.get('gateways', handle.gateway.namespace, handle.gateway.name)!.status as any).connections[0];
};

describe('partition and heal', () => {
	it('starts connected both ways', async () => {
		await waitFor(() => connection('m1').status === 'connected' && connection('m1').latencyRTT?.average !== '0s', 5000, 'm1 connected with latency');
		await waitFor(() => connection('m2').status === 'connected' && connection('m2').latencyRTT?.average !== '0s', 5000, 'm2 connected with latency');
		assert.equal(connection('m1').endpoint.healthCheckIP, '10.245.1.1');
		assert.equal(connection('m2').endpoint.healthCheckIP, '10.244.1.1');
	});

	it('cuts on POST /_sim/partition: m2 hangs, m1 answers, watches go silent, gateways go to error', async () => {
		const m1 = cluster('m1');
		const m2 = cluster('m2');
		const watch = await openWatch(`${m2.url}/api/v1/pods?watch=true&resourceVersion=${m2.model.resourceVersion()}`);
		let late: Promise<Response> | undefined;
		try {
			const cut = await fetch(`${sim.controlUrl}/_sim/partition`, {method: 'POST'});
			assert.equal(cut.status, 200);
			assert.equal((await cut.json()).partitioned, true);
			assert.equal(sim.isPartitioned(), true);
			late = fetch(`${m2.url}/api/v1/namespaces/apps/pods`);

			const hung = await probe(`${m2.url}/api/v1/nodes`, 700);
			assert.equal(hung.outcome, 'timeout', `m2 must hang, got ${JSON.stringify(hung)}`);
			assert.equal((await probe(`${m1.url}/api/v1/nodes`, 2000)).status, 200);
			assert.equal((await probe(`${m1.url}/readyz`, 2000)).status, 200);

			// A change on m2 is not delivered while cut.
			const bytesBefore = watch.bytes();
			const frontend = m2.model.pods().find(pod => pod.labels.app === 'frontend')!;
			m2.model.update('pods', frontend.namespace, frontend.name, pod => {
				pod.metadata.annotations = {changed: 'during-partition'};
			});
			await new Promise(done => setTimeout(done, 500));
			assert.equal(watch.bytes(), bytesBefore);

			const started = Date.now();
			await waitFor(() => connection('m1').status === 'error', 5000, 'm1 gateway connection error');
			const error = connection('m1');
			assert.equal(error.statusMessage, 'Failed to successfully ping the remote endpoint IP "10.245.1.1"');
			assert.ok(Date.now() - started < 3000);
			await waitFor(() => connection('m2').status === 'error', 5000, 'm2 gateway connection error');
			// latencyRTT stays frozen through the outage while the object keeps being rewritten.
			const frozen = JSON.stringify(connection('m1').latencyRTT);
			const stamp = m1.model.get('gateways', m1.gateway.namespace, m1.gateway.name)!.metadata.resourceVersion;
			await waitFor(() => m1.model.get('gateways', m1.gateway.namespace, m1.gateway.name)!.metadata.resourceVersion !== stamp, 2000, 'another sync');
			assert.equal(JSON.stringify(connection('m1').latencyRTT), frozen);

			// The control endpoint is out of band: it answers on the cut side too.
			const state = await getJson(`${m2.url}/_sim/state`);
			assert.equal(state.body.partitioned, true);
			assert.ok(state.body.clusters.find((item: any) => item.name === 'm2').hungRequests >= 1);

			// Heal through the other cluster's control URL: the same shared network.
			const heal = await fetch(`${m2.url}/_sim/heal`, {method: 'POST'});
			assert.equal((await heal.json()).partitioned, false);
			const missed = await watch.next(3000);
			assert.equal(missed.type, 'MODIFIED');
			assert.equal(missed.object.metadata.annotations.changed, 'during-partition');
			// The request that hung through the cut is answered now.
			const answered = await late!;
			assert.equal(answered.status, 200);
			assert.equal((await answered.json()).kind, 'PodList');
			assert.equal((await probe(`${m2.url}/api/v1/nodes`, 2000)).status, 200);
			await waitFor(() => connection('m1').status === 'connected' && connection('m2').status === 'connected', 3000, 'both connected again');
			assert.equal(connection('m1').statusMessage, '');
		} finally {
			watch.close();
			if (sim.isPartitioned()) sim.heal();
		}
	});

	it('resumes an informer-style watch from its last version after a long cut', async () => {
		const m2 = cluster('m2');
		const rv = m2.model.resourceVersion();
		sim.partition();
		const backend = m2.model.pods().find(pod => pod.labels.app === 'backend')!;
		m2.model.update('pods', backend.namespace, backend.name, pod => {
			pod.metadata.annotations = {missed: 'yes'};
		});
		sim.heal();
		// A client that reconnects from its last version gets the missed event, no relist needed.
		const watch = await openWatch(`${m2.url}/api/v1/pods?watch=true&resourceVersion=${rv}`);
		try {
			const event = await watch.next(2000);
			assert.equal(event.type, 'MODIFIED');
			assert.equal(event.object.metadata.annotations.missed, 'yes');
		} finally {
			watch.close();
		}
	});

	it('accepts the connection while cut instead of refusing it', async () => {
		const m2 = cluster('m2');
		sim.partition();
		try {
			const {connect} = await import('node:net');
			const url = new URL(m2.url);
			const socket = connect(Number(url.port), url.hostname);
			await new Promise<void>((done, fail) => {
				socket.once('connect', () => done());
				socket.once('error', fail);
			});
			socket.write('GET /api/v1/pods HTTP/1.1\r\nHost: x\r\n\r\n');
			let received = 0;
			socket.on('data', chunk => (received += chunk.length));
			await new Promise(done => setTimeout(done, 400));
			assert.equal(received, 0);
			assert.equal(socket.destroyed, false);
			socket.destroy();
		} finally {
			sim.heal();
		}
	});

	it('works across processes: peers ping each other by URL, and a cut applied to one side shows on both', async () => {
		const fast = {pingIntervalMs: 100, pingTimeoutMs: 150, maxPacketLossCount: 3, syncIntervalMs: 200};
		const m2 = await startHomelab({only: ['m2'], life: false, healthCheck: fast, peer: 'http://127.0.0.1:9'});
		const m1 = await startHomelab({only: ['m1'], life: false, healthCheck: fast, peer: m2.controlUrl});
		try {
			// m2 was started first with a dead peer; point it at m1 the way a restart would.
			await m2.stop();
			const m2b = await startHomelab({only: ['m2'], life: false, healthCheck: fast, peer: m1.controlUrl, ports: {m2: Number(new URL(m2.controlUrl).port)}});
			try {
				const status = (sim: HomelabSim) => sim.clusters[0]!.connections()[0]!.status;
				await waitFor(() => status(m1) === 'connected' && status(m2b) === 'connected' && m1.clusters[0]!.connections()[0]!.consecutiveFailures === 0, 3000, 'both connected');
				assert.equal(m1.clusters[0]!.connections()[0]!.cluster, 'm2');
				// Only m1's process is told: its pings stop leaving, and it drops m2's pings.
				await fetch(`${m1.controlUrl}/_sim/partition`, {method: 'POST'});
				await waitFor(() => status(m1) === 'error' && status(m2b) === 'error', 3000, 'both sides in error');
				assert.equal(m2b.isPartitioned(), false);
				await fetch(`${m1.controlUrl}/_sim/heal`, {method: 'POST'});
				await waitFor(() => status(m1) === 'connected' && status(m2b) === 'connected', 3000, 'both connected again');
			} finally {
				await m2b.stop();
			}
		} finally {
			await m1.stop();
			await m2.stop();
		}
	});

	it('records the drill id and heals by itself after ttlMs', async () => {
		const cut = await fetch(`${sim.controlUrl}/_sim/partition`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({drillId: 'drill-7', host: 'm1', ttlMs: 300})});
		assert.equal(cut.status, 200);
		const state = (await cut.json()) as any;
		assert.equal(state.partitioned, true);
		assert.equal(state.drillId, 'drill-7');
		assert.deepEqual(state.clusters.map((item: any) => item.name), ['m1', 'm2']);
		await waitFor(() => !sim.isPartitioned(), 2000, 'the TTL heal');
		const after = (await getJson(`${sim.controlUrl}/_sim/state`)).body;
		assert.equal(after.partitioned, false);
		assert.equal(after.drillId, undefined);
		const bad = await fetch(`${sim.controlUrl}/_sim/partition`, {method: 'POST', body: 'not json'});
		assert.equal(bad.status, 400);
		assert.equal(sim.isPartitioned(), false);
	});
});
