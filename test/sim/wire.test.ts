// The simulator's Kubernetes API on the wire: discovery, lists, selectors, paging, watches, bookmarks,
// timeouts, 410s, Status errors and injected faults (reference kube-api-wire.md).
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';
import {getJson, openWatch} from './helpers.js';

let sim: HomelabSim;
let base: string;

before(async () => {
	// No life, no sync ticks: every event in these tests is one the test made.
	sim = await startHomelab({only: ['m1'], life: false, historyLimit: 40, bookmarkIntervalMs: 300, healthCheck: {syncIntervalMs: 600_000}});
	base = sim.clusters[0]!.url;
});
after(() => sim.stop());

const model = () => sim.clusters[0]!.model;
const touch = (namespace: string, name: string, value: string) =>
	model().update('pods', namespace, name, pod => {
		pod.metadata.annotations = {...pod.metadata.annotations, touched: value};
	});

describe('health, version and discovery', () => {
	it('answers health checks with text ok and /version with a version object', async () => {
		for (const path of ['/healthz', '/readyz', '/livez']) {
			const response = await fetch(base + path);
			assert.equal(response.status, 200);
			assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
			assert.equal(await response.text(), 'ok');
		}
		const version = await getJson(`${base}/version?timeout=5s`);
		assert.equal(version.body.major, '1');
		assert.match(version.body.gitVersion, /^v1\.\d+\.\d+$/);
	});

	it('serves APIVersions, APIGroupList and APIResourceLists', async () => {
		const api = await getJson(`${base}/api?timeout=32s`);
		assert.equal(api.body.kind, 'APIVersions');
		assert.deepEqual(api.body.versions, ['v1']);
		const apis = await getJson(`${base}/apis`);
		assert.equal(apis.body.kind, 'APIGroupList');
		const group = apis.body.groups.find((item: any) => item.name === 'submariner.io');
		assert.deepEqual(group.preferredVersion, {groupVersion: 'submariner.io/v1', version: 'v1'});
		const core = await getJson(`${base}/api/v1`);
		assert.equal(core.body.kind, 'APIResourceList');
		assert.equal(core.body.groupVersion, 'v1');
		const pods = core.body.resources.find((item: any) => item.name === 'pods');
		assert.deepEqual(pods, {name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch', 'delete'], shortNames: ['po']});
		assert.equal(core.body.resources.find((item: any) => item.name === 'nodes').namespaced, false);
		const submariner = await getJson(`${base}/apis/submariner.io/v1`);
		const gateways = submariner.body.resources.find((item: any) => item.name === 'gateways');
		assert.equal(gateways.kind, 'Gateway');
		assert.equal(gateways.singularName, 'gateway');
		assert.equal(gateways.namespaced, true);
		assert.equal(gateways.shortNames, undefined);
	});
});

describe('lists and gets', () => {
	it('lists nodes with the cluster resourceVersion', async () => {
		const {status, body} = await getJson(`${base}/api/v1/nodes`);
		assert.equal(status, 200);
		assert.equal(body.kind, 'NodeList');
		assert.equal(body.metadata.resourceVersion, model().resourceVersion());
		assert.deepEqual(body.items.map((node: any) => node.metadata.name).sort(), ['m1-control-plane', 'm1-worker', 'm1-worker2']);
		for (const node of body.items) {
			assert.equal(node.status.capacity.memory, '2097152Ki');
			assert.ok(node.status.conditions.some((condition: any) => condition.type === 'Ready' && condition.status === 'True'));
		}
	});

	it('lists pods cluster-wide and per namespace, with requests, limits and container statuses', async () => {
		const all = await getJson(`${base}/api/v1/pods`);
		assert.equal(all.body.kind, 'PodList');
		assert.equal(all.body.items.length, model().count('pods'));
		const data = await getJson(`${base}/api/v1/namespaces/data/pods`);
		assert.deepEqual(data.body.items.map((pod: any) => pod.metadata.labels.app).sort(), ['kafka', 'postgresql', 'redis']);
		const postgres = data.body.items.find((pod: any) => pod.metadata.name === 'postgresql-0');
		assert.equal(postgres.spec.containers[0].resources.limits.memory, '2Gi');
		assert.equal(postgres.spec.containers[0].resources.requests.memory, '2Gi');
		assert.equal(postgres.spec.nodeName, 'm1-worker');
		assert.equal(postgres.status.phase, 'Running');
		assert.equal(postgres.status.containerStatuses[0].ready, true);
		assert.equal(postgres.status.containerStatuses[0].restartCount, 0);
		assert.ok(postgres.status.containerStatuses[0].state.running.startedAt);
		const namespaces = await getJson(`${base}/api/v1/namespaces`);
		const names = namespaces.body.items.map((item: any) => item.metadata.name);
		for (const name of ['kube-system', 'data', 'monitoring', 'observability', 'submariner-operator']) assert.ok(names.includes(name), name);
	});

	it('filters by label selectors', async () => {
		const names = async (selector: string) =>
			(await getJson(`${base}/api/v1/pods?labelSelector=${encodeURIComponent(selector)}`)).body.items.map((pod: any) => pod.metadata.name).sort();
		const total = model().count('pods');
		assert.deepEqual(await names('app=postgresql'), ['postgresql-0']);
		assert.deepEqual(await names('app==postgresql'), ['postgresql-0']);
		assert.equal((await names('app!=postgresql')).length, total - 1);
		assert.deepEqual(await names('app in (kafka, postgresql)'), ['kafka-0', 'postgresql-0']);
		assert.equal((await names('app notin (kafka,postgresql)')).length, total - 2);
		assert.equal((await names('component=etcd,tier=control-plane')).length, 3);
		assert.equal((await names('statefulset.kubernetes.io/pod-name')).length, 3);
		assert.equal((await names('!statefulset.kubernetes.io/pod-name')).length, total - 3);
		assert.deepEqual(await names('app.kubernetes.io/name=grafana,!job-name').then(list => list.length), 1);
	});

	it('filters by field selectors and rejects unknown fields with a 400 Status', async () => {
		const names = async (selector: string) =>
			(await getJson(`${base}/api/v1/pods?fieldSelector=${encodeURIComponent(selector)}`)).body.items.map((pod: any) => pod.metadata.name).sort();
		assert.deepEqual(await names('metadata.name=kafka-0'), ['kafka-0']);
		const redis = (await getJson(`${base}/api/v1/pods?labelSelector=app%3Dredis`)).body.items[0].metadata.name;
		assert.deepEqual(await names('metadata.namespace=data,spec.nodeName=m1-worker2'), ['kafka-0', redis].sort());
		assert.equal((await names('status.phase=Running')).length, model().count('pods'));
		assert.equal((await names('status.phase!=Running')).length, 0);
		const bad = await getJson(`${base}/api/v1/pods?fieldSelector=spec.color%3Dred`);
		assert.equal(bad.status, 400);
		assert.equal(bad.body.kind, 'Status');
		assert.equal(bad.body.reason, 'BadRequest');
		assert.match(bad.body.message, /field label not supported: spec.color/);
	});

	it('gets single objects and answers 404 Status bodies', async () => {
		const pod = await getJson(`${base}/api/v1/namespaces/data/pods/kafka-0`);
		assert.equal(pod.status, 200);
		assert.equal(pod.body.kind, 'Pod');
		const node = await getJson(`${base}/api/v1/nodes/m1-worker`);
		assert.equal(node.body.metadata.labels['submariner.io/gateway'], 'true');
		const namespace = await getJson(`${base}/api/v1/namespaces/data`);
		assert.equal(namespace.body.status.phase, 'Active');
		const missing = await getJson(`${base}/api/v1/namespaces/data/pods/x`);
		assert.equal(missing.status, 404);
		assert.deepEqual(missing.body, {
			kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', details: {name: 'x', kind: 'pods'}, code: 404,
		});
		const gateway = await getJson(`${base}/apis/submariner.io/v1/namespaces/submariner-operator/gateways/nope`);
		assert.equal(gateway.status, 404);
		assert.equal(gateway.body.message, 'gateways.submariner.io "nope" not found');
		assert.equal(gateway.body.details.group, 'submariner.io');
		const unknown = await getJson(`${base}/api/v1/secrets`);
		assert.equal(unknown.status, 404);
		assert.equal(unknown.body.kind, 'Status');
		assert.equal(unknown.body.reason, 'NotFound');
		assert.equal((await getJson(`${base}/nothing/here`)).body.code, 404);
	});

	it('serves the Gateway exactly as Submariner writes it', async () => {
		const list = await getJson(`${base}/apis/submariner.io/v1/gateways`);
		assert.equal(list.body.kind, 'GatewayList');
		const namespaced = await getJson(`${base}/apis/submariner.io/v1/namespaces/submariner-operator/gateways`);
		assert.equal(namespaced.body.items.length, 1);
		const gateway = namespaced.body.items[0];
		assert.equal(gateway.apiVersion, 'submariner.io/v1');
		assert.equal(gateway.metadata.name, 'm1-worker');
		assert.match(gateway.metadata.annotations['update-timestamp'], /^\d{10}$/);
		assert.equal(gateway.spec, undefined);
		const {status} = gateway;
		assert.equal(status.haStatus, 'active');
		assert.equal(status.statusFailure, '');
		assert.match(status.version, /^v\d+\.\d+\.\d+$/);
		assert.deepEqual(Object.keys(status.localEndpoint).sort(), ['backend', 'backend_config', 'cable_name', 'cluster_id', 'healthCheckIP', 'hostname', 'nat_enabled', 'private_ip', 'public_ip', 'subnets']);
		assert.equal(status.localEndpoint.cable_name, 'submariner-cable-m1-192-168-1-10');
		assert.equal(status.localEndpoint.backend, 'libreswan');
		assert.deepEqual(status.connections, []);
	});

	it('pages with limit and continue, consistently at the first page version', async () => {
		const full = (await getJson(`${base}/api/v1/pods`)).body.items.map((pod: any) => `${pod.metadata.namespace}/${pod.metadata.name}`).sort();
		const first = await getJson(`${base}/api/v1/pods?limit=5`);
		assert.equal(first.body.items.length, 5);
		const listRv = first.body.metadata.resourceVersion;
		assert.ok(first.body.metadata.continue);
		// A change after the first page must not show in later pages of the same list.
		const keys = first.body.items.map((pod: any) => `${pod.metadata.namespace}/${pod.metadata.name}`);
		const later = full.find((key: string) => !keys.includes(key))!;
		const [namespace, name] = later.split('/');
		const before = model().get('pods', namespace, name)!.metadata.resourceVersion;
		touch(namespace!, name!, 'paging');
		let token = first.body.metadata.continue;
		const seen = [...keys];
		let sawOld = false;
		while (token) {
			const page = await getJson(`${base}/api/v1/pods?limit=5&continue=${encodeURIComponent(token)}`);
			assert.equal(page.status, 200);
			assert.equal(page.body.metadata.resourceVersion, listRv);
			for (const pod of page.body.items) {
				const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
				seen.push(key);
				if (key === later) {
					assert.equal(pod.metadata.resourceVersion, before);
					sawOld = true;
				}
			}
			token = page.body.metadata.continue;
		}
		assert.ok(sawOld);
		assert.deepEqual(seen.sort(), full);
	});

	it('answers 410 Expired for a continue token older than the history', async () => {
		const first = await getJson(`${base}/api/v1/pods?limit=2`);
		for (let index = 0; index < 60; index++) touch('data', 'kafka-0', String(index));
		const page = await getJson(`${base}/api/v1/pods?limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`);
		assert.equal(page.status, 410);
		assert.equal(page.body.kind, 'Status');
		assert.equal(page.body.reason, 'Expired');
		assert.equal(page.body.code, 410);
	});

	it('answers injected faults with Status bodies, then recovers', async () => {
		model().failNext(/^\/api\/v1\/nodes/, 500);
		const failed = await getJson(`${base}/api/v1/nodes`);
		assert.equal(failed.status, 500);
		assert.equal(failed.body.kind, 'Status');
		assert.equal(failed.body.reason, 'InternalError');
		assert.equal(failed.body.code, 500);
		assert.equal((await getJson(`${base}/api/v1/nodes`)).status, 200);
		model().failNext('pods', 503, 2);
		assert.equal((await getJson(`${base}/api/v1/pods`)).body.reason, 'ServiceUnavailable');
		assert.equal((await getJson(`${base}/api/v1/namespaces/data/pods`)).status, 503);
		assert.equal((await getJson(`${base}/api/v1/pods`)).status, 200);
	});
});

describe('watches', () => {
	it('streams ADDED, MODIFIED and DELETED with full objects from a resourceVersion', async () => {
		const rv = model().resourceVersion();
		const watch = await openWatch(`${base}/api/v1/namespaces/data/pods?watch=true&resourceVersion=${rv}`);
		try {
			assert.equal(watch.status, 200);
			touch('data', 'kafka-0', 'watch-1');
			const modified = await watch.next();
			assert.equal(modified.type, 'MODIFIED');
			assert.equal(modified.object.kind, 'Pod');
			assert.equal(modified.object.apiVersion, 'v1');
			assert.equal(modified.object.metadata.annotations.touched, 'watch-1');
			assert.equal(Number(modified.object.metadata.resourceVersion), Number(rv) + 1);
			// Other namespaces do not reach a namespaced watch.
			touch('monitoring', 'prometheus-0', 'elsewhere');
			const pod = structuredClone(model().get('pods', 'data', 'kafka-0')!);
			pod.metadata.name = 'kafka-1';
			pod.metadata.uid = 'kafka-1-uid';
			model().create('pods', pod);
			const added = await watch.next();
			assert.equal(added.type, 'ADDED');
			assert.equal(added.object.metadata.name, 'kafka-1');
			model().remove('pods', 'data', 'kafka-1');
			const deleted = await watch.next();
			assert.equal(deleted.type, 'DELETED');
			assert.equal(deleted.object.metadata.name, 'kafka-1');
			// The deletion's own version (the Events it causes come after it).
			assert.ok(Number(deleted.object.metadata.resourceVersion) > Number(added.object.metadata.resourceVersion));
			assert.equal(model().get('pods', 'data', 'kafka-1'), undefined);
		} finally {
			watch.close();
		}
	});

	it('uses chunked transfer and starts with ADDED for the current state without a version', async () => {
		const response = await fetch(`${base}/api/v1/namespaces/data/pods?watch=true&resourceVersion=0`);
		assert.equal(response.headers.get('transfer-encoding'), 'chunked');
		assert.match(response.headers.get('content-type') ?? '', /application\/json/);
		const reader = response.body!.getReader();
		let text = '';
		while (text.split('\n').length <= 3) text += new TextDecoder().decode((await reader.read()).value);
		await reader.cancel();
		const events = text.trim().split('\n').map(line => JSON.parse(line));
		assert.equal(events.length, 3);
		assert.ok(events.every(event => event.type === 'ADDED'));
		const watch = await openWatch(`${base}/api/v1/nodes?watch=true`);
		try {
			const names = [(await watch.next()).object.metadata.name, (await watch.next()).object.metadata.name, (await watch.next()).object.metadata.name];
			assert.deepEqual(names.sort(), ['m1-control-plane', 'm1-worker', 'm1-worker2']);
		} finally {
			watch.close();
		}
	});

	it('replays missed events for a version still in the history', async () => {
		const rv = model().resourceVersion();
		touch('data', 'postgresql-0', 'missed-1');
		touch('data', 'postgresql-0', 'missed-2');
		const watch = await openWatch(`${base}/api/v1/pods?watch=true&resourceVersion=${rv}`);
		try {
			assert.equal((await watch.next()).object.metadata.annotations.touched, 'missed-1');
			assert.equal((await watch.next()).object.metadata.annotations.touched, 'missed-2');
		} finally {
			watch.close();
		}
	});

	it('answers a too-old version with an in-stream 410 ERROR and ends the stream', async () => {
		const old = Number(model().resourceVersion());
		for (let index = 0; index < 60; index++) touch('data', 'kafka-0', `flood-${index}`);
		const watch = await openWatch(`${base}/api/v1/pods?watch=true&resourceVersion=${old}`);
		assert.equal(watch.status, 200);
		const error = await watch.next();
		assert.equal(error.type, 'ERROR');
		assert.equal(error.object.kind, 'Status');
		assert.equal(error.object.code, 410);
		assert.equal(error.object.reason, 'Expired');
		assert.match(error.object.message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
		await watch.ended;
	});

	it('applies selectors to watches, turning entries and exits into ADDED and DELETED', async () => {
		const rv = model().resourceVersion();
		const watch = await openWatch(`${base}/api/v1/pods?watch=true&resourceVersion=${rv}&labelSelector=${encodeURIComponent('app in (postgresql)')}`);
		try {
			touch('data', 'kafka-0', 'not-selected');
			touch('data', 'postgresql-0', 'selected');
			const modified = await watch.next();
			assert.equal(modified.type, 'MODIFIED');
			assert.equal(modified.object.metadata.name, 'postgresql-0');
			model().update('pods', 'data', 'kafka-0', pod => {
				pod.metadata.labels = {...pod.metadata.labels, app: 'postgresql'};
			});
			const entered = await watch.next();
			assert.deepEqual([entered.type, entered.object.metadata.name], ['ADDED', 'kafka-0']);
			model().update('pods', 'data', 'kafka-0', pod => {
				pod.metadata.labels = {...pod.metadata.labels, app: 'kafka'};
			});
			const left = await watch.next();
			assert.deepEqual([left.type, left.object.metadata.name], ['DELETED', 'kafka-0']);
		} finally {
			watch.close();
		}
		const byNode = await openWatch(`${base}/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dm1-worker2&resourceVersion=${model().resourceVersion()}`);
		try {
			touch('data', 'postgresql-0', 'on m1-worker');
			touch('data', 'kafka-0', 'on m1-worker2');
			assert.equal((await byNode.next()).object.metadata.name, 'kafka-0');
		} finally {
			byNode.close();
		}
	});

	it('sends bookmarks with the current version when asked', async () => {
		const watch = await openWatch(`${base}/api/v1/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${model().resourceVersion()}`);
		try {
			touch('data', 'kafka-0', 'before-bookmark');
			assert.equal((await watch.next()).type, 'MODIFIED');
			const bookmark = await watch.next(2000);
			assert.equal(bookmark.type, 'BOOKMARK');
			assert.deepEqual(bookmark.object, {kind: 'Pod', apiVersion: 'v1', metadata: {resourceVersion: model().resourceVersion()}});
			assert.equal((await watch.next(2000)).type, 'BOOKMARK');
		} finally {
			watch.close();
		}
		// Without the flag: no bookmarks.
		const quiet = await openWatch(`${base}/api/v1/nodes?watch=true&resourceVersion=${model().resourceVersion()}`);
		try {
			await assert.rejects(quiet.next(800), /no watch event/);
		} finally {
			quiet.close();
		}
	});

	it('ends the stream cleanly after timeoutSeconds', async () => {
		const started = Date.now();
		const watch = await openWatch(`${base}/api/v1/pods?watch=true&timeoutSeconds=1&resourceVersion=${model().resourceVersion()}`);
		await watch.ended;
		const elapsedMs = Date.now() - started;
		assert.ok(elapsedMs >= 900 && elapsedMs < 2500, `ended after ${elapsedMs} ms`);
		assert.equal(sim.clusters[0]!.server.watchCount(), 0);
	});
});
