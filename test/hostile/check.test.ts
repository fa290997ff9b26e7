// `check` against a hostile apiserver (issue 10 items 14–16): only a failed connection or probe is
// "unreachable"; a resource the server refuses is that resource's error, in text and JSON; a failing
// /readyz gives its first failed check; a 401 names the context's credentials.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {fetchClusterOnce} from '../../source/kube/fetch-once.js';
import {LabStore} from '../../source/store/lab-store.js';
import {checkJson, checkText} from '../../source/check-report.js';
import {startHostileApiserver, type HostileMode} from './hostile-apiserver.js';
import {kubeConfigFor, until, watchRig} from './rig.js';

async function checkOnce(mode: HostileMode) {
	const server = await startHostileApiserver(mode);
	try {
		const store = new LabStore([{name: 'm1', context: 'hostile', host: 'm1'}]);
		await fetchClusterOnce(kubeConfigFor(server), {name: 'm1', submarinerNamespace: 'submariner-operator'}, store, 5000, 1500);
		const snapshot = store.snapshot();
		return {snapshot, text: checkText(snapshot), json: checkJson(snapshot) as any};
	} finally {
		await server.close();
	}
}

test('10.14/10.15 check: gateways forbidden → m1 live, WARNING, gateways says forbidden (text and JSON)', async () => {
	const {text, json} = await checkOnce('forbidden-gateways');
	assert.match(text, /^m1 WARNING live, nodes 1\/1 Ready, pods 2 running/m);
	assert.match(text, /^ {2}m1 gateways: forbidden: gateways\.submariner\.io is forbidden: User "viewer" cannot list resource "gateways"/m);
	assert.doesNotMatch(text, /unreachable/);
	const cluster = json.clusters[0];
	assert.equal(cluster.reachable, true);
	assert.equal(cluster.connection.phase, 'live');
	assert.match(cluster.resources.gateways.error, /^forbidden: gateways\.submariner\.io is forbidden/);
	assert.equal(cluster.resources.pods.error, null);
	assert.equal(json.status, 'WARNING');
});

test('10.15 check: pods forbidden is an error of pods, not an unreachable cluster', async () => {
	const {snapshot, text} = await checkOnce('forbidden-pods');
	assert.equal(snapshot.clusters[0]!.connection.phase, 'live');
	assert.match(text, /^ {2}m1 pods: forbidden: pods is forbidden: User "system:serviceaccount:labwatch:viewer" cannot list resource "pods"/m);
	assert.equal(snapshot.verdict.level, 'warn');
});

test('10.16 check: a failing /readyz shows its first failed check', async () => {
	const {snapshot, text} = await checkOnce('readyz-500');
	assert.equal(snapshot.clusters[0]!.connection.phase, 'unreachable');
	assert.equal(snapshot.clusters[0]!.connection.reason, 'not ready: [-]etcd failed: reason withheld');
	assert.match(text, /^m1 CRITICAL unreachable: not ready: \[-\]etcd failed: reason withheld$/m);
});

test('10.16 / 11 a 401 says which context\'s credentials to check, never raw JSON', async () => {
	const {snapshot, text} = await checkOnce('unauthorized');
	assert.equal(snapshot.clusters[0]!.connection.reason, 'unauthorized: check the credentials of context hostile');
	assert.doesNotMatch(text, /[{}]/);
});

test('10.16 the TUI\'s probe says the same for a failing /readyz', async () => {
	const r = await watchRig('readyz-500');
	try {
		await until('reason', () => r.cluster().connection.reason === 'not ready: [-]etcd failed: reason withheld', 5000);
		assert.notEqual(r.cluster().connection.phase, 'live');
	} finally {
		await r.stop();
	}
});

test('a 401 on every list before /readyz answers is still the cluster\'s credentials, not three resource errors on a live cluster', async () => {
	// Seen against a real kube-apiserver with a client certificate from another CA: the lists' 401s can
	// arrive before the probe's, and check then called the cluster live with "unauthorized" resources.
	const {snapshot, json} = await checkOnce('unauthorized-slow-readyz');
	assert.equal(snapshot.clusters[0]!.connection.phase, 'unreachable');
	assert.equal(snapshot.clusters[0]!.connection.reason, 'unauthorized: check the credentials of context hostile');
	assert.equal(json.status, 'CRITICAL');
});

test('the TUI\'s watch never calls a cluster live whose lists are refused with 401 before /readyz answers', async () => {
	const r = await watchRig('unauthorized-slow-readyz');
	const phases: string[] = [];
	const unsubscribe = r.store.subscribe(() => {
		const {phase} = r.cluster().connection;
		if (phases.at(-1) !== phase) phases.push(phase);
	});
	try {
		await until('unreachable', () => r.cluster().connection.phase === 'unreachable', 5000);
		assert.equal(r.cluster().connection.reason, 'unauthorized: check the credentials of context hostile');
		assert.ok(!phases.includes('live'), `phases: ${phases.join(' → ')}`);
	} finally {
		unsubscribe();
		await r.stop();
	}
});

test('11 a 401 on a resource reads "unauthorized", not the Status JSON', async () => {
	const {statusError} = await import('../../source/kube/http.js');
	assert.equal(statusError(401, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"Unauthorized","code":401}').message, 'unauthorized');
	assert.equal(statusError(401, '{"kind":"Status","message":"Unauthorized","reason":"Unauthorized","code":401}').message, 'unauthorized');
	assert.equal(statusError(403, '{"kind":"Status","message":"nope \\u001b]2;PWNED\\u0007","code":403}').message, 'forbidden: nope');
	assert.equal(statusError(502, '<html>\n<body>Bad Gateway</body>').message, 'bad gateway: <html>');
});
