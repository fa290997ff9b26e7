// Probes `from:` a cluster against the lab's real kube-apiserver and the real kubectl. The lab runs no
// kubelet and no scheduler, so no check can run inside it: what is tested is that every such probe fails
// with the reason in words (as its error, never a crash), and that a probe pod is not left behind.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execa} from 'execa';
import {ensureLabBinary} from '../../lab/build.js';
import {startRealCluster} from '../../lab/cluster.js';
import {probeTargetSchema} from '../../source/config/schema.js';
import {ProbeRunner} from '../../source/probes/runner.js';
import {kubectlTargets} from '../../source/probes/from-cluster.js';
import {probeWords} from '../../source/probes/words.js';
import {hasCommand, needs} from '../support/infra.js';
import {labAvailable, labReason} from '../lab/support.js';

test('kubectl exec and kubectl run against a real apiserver without kubelets: each probe says why it cannot run', {timeout: 10 * 60_000}, async t => {
	if (!needs(t, await labAvailable(), labReason)) return;
	if (!needs(t, hasCommand('kubectl'), 'needs kubectl')) return;
	const cluster = await startRealCluster({name: 'probes', binary: await ensureLabBinary(), submariner: false, t});
	const kubectl = (args: string[], input?: string) =>
		execa('kubectl', ['--kubeconfig', cluster.kubeconfigPath, '--context', cluster.context, ...args], {reject: false, ...(input ? {input} : {})});
	await kubectl(['create', 'namespace', 'data']);
	// The controller manager makes the namespace's default ServiceAccount, which a pod needs.
	for (let attempt = 0; attempt < 100 && (await kubectl(['get', 'serviceaccount', 'default', '-n', 'data'])).exitCode !== 0; attempt++) await new Promise(resolve => setTimeout(resolve, 200));
	const create = async (object: object) => {
		const result = await kubectl(['create', '-f', '-'], JSON.stringify(object));
		assert.equal(result.exitCode, 0, result.stderr);
	};
	// A node object with no kubelet behind it, a pod bound to it, and a pod no scheduler ever placed.
	await create({apiVersion: 'v1', kind: 'Node', metadata: {name: 'm2-worker'}});
	await create({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'toolbox', namespace: 'data'}, spec: {nodeName: 'm2-worker', containers: [{name: 'main', image: 'busybox:1.36'}]}});
	await create({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'unplaced', namespace: 'data'}, spec: {containers: [{name: 'main', image: 'busybox:1.36'}]}});

	const config = {kubeconfig: cluster.kubeconfigPath, clusters: {m2: {context: cluster.context}}};
	const exec = (fields: Record<string, unknown>) => ({via: 'exec', cluster: 'm2', namespace: 'data', pod: 'toolbox', ...fields});
	const probes = [
		{name: 'bound', from: exec({})},
		{name: 'unplaced', from: exec({pod: 'unplaced'})},
		{name: 'missing', from: exec({pod: 'postgres-0'})},
		{name: 'container', from: exec({container: 'sidecar'})},
		{name: 'pod', from: {via: 'pod', cluster: 'm2', namespace: 'data', image: 'busybox:1.36', startTimeout: '2s'}},
	].map(fields => probeTargetSchema.parse({http: 'http://10.43.0.10:8080/healthz', timeout: '1s', interval: '30s', ...fields}));
	const runner = new ProbeRunner({probes, kubectl: kubectlTargets(config), onChange: () => undefined});
	const statuses = await runner.runAllOnce();
	const errors = Object.fromEntries(statuses.map(status => [status.name, status.last?.error]));
	assert.deepEqual(errors, {
		bound: 'exec: no kubelet answers for data/toolbox (no preferred addresses found; known addresses: [])',
		unplaced: 'exec: pod data/unplaced is on no node (not scheduled: no kubelet runs it)',
		missing: 'pod data/postgres-0 not found',
		container: 'container sidecar not found in data/toolbox',
		pod: errors.pod, // checked below: it names the generated pod
	});
	assert.match(errors.pod!, /^pod data\/labwatch-probe-pod-[0-9a-f]{6} not started: no node took it \(no scheduler or kubelet answers\)$/);
	assert.ok(statuses.every(status => status.last?.ok === false && status.from !== undefined));
	assert.equal(probeWords(statuses[0]!), 'WARNING exec: no kubelet answers for data/toolbox (no preferred addresses found; known addresses: [])');
	// The probe pod is gone (deleted without waiting: at most terminating, never left running or pending).
	let left = '';
	for (let attempt = 0; attempt < 50; attempt++) {
		left = (await kubectl(['get', 'pods', '-n', 'data', '-l', 'app.kubernetes.io/managed-by=labwatch', '-o', 'name'])).stdout.trim();
		if (!left) break;
		await new Promise(resolve => setTimeout(resolve, 200));
	}
	assert.equal(left, '', 'no probe pod left behind');

	// A context the kubeconfig does not have, and a kubectl that is not there.
	const wrong = new ProbeRunner({probes: [probes[0]!], kubectl: () => ({context: 'no-such-context', kubeconfig: cluster.kubeconfigPath}), onChange: () => undefined});
	assert.equal((await wrong.runAllOnce())[0]!.last?.error, 'kubeconfig has no context "no-such-context"');
});
