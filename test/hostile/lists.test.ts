// Issue 11 item 7 and issue 10 item 15: a list is bounded in pages, items and bytes, with a clear reason;
// an expired continue token (410 with a fresh token) lists again in one piece instead of failing.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {listAll} from '../../source/kube/list.js';
import {podsKind} from '../../source/kube/resources.js';
import {fetchClusterOnce} from '../../source/kube/fetch-once.js';
import {LabStore} from '../../source/store/lab-store.js';
import {startHostileApiserver} from './hostile-apiserver.js';
import {kubeConfigFor, rssMiB} from './rig.js';

test('11.7 endless continue tokens: the list stops after a bounded number of pages, with the reason', async () => {
	const server = await startHostileApiserver('endless-continue');
	try {
		// The signal bounds the test's duration should the list never stop.
		const error = await listAll(kubeConfigFor(server), podsKind, {signal: AbortSignal.timeout(15_000), timeoutMs: 15_000}).then(
			() => undefined,
			(caught: Error) => caught,
		);
		assert.match(error?.message ?? 'no error', /list stopped after 100 pages: the server keeps sending continue tokens/);
		assert.equal(server.count(/^\/api\/v1\/pods\?/), 100);
	} finally {
		await server.close();
	}
});

test('11.7 a list body that never ends is dropped at the page bound, and memory stays bounded', async () => {
	const server = await startHostileApiserver('endless-list-body');
	const rssBefore = rssMiB();
	let peak = rssBefore;
	const sampler = setInterval(() => (peak = Math.max(peak, rssMiB())), 20);
	try {
		const error = await listAll(kubeConfigFor(server), podsKind, {signal: AbortSignal.timeout(15_000), timeoutMs: 15_000}).then(
			() => undefined,
			(caught: Error) => caught,
		);
		assert.match(error?.message ?? 'no error', /list stopped: a page larger than 64 MiB/);
		assert.ok(peak - rssBefore < 400, `RSS grew ${Math.round(peak - rssBefore)} MiB`);
	} finally {
		clearInterval(sampler);
		await server.close();
	}
});

test('11.7 items and total bytes are bounded too', async () => {
	const server = await startHostileApiserver('endless-continue');
	try {
		const kc = kubeConfigFor(server);
		const tooMany = await listAll(kc, podsKind, {signal: AbortSignal.timeout(15_000), timeoutMs: 15_000, maxItems: 10}).catch((caught: Error) => caught);
		assert.match((tooMany as Error).message, /list stopped: more than 10 pods/);
		const tooBig = await listAll(kc, podsKind, {signal: AbortSignal.timeout(15_000), timeoutMs: 15_000, maxTotalBytes: 4096}).catch((caught: Error) => caught);
		assert.match((tooBig as Error).message, /list stopped: more than 4 KiB in all/);
	} finally {
		await server.close();
	}
});

test('10.15 an expired continue token (410 with a fresh token) lists again in one piece', async () => {
	const server = await startHostileApiserver('continue-expired-410');
	try {
		const {items} = await listAll(kubeConfigFor(server), podsKind, {signal: AbortSignal.timeout(10_000), timeoutMs: 10_000});
		assert.deepEqual(items.map(pod => pod.name), ['p-0', 'p-1', 'p-2', 'p-3']);
		assert.deepEqual(server.requests.filter(request => request.path === '/api/v1/pods').map(request => request.url), [
			'/api/v1/pods?limit=500',
			'/api/v1/pods?limit=500&continue=first-token',
			'/api/v1/pods',
		]);
	} finally {
		await server.close();
	}
});

test('10.15 check: a 410 on a paged list is not "unreachable"', async () => {
	const server = await startHostileApiserver('continue-expired-410');
	try {
		const store = new LabStore([{name: 'm1', context: 'hostile', host: 'm1'}]);
		await fetchClusterOnce(kubeConfigFor(server), {name: 'm1', submarinerNamespace: 'submariner-operator'}, store, 5000, 1500);
		const cluster = store.snapshot().clusters[0]!;
		assert.equal(cluster.connection.phase, 'live', cluster.connection.reason);
		assert.equal(cluster.podCounts.total, 4);
	} finally {
		await server.close();
	}
});

test('11.7 the live watch: an endless list is a reason for pods, the cluster stays live, and it backs off', async () => {
	const {watchRig, until, sleep} = await import('./rig.js');
	const r = await watchRig('endless-continue');
	try {
		await sleep(3000);
		// Each attempt is one bounded list (its first page has no continue token); back-off 0.5 s, 1 s, 2 s
		// (±20 %) allows at most four attempts in 3 s.
		const attempts = r.server.count(/^\/api\/v1\/pods\?limit=\d+$/);
		assert.ok(attempts >= 1 && attempts <= 4, `${attempts} list attempts in 3 s`);
		await until('pods reason', () => /keeps sending continue tokens/.test(r.cluster().resources?.pods.error ?? ''), 3000);
		assert.equal(r.cluster().connection.phase, 'live');
	} finally {
		await r.stop();
	}
});
