// What labwatch's describe, events, logs and actions need from the simulator: Events for what happens,
// container logs (tail, previous, follow, a crash's last words), Table output for kubectl, delete and
// restart answered the way a cluster's controllers would.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {request} from 'node:http';
import {execa} from 'execa';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';
import {hasCommand, needs} from '../support/infra.js';
import {getJson, waitFor} from './helpers.js';

let sim: HomelabSim;
let dir: string;
let kubeconfig: string;

before(async () => {
	sim = await startHomelab({life: false, healthCheck: {syncIntervalMs: 600_000}, logIntervalMs: 100, controllerTimeScale: 0.05});
	dir = mkdtempSync(join(tmpdir(), 'labwatch-sim-dig-'));
	kubeconfig = join(dir, 'kubeconfig');
	writeFileSync(kubeconfig, sim.kubeconfigYaml());
});
after(async () => {
	await sim.stop();
	rmSync(dir, {recursive: true, force: true});
});

const m1 = () => sim.clusters[0]!;
const text = async (url: string) => {
	const response = await fetch(url);
	return {status: response.status, body: await response.text()};
};
const crash = (namespace: string, name: string, oomKilled = false) =>
	fetch(`${sim.controlUrl}/_sim/crash`, {method: 'POST', body: JSON.stringify({namespace, name, oomKilled})});

describe('simulator for dig views', () => {
	it('records Events for a crash (BackOff, Warning) and serves them by involvedObject', async () => {
		assert.equal((await crash('data', 'kafka-0')).status, 200);
		const query = new URLSearchParams({fieldSelector: 'involvedObject.name=kafka-0,involvedObject.namespace=data'});
		const {status, body} = await getJson(`${m1().url}/api/v1/namespaces/data/events?${query}`);
		assert.equal(status, 200);
		const backOff = body.items.find((event: any) => event.reason === 'BackOff');
		assert.ok(backOff, JSON.stringify(body.items.map((event: any) => event.reason)));
		assert.equal(backOff.type, 'Warning');
		assert.match(backOff.message, /Back-off restarting failed container kafka in pod kafka-0_data/);
		assert.equal(backOff.involvedObject.kind, 'Pod');
		// A second crash of the same pod is the same Event with a higher count.
		await crash('data', 'kafka-0');
		const again = await getJson(`${m1().url}/api/v1/namespaces/data/events?${query}`);
		const backOffs = again.body.items.filter((event: any) => event.reason === 'BackOff');
		assert.equal(backOffs.length, 1);
		assert.equal(backOffs[0].count, 2);
	});

	it('serves logs: tail, previous with the crash last words, 400 for previous of a pod that never restarted', async () => {
		const current = await text(`${m1().url}/api/v1/namespaces/data/pods/postgresql-0/log?tailLines=5`);
		assert.equal(current.status, 200);
		assert.equal(current.body.trimEnd().split('\n').length, 5);
		assert.match(current.body, /LOG: {2}/);
		const none = await text(`${m1().url}/api/v1/namespaces/data/pods/postgresql-0/log?previous=true`);
		assert.equal(none.status, 400);
		assert.match(none.body, /previous terminated container \\"postgresql\\" in pod \\"postgresql-0\\" not found/);
		await crash('monitoring', 'prometheus-0');
		const previous = await text(`${m1().url}/api/v1/namespaces/monitoring/pods/prometheus-0/log?previous=true&tailLines=3`);
		assert.equal(previous.status, 200);
		assert.match(previous.body.trimEnd().split('\n').at(-1)!, /FATAL unrecoverable error, exiting with status 1/);
		const missing = await text(`${m1().url}/api/v1/namespaces/data/pods/nope/log`);
		assert.equal(missing.status, 404);
	});

	it('follows logs: new lines arrive while the stream is open, and it ends when the pod is deleted', async () => {
		const url = new URL(m1().url);
		const grafana = m1().model.pods().find(pod => pod.labels.app === 'grafana')!;
		url.pathname = `/api/v1/namespaces/monitoring/pods/${grafana.name}/log`;
		url.search = 'follow=true&tailLines=1';
		let received = '';
		const ended = new Promise<void>((resolve, reject) => {
			const req = request(url, response => {
				response.setEncoding('utf8');
				response.on('data', chunk => (received += chunk));
				response.on('end', resolve);
			});
			req.on('error', reject);
			req.end();
		});
		await waitFor(() => received.split('\n').filter(Boolean).length >= 3, 5000, 'followed lines');
		const response = await fetch(`${m1().url}/api/v1/namespaces/monitoring/pods/${grafana.name}`, {method: 'DELETE'});
		assert.equal(response.status, 200);
		await ended;
	});

	it('deletes a pod; its ReplicaSet replaces it with a new name that starts Running', async () => {
		const redis = m1().model.pods().find(pod => pod.labels.app === 'redis')!;
		const response = await fetch(`${m1().url}/api/v1/namespaces/data/pods/${redis.name}`, {method: 'DELETE'});
		assert.equal(response.status, 200);
		assert.equal(m1().model.get('pods', 'data', redis.name), undefined);
		const again = await fetch(`${m1().url}/api/v1/namespaces/data/pods/${redis.name}`, {method: 'DELETE'});
		assert.equal(again.status, 404);
		await waitFor(() => m1().model.pods().some(pod => pod.labels.app === 'redis' && pod.phase === 'Running'), 5000, 'a running replacement');
		const replacement = m1().model.pods().find(pod => pod.labels.app === 'redis')!;
		assert.notEqual(replacement.name, redis.name);
		const events = await getJson(`${m1().url}/api/v1/namespaces/data/events?fieldSelector=involvedObject.name=${redis.name}`);
		assert.ok(events.body.items.some((event: any) => event.reason === 'Killing'));
	});

	it('restarts a StatefulSet through the restartedAt annotation patch: the pod comes back under its name', async () => {
		const before = m1().model.get('pods', 'data', 'postgresql-0')!.metadata.uid;
		const patch = {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': new Date().toISOString()}}}}};
		const response = await fetch(`${m1().url}/apis/apps/v1/namespaces/data/statefulsets/postgresql`, {
			method: 'PATCH',
			headers: {'content-type': 'application/strategic-merge-patch+json'},
			body: JSON.stringify(patch),
		});
		assert.equal(response.status, 200);
		const body = await response.json();
		assert.ok(body.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
		await waitFor(() => {
			const pod = m1().model.get('pods', 'data', 'postgresql-0');
			return pod !== undefined && pod.metadata.uid !== before;
		}, 5000, 'postgresql-0 replaced');
	});

	it('answers as=Table with READY, STATUS, RESTARTS and NODE (priority 1) columns', async () => {
		const {body} = await getJson(`${m1().url}/api/v1/namespaces/data/pods`);
		assert.equal(body.kind, 'PodList');
		const response = await fetch(`${m1().url}/api/v1/namespaces/data/pods`, {headers: {accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json'}});
		const table = await response.json();
		assert.equal(table.kind, 'Table');
		assert.deepEqual(table.columnDefinitions.map((column: any) => column.name).slice(0, 7), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node']);
		assert.equal(table.columnDefinitions[6].priority, 1);
		const kafka = table.rows.find((row: any) => row.cells[0] === 'kafka-0');
		assert.equal(kafka.cells[1], '0/1');
		assert.equal(kafka.cells[2], 'CrashLoopBackOff');
		assert.match(kafka.cells[3], /^2 \(\d+s ago\)$/);
		assert.equal(kafka.cells[6], 'm1-worker2');
		assert.equal(kafka.object.kind, 'PartialObjectMetadata');
	});
});

describe('kubectl against the dig additions', () => {
	const kubectl = (...args: string[]) =>
		execa('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), '--request-timeout', '10s', ...args], {timeout: 20_000, reject: false});

	it('kubectl get pods -o wide shows READY, STATUS, RESTARTS and NODE', async t => {
		if (!needs(t, hasCommand('kubectl'), 'kubectl is not installed')) return;
		const result = await kubectl('--context', 'sim-m1', 'get', 'pods', '-n', 'data', '-o', 'wide');
		assert.equal(result.exitCode, 0, result.stderr);
		assert.match(result.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/m);
		assert.match(result.stdout, /^kafka-0\s+0\/1\s+CrashLoopBackOff\s+2 \(\S+ ago\)\s+\S+\s+[\d.]+\s+m1-worker2/m);
	});

	it('kubectl logs, kubectl get events and kubectl delete pod work', async t => {
		if (!needs(t, hasCommand('kubectl'), 'kubectl is not installed')) return;
		const logs = await kubectl('--context', 'sim-m1', 'logs', '-n', 'monitoring', 'prometheus-0', '--previous', '--tail', '2');
		assert.equal(logs.exitCode, 0, logs.stderr);
		assert.match(logs.stdout, /FATAL/);
		const events = await kubectl('--context', 'sim-m1', 'get', 'events', '-n', 'data');
		assert.equal(events.exitCode, 0, events.stderr);
		assert.match(events.stdout, /Warning\s+BackOff\s+pod\/kafka-0/);
		const jaeger = m1().model.pods().find(pod => pod.labels.app === 'jaeger')!;
		const deleted = await kubectl('--context', 'sim-m1', 'delete', 'pod', '-n', 'observability', jaeger.name, '--wait=false');
		assert.equal(deleted.exitCode, 0, deleted.stderr);
		assert.match(deleted.stdout, new RegExp(`pod "${jaeger.name}" deleted`));
		assert.equal(m1().model.get('pods', 'observability', jaeger.name), undefined);
	});
});
