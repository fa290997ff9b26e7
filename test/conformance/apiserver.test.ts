// Differential conformance: each case runs the same wire-level assertions against a real kube-apiserver
// (lab/) and against the simulator, and returns a shape (what a client sees of the answer) that must be the
// same on both. Where the simulator differs on purpose or for now, the case is listed ONCE in
// knownSimDifferences with the reason: its sim run must then still differ (so a fix shows up here).
import {after, before, describe, it, type TestContext} from 'node:test';
import assert from 'node:assert/strict';
import {ensureLabBinary, goVersion, labBinaryIsBuilt} from '../../lab/build.js';
import {startRealCluster, type RealCluster} from '../../lab/cluster.js';
import {endpointSpec, makeGateway} from '../../source/sim/gateway-object.js';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';
import {needs} from '../support/infra.js';
import {realTarget, simTarget, type Answer, type Target} from './targets.js';

/** What the simulator does not do like a real apiserver: the README's list. */
export const knownSimDifferences: Record<string, string> = {
	'403 Forbidden Status for a user RBAC forbids':
		'the simulator has no users and no RBAC: every client may read everything, and a 403 comes only from fault injection (model.failNext)',
	'401 Unauthorized Status for a token the server never issued':
		'the simulator authenticates nobody: any token (or none) is served, so a wrong kubeconfig user still sees the demo',
	'list: kind, apiVersion, metadata.resourceVersion, items':
		'list items carry kind and apiVersion (the real apiserver leaves them out of list items): the simulator serialises each object once for lists and watches; clients ignore the extra fields',
	'/version':
		'the simulator reports v1.30.3 with a 1.30 server’s fields; the lab’s v1.37.2 adds emulationMajor/emulationMinor and minCompatibilityMajor/minCompatibilityMinor',
	'aggregated discovery (Accept apidiscovery.k8s.io/v2)':
		'the simulator answers /api and /apis with the plain APIVersions and APIGroupList even when aggregated discovery is asked for; kubectl and client-node fall back to per-group documents',
};

const ns = 'conformance';
const seeds = [
	{name: 'conf-a', labels: {app: 'conf', tier: 'web'}, nodeName: 'node-a'},
	{name: 'conf-b', labels: {app: 'conf', tier: 'db'}, nodeName: 'node-b'},
	{name: 'conf-c', labels: {app: 'conf', tier: 'web'}, nodeName: 'node-b'},
];
const podsPath = `/api/v1/namespaces/${ns}/pods`;
const gateway = makeGateway({
	name: 'conf-gw',
	namespace: ns,
	uid: '',
	createdMs: Date.now(),
	nowMs: Date.now(),
	local: endpointSpec({clusterId: 'conf', hostname: 'node-a', privateIp: '10.1.0.2', healthCheckIp: '10.244.0.1', serviceCidr: '10.96.0.0/16', podCidr: '10.244.0.0/16'}),
	connections: [],
});
const isRv = (value: unknown) => typeof value === 'string' && /^\d+$/.test(value);
const names = (list: any) => (list.items as any[]).map(item => item.metadata.name);

function statusShape(answer: Answer): object {
	assert.match(String(answer.headers['content-type']), /^application\/json/);
	const body = answer.json;
	assert.equal(body.kind, 'Status');
	assert.equal(body.apiVersion, 'v1');
	assert.deepEqual(body.metadata, {});
	assert.equal(body.status, 'Failure');
	assert.equal(body.code, answer.status);
	return {httpStatus: answer.status, ...body};
}

interface Case {
	name: string;
	run(target: Target, t: TestContext): Promise<unknown>;
}

const cases: Case[] = [
	{
		name: 'list: kind, apiVersion, metadata.resourceVersion, items',
		async run(target) {
			const {status, json} = await target.request(podsPath);
			assert.equal(status, 200);
			assert.ok(isRv(json.metadata.resourceVersion), `resourceVersion ${json.metadata.resourceVersion}`);
			for (const item of json.items) {
				assert.ok(isRv(item.metadata.resourceVersion));
				assert.equal(item.metadata.namespace, ns);
				assert.ok(item.metadata.uid && item.metadata.creationTimestamp);
			}
			const one = (await target.request(`${podsPath}/conf-a`)).json;
			return {
				kind: json.kind,
				apiVersion: json.apiVersion,
				metadataKeys: Object.keys(json.metadata).sort(),
				names: names(json).sort(),
				itemsCarryKind: json.items.some((item: any) => 'kind' in item || 'apiVersion' in item),
				get: {kind: one.kind, apiVersion: one.apiVersion, name: one.metadata.name},
			};
		},
	},
	{
		name: 'limit/continue paging',
		async run(target) {
			const first = (await target.request(`${podsPath}?limit=2`)).json;
			assert.equal(typeof first.metadata.continue, 'string');
			assert.ok(first.metadata.continue.length > 0);
			const second = (await target.request(`${podsPath}?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).json;
			assert.equal(second.metadata.continue ?? '', '', 'the last page has no continue token');
			assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion, 'every page is served at the first page’s version');
			const selected = (await target.request(`${podsPath}?limit=1&labelSelector=app%3Dconf`)).json;
			const bad = await target.request(`${podsPath}?limit=2&continue=not-a-token`);
			return {
				pages: [names(first), names(second)],
				remainingItemCount: [first.metadata.remainingItemCount, second.metadata.remainingItemCount],
				withSelector: {names: names(selected), continues: Boolean(selected.metadata.continue), remainingItemCount: selected.metadata.remainingItemCount},
				badToken: {status: bad.status, reason: bad.json?.reason},
			};
		},
	},
	{
		name: 'label and field selectors',
		async run(target) {
			const select = async (query: string) => {
				const answer = await target.request(`${podsPath}?${query}`);
				assert.equal(answer.status, 200, `${query}: ${answer.text}`);
				return names(answer.json).sort();
			};
			const unsupported = await target.request(`${podsPath}?fieldSelector=${encodeURIComponent('spec.color=red')}`);
			return {
				'tier=web': await select(`labelSelector=${encodeURIComponent('tier=web')}`),
				'app=conf,tier!=web': await select(`labelSelector=${encodeURIComponent('app=conf,tier!=web')}`),
				'tier in (db,cache)': await select(`labelSelector=${encodeURIComponent('tier in (db,cache)')}`),
				'!tier': await select(`labelSelector=${encodeURIComponent('!tier')}`),
				'metadata.name=conf-b': await select(`fieldSelector=${encodeURIComponent('metadata.name=conf-b')}`),
				'spec.nodeName=node-b': await select(`fieldSelector=${encodeURIComponent('spec.nodeName=node-b')}`),
				'spec.nodeName!=node-b,tier=web': await select(`fieldSelector=${encodeURIComponent('spec.nodeName!=node-b')}&labelSelector=tier%3Dweb`),
				unsupportedField: {...statusShape(unsupported), message: unsupported.json.message},
			};
		},
	},
	{
		name: 'watch from a list’s resourceVersion: ADDED, MODIFIED, DELETED with full objects',
		async run(target) {
			const rv = (await target.request(podsPath)).json.metadata.resourceVersion;
			const stream = await target.watch(`${podsPath}?watch=true&resourceVersion=${rv}`);
			try {
				assert.equal(stream.status, 200);
				assert.match(String(stream.headers['content-type']), /^application\/json/);
				assert.equal(stream.headers['transfer-encoding'], 'chunked');
				await target.createPod(ns, {name: 'conf-d', labels: {app: 'conf', tier: 'batch'}, nodeName: 'node-a'});
				await target.labelPod(ns, 'conf-a', {touched: 'yes'});
				await target.deletePod(ns, 'conf-d');
				const events = [];
				for (;;) {
					const event = await stream.next();
					events.push(event);
					if (event.type === 'DELETED' || events.length > 10) break;
				}
				let last = Number(rv);
				for (const event of events) {
					const object = event.object;
					assert.equal(object.kind, 'Pod');
					assert.equal(object.apiVersion, 'v1');
					assert.ok(Number(object.metadata.resourceVersion) > last, 'versions grow');
					last = Number(object.metadata.resourceVersion);
					assert.equal(object.spec.containers[0].name, 'main', 'the full object');
					assert.ok(object.metadata.uid);
				}
				assert.equal(events[1].object.metadata.labels.touched, 'yes');
				// A bound pod's deletion shows as MODIFIED with deletionTimestamp first, even with a grace period of 0.
				return events.map(event => {
					const {name, deletionTimestamp, deletionGracePeriodSeconds} = event.object.metadata;
					return `${event.type} ${name}${deletionTimestamp ? ` deleting (grace ${deletionGracePeriodSeconds})` : ''}`;
				});
			} finally {
				stream.close();
			}
		},
	},
	{
		name: 'watch without a resourceVersion: ADDED for every object first',
		async run(target) {
			const stream = await target.watch(`${podsPath}?watch=true&timeoutSeconds=2&labelSelector=app%3Dconf`);
			const events = await stream.rest(20_000);
			return events.map(event => `${event.type} ${event.object.metadata.name}`);
		},
	},
	{
		name: 'watch-list: sendInitialEvents ends its ADDED events with an annotated BOOKMARK',
		async run(target) {
			const stream = await target.watch(`${podsPath}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=3&labelSelector=app%3Dconf`);
			const events = await stream.rest(20_000);
			const end = events.findIndex(event => event.type === 'BOOKMARK');
			assert.ok(end >= 0, `a BOOKMARK after the initial events: ${JSON.stringify(events.map(event => event.type))}`);
			const bookmark = events[end];
			assert.ok(isRv(bookmark.object.metadata.resourceVersion));
			const unmatched = await target.request(`${podsPath}?watch=true&sendInitialEvents=true&timeoutSeconds=1`);
			const noBookmarks = await target.watch(`${podsPath}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1&labelSelector=app%3Dconf`);
			const noBookmarkEvents = await noBookmarks.rest(20_000);
			return {
				initial: events.slice(0, end).map(event => `${event.type} ${event.object.metadata.name}`),
				bookmark: {kind: bookmark.object.kind, apiVersion: bookmark.object.apiVersion, annotations: bookmark.object.metadata.annotations},
				withoutNotOlderThan: statusShape(unmatched),
				withoutAllowWatchBookmarks: {status: noBookmarks.status, events: noBookmarkEvents.map(event => event.type)},
			};
		},
	},
	{
		name: 'allowWatchBookmarks: a BOOKMARK’s shape when one comes within timeoutSeconds',
		async run(target, t) {
			const rv = (await target.request(podsPath)).json.metadata.resourceVersion;
			const stream = await target.watch(`${podsPath}?watch=true&allowWatchBookmarks=true&timeoutSeconds=6&resourceVersion=${rv}`);
			const events = await stream.rest(30_000);
			const bookmarks = events.filter(event => event.type === 'BOOKMARK');
			assert.deepEqual(events.filter(event => event.type !== 'BOOKMARK'), [], 'nothing changed, so nothing but bookmarks');
			t.diagnostic(`${target.name}: ${bookmarks.length} bookmark(s) in a 6 s watch`);
			for (const bookmark of bookmarks) {
				assert.equal(bookmark.object.kind, 'Pod');
				assert.equal(bookmark.object.apiVersion, 'v1');
				assert.ok(isRv(bookmark.object.metadata.resourceVersion));
				assert.ok(Number(bookmark.object.metadata.resourceVersion) >= Number(rv));
			}
			// Whether a bookmark comes this early is the server's choice (real: before the deadline or each minute).
			return undefined;
		},
	},
	{
		name: 'timeoutSeconds ends the stream cleanly',
		async run(target) {
			const rv = (await target.request(podsPath)).json.metadata.resourceVersion;
			const stream = await target.watch(`${podsPath}?watch=true&timeoutSeconds=2&resourceVersion=${rv}`);
			const events = await stream.rest(20_000);
			return {status: stream.status, endedCleanly: await stream.ended, events};
		},
	},
	{
		name: 'Status body for 404: NotFound with details',
		async run(target) {
			const pod = await target.request(`${podsPath}/nope`);
			const gateway = await target.request('/apis/submariner.io/v1/namespaces/submariner-operator/gateways/nope');
			const path = await target.request('/api/v1/nonsense-resources');
			return {pod: statusShape(pod), gateway: statusShape(gateway), path: statusShape(path)};
		},
	},
	{
		name: '403 Forbidden Status for a user RBAC forbids',
		async run(target) {
			if (!target.forbiddenGatewaysList) throw new Error(`${target.name} has no users to forbid anything to`);
			const answer = await target.forbiddenGatewaysList();
			const shape = statusShape(answer) as any;
			assert.match(shape.message, /^gateways\.submariner\.io is forbidden: User "[^"]+" cannot list resource "gateways" in API group "submariner\.io" at the cluster scope$/);
			return {...shape, message: '(user-specific)'};
		},
	},
	{
		name: '401 Unauthorized Status for a token the server never issued',
		async run(target) {
			const answer = await target.request(podsPath, {user: 'bad-token'});
			const health = await target.request('/readyz', {user: 'bad-token', accept: '*/*'});
			return {list: statusShape(answer), readyz: health.status};
		},
	},
	{
		name: 'watch with Accept as=Table (kubectl get -w): each event’s object a Table',
		async run(target) {
			const rv = (await target.request(podsPath)).json.metadata.resourceVersion;
			const stream = await target.watch(`${podsPath}?watch=true&resourceVersion=${rv}`, {accept: 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json'});
			try {
				await target.labelPod(ns, 'conf-b', {table: '1'});
				await target.labelPod(ns, 'conf-b', {table: '2'});
				const events = [await stream.next(), await stream.next()];
				return events.map(event => ({
					type: event.type,
					kind: event.object.kind,
					apiVersion: event.object.apiVersion,
					columns: Array.isArray(event.object.columnDefinitions) ? event.object.columnDefinitions.length : event.object.columnDefinitions === null ? null : 'absent',
					rows: event.object.rows.map((row: any) => [row.cells[0], row.object?.kind]),
				}));
			} finally {
				stream.close();
			}
		},
	},
	{
		name: '/readyz /livez /healthz bodies',
		async run(target) {
			const shape: Record<string, unknown> = {};
			for (const path of ['/readyz', '/livez', '/healthz']) {
				const answer = await target.request(path, {accept: '*/*'});
				assert.match(String(answer.headers['content-type']), /^text\/plain/);
				shape[path] = {status: answer.status, body: answer.text};
				const verbose = await target.request(`${path}?verbose`, {accept: '*/*'});
				assert.equal(verbose.status, 200);
				const lines = verbose.text.trimEnd().split('\n');
				assert.ok(lines.length >= 3, `${path}?verbose lists its checks: ${verbose.text}`);
				for (const line of lines.slice(0, -1)) assert.match(line, /^\[\+\][\w/:.-]+ ok$/, `${path}?verbose: ${line}`);
				assert.ok(lines.includes('[+]ping ok') && lines.includes('[+]etcd ok'), `${path}?verbose has ping and etcd`);
				shape[`${path}?verbose last line`] = lines.at(-1);
				const excluded = await target.request(`${path}?verbose&exclude=etcd`, {accept: '*/*'});
				shape[`${path}?verbose&exclude=etcd`] = excluded.text.split('\n').find(line => line.startsWith('[+]etcd '));
				const one = await target.request(`${path}/ping`, {accept: '*/*'});
				shape[`${path}/ping`] = {status: one.status, body: one.text};
			}
			return shape;
		},
	},
	{
		name: '/version',
		async run(target) {
			const {status, json} = await target.request('/version');
			assert.equal(status, 200);
			assert.match(json.gitVersion, /^v1\.\d+\.\d+$/);
			assert.equal(json.gitVersion, `v${json.major}.${json.minor}.${json.gitVersion.split('.')[2]}`);
			const keys = ['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform'];
			for (const key of keys) assert.equal(typeof json[key], 'string', key);
			return Object.keys(json).sort();
		},
	},
	{
		name: 'discovery: /api, /apis, /api/v1, /apis/submariner.io/v1',
		async run(target) {
			const api = (await target.request('/api')).json;
			assert.ok(api.versions.includes('v1'));
			assert.ok(Array.isArray(api.serverAddressByClientCIDRs));
			const apis = (await target.request('/apis')).json;
			const submariner = apis.groups.find((group: any) => group.name === 'submariner.io');
			const core = (await target.request('/api/v1')).json;
			const sub = (await target.request('/apis/submariner.io/v1')).json;
			const entry = (list: any, name: string) => {
				const found = list.resources.find((item: any) => item.name === name);
				assert.ok(found, `${list.groupVersion} lists ${name}`);
				for (const verb of ['get', 'list', 'watch']) assert.ok(found.verbs.includes(verb), `${name} can ${verb}`);
				return {name: found.name, singularName: found.singularName, namespaced: found.namespaced, kind: found.kind};
			};
			return {
				api: api.kind,
				apis: {kind: apis.kind, apiVersion: apis.apiVersion, submariner: submariner.preferredVersion},
				core: {kind: core.kind, groupVersion: core.groupVersion, pods: entry(core, 'pods'), nodes: entry(core, 'nodes'), namespaces: entry(core, 'namespaces'), events: entry(core, 'events')},
				submariner: {kind: sub.kind, groupVersion: sub.groupVersion, gateways: entry(sub, 'gateways')},
			};
		},
	},
	{
		name: "discovery: Lighthouse's MCS API, and submariner.io's Endpoint, Cluster and Submariner",
		async run(target) {
			const apis = (await target.request('/apis')).json;
			const group = (name: string) => {
				const found = apis.groups.find((item: any) => item.name === name);
				assert.ok(found, `/apis lists ${name}`);
				return {preferred: found.preferredVersion.groupVersion, versions: found.versions.map((version: any) => version.groupVersion).sort()};
			};
			const entry = async (groupVersion: string, name: string) => {
				const list = (await target.request(`/apis/${groupVersion}`)).json;
				const found = list.resources.find((item: any) => item.name === name);
				assert.ok(found, `${groupVersion} lists ${name}`);
				for (const verb of ['get', 'list', 'watch']) assert.ok(found.verbs.includes(verb), `${name} can ${verb}`);
				return {name: found.name, singularName: found.singularName, namespaced: found.namespaced, kind: found.kind, shortNames: found.shortNames ?? []};
			};
			return {
				mcs: group('multicluster.x-k8s.io'),
				serviceexports: await entry('multicluster.x-k8s.io/v1alpha1', 'serviceexports'),
				serviceimports: await entry('multicluster.x-k8s.io/v1alpha1', 'serviceimports'),
				submariner: group('submariner.io').preferred,
				endpoints: await entry('submariner.io/v1', 'endpoints'),
				clusters: await entry('submariner.io/v1', 'clusters'),
				submariners: await entry('submariner.io/v1alpha1', 'submariners'),
			};
		},
	},
	{
		name: 'lists of the service-discovery kinds: their list kinds and apiVersions, namespaced and cluster-wide',
		async run(target) {
			const shapes: Record<string, unknown> = {};
			for (const [groupVersion, plural] of [['multicluster.x-k8s.io/v1alpha1', 'serviceexports'], ['multicluster.x-k8s.io/v1alpha1', 'serviceimports'], ['submariner.io/v1', 'endpoints'], ['submariner.io/v1', 'clusters'], ['submariner.io/v1alpha1', 'submariners']] as const) {
				const answer = await target.request(`/apis/${groupVersion}/namespaces/${ns}/${plural}`);
				assert.equal(answer.status, 200, answer.text);
				const all = await target.request(`/apis/${groupVersion}/${plural}?limit=1`);
				assert.equal(all.status, 200, all.text);
				shapes[plural] = {kind: answer.json.kind, apiVersion: answer.json.apiVersion, items: answer.json.items.length, rv: isRv(answer.json.metadata.resourceVersion), allKind: all.json.kind};
			}
			return shapes;
		},
	},
	{
		name: "Table for kubectl: a ServiceImport's printer columns (Type, IP, Age)",
		async run(target) {
			const answer = await target.request(`/apis/multicluster.x-k8s.io/v1alpha1/namespaces/${ns}/serviceimports`, {accept: 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json'});
			assert.equal(answer.status, 200, answer.text);
			return {kind: answer.json.kind, columns: answer.json.columnDefinitions.map((column: any) => ({name: column.name, type: column.type, format: column.format, priority: column.priority}))};
		},
	},
	{
		name: 'Table for kubectl: Accept as=Table on pods',
		async run(target) {
			const answer = await target.request(podsPath, {accept: 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json'});
			assert.equal(answer.status, 200);
			const table = answer.json;
			assert.ok(isRv(table.metadata.resourceVersion));
			for (const row of table.rows) {
				assert.equal(row.cells.length, table.columnDefinitions.length);
				assert.equal(row.object.kind, 'PartialObjectMetadata');
				assert.equal(row.object.apiVersion, 'meta.k8s.io/v1');
			}
			return {
				kind: table.kind,
				apiVersion: table.apiVersion,
				columns: table.columnDefinitions.map((column: any) => ({name: column.name, type: column.type, format: column.format, priority: column.priority})),
				// Every cell but AGE (4), which depends on when each server stored the pod.
				rows: table.rows.map((row: any) => row.cells.filter((_: unknown, index: number) => index !== 4)).sort(),
			};
		},
	},
	{
		name: 'Table for kubectl: a Gateway’s printer columns',
		async run(target) {
			const answer = await target.request(`/apis/submariner.io/v1/namespaces/${ns}/gateways`, {accept: 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json'});
			assert.equal(answer.status, 200, answer.text);
			const table = answer.json;
			const columns = table.columnDefinitions.map((column: any) => ({name: column.name, type: column.type, format: column.format, priority: column.priority}));
			const age = columns.findIndex((column: any) => column.name === 'Age');
			return {kind: table.kind, columns, rows: table.rows.map((row: any) => row.cells.filter((_: unknown, index: number) => index !== age))};
		},
	},
	{
		name: 'aggregated discovery (Accept apidiscovery.k8s.io/v2)',
		async run(target, t) {
			const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
			const answer = await target.request('/apis', {accept});
			t.diagnostic(`${target.name}: /apis answers ${answer.json.kind} (${answer.headers['content-type']})`);
			assert.equal(answer.json.kind, 'APIGroupDiscoveryList');
			const group = answer.json.items.find((item: any) => item.metadata.name === 'submariner.io');
			const gateways = group.versions[0].resources.find((item: any) => item.resource === 'gateways');
			return {kind: answer.json.kind, apiVersion: answer.json.apiVersion, gateways: {scope: gateways.scope, kind: gateways.responseKind.kind}};
		},
	},
	{
		name: 'list at an exact resourceVersion: the state then; a future one is refused',
		async run(target) {
			const before = (await target.request(podsPath)).json;
			await target.labelPod(ns, 'conf-c', {step: 'after'});
			const exact = (await target.request(`${podsPath}?resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=Exact`)).json;
			const paged = (await target.request(`${podsPath}?limit=5&resourceVersion=${before.metadata.resourceVersion}`)).json;
			const notOlder = (await target.request(`${podsPath}?resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=NotOlderThan`)).json;
			const future = String(Number(before.metadata.resourceVersion) + 1_000_000);
			const tooLarge = await target.request(`${podsPath}?resourceVersion=${future}&resourceVersionMatch=Exact`);
			const step = (list: any) => list.items.find((pod: any) => pod.metadata.name === 'conf-c').metadata.labels.step ?? 'before';
			assert.equal(exact.metadata.resourceVersion, before.metadata.resourceVersion);
			assert.equal(paged.metadata.resourceVersion, before.metadata.resourceVersion);
			const shape = statusShape(tooLarge) as any;
			assert.match(shape.message, new RegExp(`^Timeout: Too large resource version: ${future}, current: \\d+$`));
			return {exact: step(exact), paged: step(paged), notOlderThan: step(notOlder), tooLarge: {...shape, message: '(versions)'}};
		},
	},
	// Last: on the real apiserver it compacts etcd and restarts the apiserver.
	{
		name: 'watch from a too-old resourceVersion: in-stream ERROR 410 Expired',
		async run(target) {
			const old = (await target.request(podsPath)).json.metadata.resourceVersion;
			await target.labelPod(ns, 'conf-b', {round: '1'});
			await target.labelPod(ns, 'conf-b', {round: '2'});
			await target.forgetHistory();
			const stream = await target.watch(`${podsPath}?watch=true&resourceVersion=${old}`);
			const events = await stream.rest(30_000);
			const exact = await target.request(`${podsPath}?limit=1&resourceVersion=${old}&resourceVersionMatch=Exact`);
			const paged = await target.request(`${podsPath}?limit=1&resourceVersion=${old}`);
			assert.equal(events.length, 1, JSON.stringify(events));
			const [event] = events;
			assert.match(event.object.message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
			return {
				httpStatus: stream.status,
				endedCleanly: await stream.ended,
				type: event.type,
				object: {...event.object, message: '(versions)'},
				exactList: statusShape(exact),
				pagedList: statusShape(paged),
			};
		},
	},
];

let sim: HomelabSim | undefined;
let real: RealCluster | undefined;
let realMissing = '';
const targets: Partial<Record<'real' | 'sim', Target>> = {};

before(async () => {
	// No life, no gateway syncs: every change in the sim is one a case made.
	sim = await startHomelab({only: ['m1'], life: false, healthCheck: {syncIntervalMs: 600_000}});
	targets.sim = simTarget(sim.clusters[0]!.url, sim.clusters[0]!.model);
	if (labBinaryIsBuilt() || (await goVersion()) !== undefined) {
		real = await startRealCluster({name: 'conform', binary: await ensureLabBinary()});
		targets.real = realTarget(real);
	} else realMissing = 'needs Go (or a built lab binary) for the real apiserver: see lab/README.md';
	for (const target of Object.values(targets)) {
		await target.createNamespace(ns);
		for (const seed of seeds) await target.createPod(ns, seed);
		await target.createGateway(gateway);
	}
});

after(async () => {
	await sim?.stop();
	await real?.stop();
});

for (const testCase of cases) {
	describe(testCase.name, () => {
		let realShape: unknown;
		let realRan = false;
		it('real apiserver', async t => {
			if (!needs(t, targets.real !== undefined, realMissing)) return;
			realShape = await testCase.run(targets.real!, t);
			realRan = true;
			t.diagnostic(`real: ${JSON.stringify(realShape)}`);
		});
		it('simulator, compared with the real apiserver', async t => {
			const known = knownSimDifferences[testCase.name];
			const conforms = async () => {
				const shape = await testCase.run(targets.sim!, t);
				if (realRan) assert.deepEqual(shape, realShape, 'the simulator answers as the real apiserver did');
			};
			if (!known) return conforms();
			try {
				await conforms();
			} catch (error) {
				t.diagnostic(`known difference: ${known} (${(error as Error).message.split('\n')[0]})`);
				return;
			}
			assert.fail(`"${testCase.name}" now conforms: remove it from knownSimDifferences`);
		});
	});
}
