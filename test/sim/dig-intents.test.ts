// The dig intents against the simulated homelab over real HTTP: describe (kubectl's facts, a crash's
// last state), YAML, events of both clusters, a followed log that is closed with its pane, delete and
// restart with the action log, and a cut-off cluster.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {KubeConfig} from '@kubernetes/client-node';
import {startHomelab, contextName, type HomelabSim} from '../../source/sim/homelab.js';
import {createDigIntents} from '../../source/tui/dig-intents.js';
import {DigStore} from '../../source/store/dig-store.js';
import {LabStore} from '../../source/store/lab-store.js';
import {LogBuffer} from '../../source/store/log-buffer.js';
import {waitFor} from './helpers.js';

let sim: HomelabSim;
let dir: string;
let intents: ReturnType<typeof createDigIntents>;
let store: DigStore;
let actionLog: string;

before(async () => {
	sim = await startHomelab({life: false, healthCheck: {syncIntervalMs: 600_000}, logIntervalMs: 20, controllerTimeScale: 0.05});
	dir = mkdtempSync(join(tmpdir(), 'labwatch-dig-intents-'));
	const path = join(dir, 'kubeconfig');
	writeFileSync(path, sim.kubeconfigYaml());
	const kubeconfigs = new Map<string, KubeConfig>();
	for (const cluster of sim.clusters) {
		const kc = new KubeConfig();
		kc.loadFromFile(path);
		kc.setCurrentContext(contextName(cluster.name));
		kubeconfigs.set(cluster.name, kc);
	}
	const lab = new LabStore(sim.clusters.map(cluster => ({name: cluster.name, context: contextName(cluster.name), host: cluster.host})));
	store = new DigStore(0);
	actionLog = join(dir, 'state', 'actions.jsonl');
	intents = createDigIntents({kubeconfigs, snapshot: () => lab.snapshot(), store, actionLogPath: actionLog, timeoutMs: 1500, eventsEveryMs: 100, logPublishMs: 10});
});
after(async () => {
	intents.dispose();
	await sim.stop();
	rmSync(dir, {recursive: true, force: true});
});

const m1 = () => sim.clusters[0]!;
const crash = (namespace: string, name: string, oomKilled = false) => fetch(`${sim.controlUrl}/_sim/crash`, {method: 'POST', body: JSON.stringify({namespace, name, oomKilled})});
const text = () => (store.snapshot().doc?.lines ?? []).map(line => line.text).join('\n');

describe('dig intents against the simulator', () => {
	it('describes a CrashLoopBackOff pod: waiting reason, last state with reason and exit code, restarts, node, IPs, its events', async () => {
		await crash('data', 'kafka-0', true);
		intents.describe({cluster: 'm1', kind: 'pod', namespace: 'data', name: 'kafka-0'});
		assert.equal(store.snapshot().doc?.state, 'loading');
		await waitFor(() => store.snapshot().doc?.state === 'ready', 5000, 'describe');
		const described = text();
		const order = ['Name:', 'Node:', 'Status:', 'IP:', 'Controlled By:', 'Containers:', 'State:', 'Last State:', 'Restart Count:', 'Limits:', 'Requests:', 'Conditions:', 'Events:'];
		const positions = order.map(word => described.indexOf(word));
		assert.ok(positions.every(position => position >= 0), JSON.stringify(order.filter((_, index) => positions[index]! < 0)));
		assert.deepEqual([...positions].sort((a, b) => a - b), positions, "kubectl describe's order");
		assert.match(described, /State: {5}Waiting\n {6}Reason: {2}CrashLoopBackOff/);
		assert.match(described, /Last State: Terminated\n {6}Reason: {2}OOMKilled\n {6}Exit Code: 137/);
		assert.match(described, /Restart Count: 1/);
		assert.match(described, /Node: {10}m1-worker2\/172\.18\.0\.4/);
		assert.match(described, /Warning BackOff .*Back-off restarting failed container kafka in pod kafka-0_data/);
		assert.deepEqual(store.snapshot().doc?.workload, {cluster: 'm1', kind: 'StatefulSet', namespace: 'data', name: 'kafka'});
	});

	it('describes a node (roles, kubelet, its pods, memory allocated) and a gateway (connections in full)', async () => {
		intents.describe({cluster: 'm2', kind: 'node', name: 'm2-worker'});
		await waitFor(() => store.snapshot().doc?.state === 'ready', 5000, 'node describe');
		assert.match(text(), /Kubelet Version: v1\.30\.3/);
		assert.match(text(), /Ready {11}True {4}KubeletReady/);
		intents.describe({cluster: 'm1', kind: 'gateway', namespace: 'submariner-operator', name: 'm1-worker'});
		await waitFor(() => store.snapshot().doc?.state === 'ready' && store.snapshot().doc?.target.kind === 'gateway', 5000, 'gateway describe');
		assert.match(text(), /HA Status: {5}active/);
		assert.match(text(), /→ m2 \(m2-worker\)\n {4}Status: {4}connected/);
	});

	it('YAML is the object as served, without managedFields; closeDoc forgets it', async () => {
		intents.yaml({cluster: 'm1', kind: 'pod', namespace: 'data', name: 'postgresql-0'});
		await waitFor(() => store.snapshot().doc?.state === 'ready', 5000, 'yaml');
		assert.match(text(), /^apiVersion: v1\nkind: Pod\nmetadata:\n {2}name: postgresql-0/);
		assert.doesNotMatch(text(), /managedFields/);
		intents.closeDoc();
		assert.equal(store.snapshot().doc, undefined);
	});

	it('events: both clusters merged; a cut-off cluster keeps what was read and says why', async () => {
		await fetch(`${sim.clusters[1]!.url}/_sim/crash`, {method: 'POST', body: JSON.stringify({namespace: 'apps', name: m2Pod('backend')})});
		intents.openEvents();
		await waitFor(() => {
			const items = store.snapshot().events?.items ?? [];
			return items.some(event => event.cluster === 'm1') && items.some(event => event.cluster === 'm2');
		}, 5000, 'events of both clusters');
		sim.partition();
		try {
			await waitFor(() => Boolean(store.snapshot().events?.errors.m2), 5000, 'm2 failing');
			assert.match(store.snapshot().events!.errors.m2!, /timeout/);
			assert.ok(store.snapshot().events!.items.some(event => event.cluster === 'm2'), 'm2 events from before are kept');
		} finally {
			sim.heal();
		}
		intents.closeEvents();
		assert.equal(store.snapshot().events, undefined);
	});

	it('logs: the last 200 lines, then follows; closing the pane closes the stream on the server', async () => {
		const grafana = m1().model.pods().find(pod => pod.labels.app === 'grafana')!;
		intents.logs({cluster: 'm1', kind: 'pod', namespace: 'monitoring', name: grafana.name}, {previous: false});
		await waitFor(() => (store.snapshot().logs?.lines.length ?? 0) >= 200, 5000, '200 lines');
		const first = store.snapshot().logs!.lines.length;
		await waitFor(() => (store.snapshot().logs?.lines.length ?? 0) > first + 5 && m1().server.logStreamCount() === 1, 5000, 'followed lines');
		assert.equal(store.snapshot().logs!.state, 'streaming');
		intents.closeLogs();
		assert.equal(store.snapshot().logs, undefined);
		await waitFor(() => m1().server.logStreamCount() === 0, 5000, 'the server-side stream closed');
	});

	it('previous logs end with the crash last words; a pod that never restarted answers the kubelet error', async () => {
		intents.logs({cluster: 'm1', kind: 'pod', namespace: 'data', name: 'kafka-0'}, {previous: true});
		await waitFor(() => store.snapshot().logs?.state === 'ended', 5000, 'previous ended');
		assert.match(store.snapshot().logs!.lines.at(-1)!, /allocating buffer/);
		intents.logs({cluster: 'm1', kind: 'pod', namespace: 'data', name: 'postgresql-0'}, {previous: true});
		await waitFor(() => store.snapshot().logs?.state === 'error', 5000, 'previous error');
		assert.match(store.snapshot().logs!.error!, /bad request: previous terminated container "postgresql" in pod "postgresql-0" not found/);
		intents.closeLogs();
	});

	it('logs of a pod with two containers: the first is named (the apiserver refuses a request without one)', async () => {
		const pod = structuredClone(m1().model.get('pods', 'data', 'postgresql-0')!);
		pod.metadata.name = 'two-containers';
		pod.metadata.uid = 'two-containers-uid';
		const spec = pod.spec as {containers: Array<{name: string}>};
		spec.containers = [{...spec.containers[0]!, name: 'app'}, {...spec.containers[0]!, name: 'sidecar'}];
		const status = pod.status as {containerStatuses: Array<{name: string}>};
		status.containerStatuses = [{...status.containerStatuses[0]!, name: 'app'}, {...status.containerStatuses[0]!, name: 'sidecar'}];
		m1().model.create('pods', pod);
		intents.logs({cluster: 'm1', kind: 'pod', namespace: 'data', name: 'two-containers'}, {previous: false});
		await waitFor(() => (store.snapshot().logs?.lines.length ?? 0) > 0 || store.snapshot().logs?.state === 'error', 5000, 'lines');
		assert.equal(store.snapshot().logs?.error, undefined);
		assert.equal(store.snapshot().logs?.container, 'app');
		intents.closeLogs();
	});

	it('deletes a pod and restarts a Deployment, each written to the action log', async () => {
		const redis = m1().model.pods().find(pod => pod.labels.app === 'redis')!;
		const deleted = await intents.deletePod({cluster: 'm1', kind: 'pod', namespace: 'data', name: redis.name});
		assert.deepEqual(deleted, {ok: true, text: `deleted pod data/${redis.name} in m1`});
		assert.equal(m1().model.get('pods', 'data', redis.name), undefined);
		const missing = await intents.deletePod({cluster: 'm1', kind: 'pod', namespace: 'data', name: redis.name});
		assert.equal(missing.ok, false);
		assert.match((missing as {error: string}).error, /not found: pods "redis-[a-z0-9-]+" not found/);
		const restarted = await intents.restart({cluster: 'm1', kind: 'Deployment', namespace: 'monitoring', name: 'grafana'});
		assert.equal(restarted.ok, true);
		const annotations = (m1().model.get('deployments', 'monitoring', 'grafana')!.spec as any).template.metadata.annotations;
		assert.ok(Date.parse(annotations['kubectl.kubernetes.io/restartedAt']) > Date.now() - 10_000);
		const entries = readFileSync(actionLog, 'utf8').trim().split('\n').map(line => JSON.parse(line));
		assert.deepEqual(entries.map(entry => [entry.action, entry.cluster, entry.name, entry.result]), [
			['delete-pod', 'm1', redis.name, 'ok'],
			['delete-pod', 'm1', redis.name, 'failed'],
			['restart', 'm1', 'grafana', 'ok'],
		]);
		assert.equal(entries[0].by, 'tui');
	});
});

describe('log buffer', () => {
	it('is bounded in lines and in bytes, counts what it dropped, and joins lines split across chunks', () => {
		const buffer = new LogBuffer({maxLines: 100, maxBytes: 1000, maxLineLength: 50});
		buffer.push('first hal');
		buffer.push('f\nsecond\n');
		assert.deepEqual(buffer.slice(), ['first half', 'second']);
		for (let index = 0; index < 1000; index++) buffer.push(`line ${index}\n`);
		assert.ok(buffer.length <= 100);
		assert.ok(buffer.bytes <= 1000, `${buffer.bytes} bytes`);
		assert.equal(buffer.slice().at(-1), 'line 999');
		assert.equal(buffer.dropped + buffer.length, 1002);
		buffer.push(`${'x'.repeat(200)}\n`);
		assert.equal(buffer.slice().at(-1), `${'x'.repeat(50)}…`);
	});
});

function m2Pod(app: string): string {
	return sim.clusters[1]!.model.pods().find(pod => pod.labels.app === app)!.name;
}

describe('events listing', () => {
	it('reads every page, so the newest events of a busy cluster are not missed', async () => {
		const {listEvents} = await import('../../source/kube/events.js');
		const kc = new KubeConfig();
		kc.loadFromFile(join(dir, 'kubeconfig'));
		kc.setCurrentContext(contextName('m1'));
		const all = await listEvents(kc, 'm1', {timeoutMs: 2000});
		const paged = await listEvents(kc, 'm1', {timeoutMs: 2000, pageSize: 2});
		assert.ok(all.length >= 4, `${all.length} events`);
		assert.deepEqual(paged.map(event => `${event.name} ${event.reason}`).sort(), all.map(event => `${event.name} ${event.reason}`).sort());
	});
});
