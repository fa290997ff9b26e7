// The real kubectl (1.32) against the simulator: discovery fallback, server-side printed Tables (pods with
// READY/STATUS/RESTARTS), custom resources by their full name, and `get -w` streaming a change as it happens.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';
import {hasCommand, needs} from '../support/infra.js';
import {waitFor} from './helpers.js';

const haveKubectl = hasCommand('kubectl');
let sim: HomelabSim;
let dir: string;
let kubeconfig: string;

before(async () => {
	sim = await startHomelab({life: false, healthCheck: {syncIntervalMs: 600_000}});
	dir = mkdtempSync(join(tmpdir(), 'labwatch-sim-kubectl-'));
	kubeconfig = join(dir, 'kubeconfig');
	writeFileSync(kubeconfig, sim.kubeconfigYaml());
});
after(async () => {
	await sim.stop();
	rmSync(dir, {recursive: true, force: true});
});

// A private discovery cache, so runs never see another run's ports.
const kubectl = (...args: string[]) =>
	execa('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), '--request-timeout', '10s', ...args], {timeout: 20_000, reject: false});

describe('kubectl', () => {
	it('gets nodes and pods in all namespaces', async t => {
		if (!needs(t, haveKubectl, 'kubectl is not installed')) return;
		const result = await kubectl('--context', 'sim-m1', 'get', 'nodes,pods', '-A');
		assert.equal(result.exitCode, 0, result.stderr);
		assert.match(result.stdout, /node\/m1-control-plane\s+\d+d/);
		assert.match(result.stdout, /node\/m1-worker2/);
		assert.match(result.stdout, /NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
		assert.match(result.stdout, /data\s+pod\/postgresql-0\s+\S+/);
		assert.match(result.stdout, /monitoring\s+pod\/prometheus-0/);
		assert.match(result.stdout, /kube-system\s+pod\/etcd-m1-worker2/);
		const byLabel = await kubectl('--context', 'sim-m2', 'get', 'pods', '-n', 'apps', '-l', 'app in (backend)', '-o', 'name');
		assert.equal(byLabel.exitCode, 0, byLabel.stderr);
		assert.equal(byLabel.stdout.trim().split('\n').length, 2);
		assert.match(byLabel.stdout, /^pod\/backend-7d9f/m);
	});

	it('gets Submariner gateways by their full resource name, and -o json', async t => {
		if (!needs(t, haveKubectl, 'kubectl is not installed')) return;
		const result = await kubectl('--context', 'sim-m2', 'get', 'gateways.submariner.io', '-A');
		assert.equal(result.exitCode, 0, result.stderr);
		// The Gateway CRD's printer column, as kubectl shows it from a real cluster: HA STATUS, no AGE.
		assert.match(result.stdout, /^NAMESPACE\s+NAME\s+HA STATUS\n/);
		assert.match(result.stdout, /submariner-operator\s+m2-worker\s+active/);
		const json = await kubectl('--context', 'sim-m1', 'get', 'gateways.submariner.io', '-n', 'submariner-operator', 'm1-worker', '-o', 'json');
		assert.equal(json.exitCode, 0, json.stderr);
		const gateway = JSON.parse(json.stdout);
		assert.equal(gateway.status.haStatus, 'active');
		assert.equal(gateway.status.connections[0].endpoint.cluster_id, 'm2');
	});

	it('reports a missing pod as NotFound', async t => {
		if (!needs(t, haveKubectl, 'kubectl is not installed')) return;
		const result = await kubectl('--context', 'sim-m1', 'get', 'pod', '-n', 'data', 'nope');
		assert.equal(result.exitCode, 1);
		assert.match(result.stderr, /Error from server \(NotFound\): pods "nope" not found/);
	});

	it('streams a change with get pods -A -w', async t => {
		if (!needs(t, haveKubectl, 'kubectl is not installed')) return;
		const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), '--context', 'sim-m1', 'get', 'pods', '-A', '-w'], {stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.on('data', chunk => (output += chunk));
		child.stderr.on('data', chunk => (output += chunk));
		const exited = new Promise(resolve => child.on('exit', resolve));
		try {
			await waitFor(() => output.includes('postgresql-0') && sim.clusters[0]!.server.watchCount() > 0, 15_000, 'kubectl to list and start watching');
			const model = sim.clusters[0]!.model;
			const pod = structuredClone(model.get('pods', 'data', 'postgresql-0')!);
			pod.metadata.name = 'postgresql-1';
			pod.metadata.uid = 'postgresql-1-uid';
			pod.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
			model.create('pods', pod);
			await waitFor(() => /data\s+postgresql-1\s+1\/1\s+Running\s+0\s+0s/.test(output), 10_000, 'the new pod line from kubectl -w');
		} finally {
			child.kill('SIGTERM');
			await exited;
		}
	});
});
