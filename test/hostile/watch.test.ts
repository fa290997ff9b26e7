// Live watches against a hostile apiserver (issue 11 items 1–4, issue 10 item 14): every exit path of a
// watch closes its response, failing or instantly ending watches back off, a resource answered with an
// error fails on its own, and the probe never undoes the back-off.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {fdsSettle, openFds, rssMiB, sleep, until, watchRig} from './rig.js';

const podWatches = /^\/api\/v1\/pods\?.*watch=true/;
const podRequests = /^\/api\/v1\/pods\?/;
const podsError = (cluster: ReturnType<Awaited<ReturnType<typeof watchRig>>['cluster']>) => cluster.resources?.pods?.error ?? '';

test('11.1 a watch line without a newline is dropped at 16 MiB with a reason and re-watched with back-off; RSS stays bounded', async () => {
	const rssBefore = rssMiB();
	const r = await watchRig('endless-line');
	try {
		await until('the pods reason', () => /line longer than 16 MiB/.test(podsError(r.cluster())), 8000);
		await sleep(3000);
		const watches = r.server.count(podWatches);
		assert.ok(watches >= 1 && watches <= 5, `${watches} pod watches`);
		assert.ok(rssMiB() - rssBefore < 250, `RSS grew ${Math.round(rssMiB() - rssBefore)} MiB`);
		assert.notEqual(r.store.snapshot().verdict.level, 'ok');
	} finally {
		await r.stop();
	}
});

for (const mode of ['error-event-open', 'null-line'] as const) {
	test(`11.2 ${mode}: the watch's response is closed on every exit path; requests and fds stay bounded`, async () => {
		const fdsBefore = openFds();
		const r = await watchRig(mode);
		try {
			await until('live', () => r.cluster().connection.phase === 'live');
			await sleep(3000);
			const watches = r.server.count(podWatches);
			assert.ok(watches <= 6, `${watches} pod watches in 3 s`);
			// probe (kept alive) + one watch per resource, and perhaps one closing
			assert.ok(r.server.openSockets <= 6, `${r.server.openSockets} sockets open at the server`);
			assert.ok(openFds() - fdsBefore <= 16, `${openFds() - fdsBefore} more fds`);
		} finally {
			await r.stop();
		}
		const fdsAfter = await fdsSettle(fdsBefore);
		assert.ok(fdsAfter <= fdsBefore + 3, `fds ${fdsBefore} → ${fdsAfter}`);
	});
}

test('11.2 an in-stream ERROR 500 is a reason for pods, and the stream it came on is closed', async () => {
	const r = await watchRig('error-event-open');
	try {
		await until('pods reason', () => /etcd is unhappy/.test(podsError(r.cluster())));
		assert.equal(r.cluster().connection.phase, 'live');
	} finally {
		await r.stop();
	}
});

for (const mode of ['watch-410-always', 'error-410-then-close', 'empty-200'] as const) {
	test(`11.3 ${mode}: a watch that fails or ends at once backs off, and the cluster says so`, async () => {
		const r = await watchRig(mode);
		try {
			await sleep(3000);
			// list + watch, then back-off 0.5 s, 1 s, 2 s: a handful, not thousands
			const inThreeSeconds = r.server.count(podRequests);
			assert.ok(inThreeSeconds <= 10, `${inThreeSeconds} pod requests in 3 s`);
			const snapshot = r.store.snapshot();
			assert.notEqual(snapshot.verdict.level, 'ok', 'not "OK live"');
			assert.match(snapshot.verdict.reasons.join('; '), /m1 pods: /);
		} finally {
			await r.stop();
		}
	});
}

test('11.4 / 10.14 a 403 on pods after going live: the cluster stays live, pods says forbidden, the probe does not reopen it, the age holds', async () => {
	const r = await watchRig('healthy');
	try {
		await until('live and synced', () => r.cluster().connection.phase === 'live' && r.cluster().podCounts.total === 2);
		const startCount = r.server.count(podRequests);
		r.server.mode = 'forbidden-pods';
		r.server.dropWatches();
		await sleep(1500);
		const since = r.cluster().resources?.pods.errorSinceMs;
		await sleep(2000);
		const requests = r.server.count(podRequests) - startCount;
		// back-off 0.5 s, 1 s, 2 s… and a probe every 0.2 s that must not reset it
		assert.ok(requests <= 5, `${requests} pod requests in 3.5 s`);
		assert.match(podsError(r.cluster()), /^forbidden: pods is forbidden: User/);
		assert.ok(since !== undefined);
		assert.equal(r.cluster().connection.phase, 'live');
		assert.equal(r.cluster().resources?.pods.errorSinceMs, since, 'the outage keeps its start');
		assert.equal(r.cluster().podCounts.total, 2, 'the last known pods stay');
		assert.equal(r.store.snapshot().verdict.level, 'warn');
	} finally {
		await r.stop();
	}
});

test('10.14 gateways forbidden from the start: the cluster goes live, gateways alone says forbidden', async () => {
	const r = await watchRig('forbidden-gateways');
	try {
		await until('live', () => r.cluster().connection.phase === 'live', 5000);
		assert.match(r.cluster().resources?.gateways.error ?? '', /^forbidden: gateways\.submariner\.io is forbidden: User "viewer" cannot (list|watch)/);
		assert.equal(r.cluster().podCounts.total, 2);
		const snapshot = r.store.snapshot();
		assert.equal(snapshot.verdict.level, 'warn');
		assert.match(snapshot.verdict.reasons.join('; '), /m1 gateways: forbidden: /);
	} finally {
		await r.stop();
	}
});

test('Retry-After on a 429 is honoured before asking again', async () => {
	const r = await watchRig('retry-after-429');
	try {
		await sleep(2500);
		assert.equal(r.server.count(podRequests), 1, 'one pods request inside the 3 s Retry-After');
		assert.equal(podsError(r.cluster()), 'too many requests, please try again later');
	} finally {
		await r.stop();
	}
});
