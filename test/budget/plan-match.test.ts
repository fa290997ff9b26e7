import {test} from 'node:test';
import assert from 'node:assert/strict';
import {planLineFor} from '../../source/budget/plan-match.js';
import {testConfig} from './fixtures.js';

const identity = (namespace: string, name: string, labels: Record<string, string> = {}) => ({namespace, name, labels});

test('explicit match patterns win: name glob, namespace/name glob, label=value', () => {
	const config = testConfig({
		hosts: {
			m1: {memory: '16GiB', address: '127.0.0.11', plan: {kafka: '2GiB', db: '2GiB'}, match: {db: ['data/pg-*', 'tier=database'], kafka: ['strimzi-*']}},
		},
	});
	const host = config.hosts.m1!;
	assert.equal(planLineFor(identity('data', 'pg-0'), host), 'db');
	assert.equal(planLineFor(identity('other', 'pg-0'), host), 'other');
	assert.equal(planLineFor(identity('x', 'y', {tier: 'database'}), host), 'db');
	assert.equal(planLineFor(identity('kafka', 'strimzi-broker-0'), host), 'kafka');
	assert.equal(planLineFor(identity('kafka', 'kafka-0'), host), 'kafka');
});

test('labels and name prefixes; the longest line name wins', () => {
	const config = testConfig({
		hosts: {m2: {memory: '8GiB', address: '127.0.0.12', plan: {api: '1GiB', 'api-gateway': '256MiB', frontend: '256MiB'}}},
	});
	const host = config.hosts.m2!;
	assert.equal(planLineFor(identity('edge', 'api-gateway-7d9-x'), host), 'api-gateway');
	assert.equal(planLineFor(identity('apps', 'api-5f-x'), host), 'api');
	assert.equal(planLineFor(identity('apps', 'web-1', {app: 'frontend'}), host), 'frontend');
	assert.equal(planLineFor(identity('apps', 'web-1', {'app.kubernetes.io/name': 'frontend-react'}), host), 'frontend');
	assert.equal(planLineFor(identity('apps', 'web-1'), host), 'other');
});

test('control-plane takes kube-system components; a *-nodes line takes the rest of kube-system', () => {
	const config = testConfig();
	const m1 = config.hosts.m1!;
	const m2 = config.hosts.m2!;
	assert.equal(planLineFor(identity('kube-system', 'etcd-m1-control-plane'), m1), 'control-plane');
	assert.equal(planLineFor(identity('kube-system', 'x', {component: 'kube-apiserver'}), m1), 'control-plane');
	// m1 plans its kind nodes as the control plane (no nodes line): what runs for the nodes goes there.
	assert.equal(planLineFor(identity('kube-system', 'coredns-1'), m1), 'control-plane');
	assert.equal(planLineFor(identity('submariner-operator', 'submariner-gateway-x'), m1), 'control-plane');
	assert.equal(planLineFor(identity('submariner-operator', 'submariner-routeagent-x'), m2), 'worker-nodes');
	assert.equal(planLineFor(identity('kube-system', 'coredns-1'), m2), 'worker-nodes');
	assert.equal(planLineFor(identity('kube-system', 'etcd-m2-control-plane'), m2), 'worker-nodes');
	assert.equal(planLineFor(identity('local-path-storage', 'local-path-provisioner-1'), m2), 'worker-nodes');
	assert.equal(planLineFor(identity('default', 'etcd-backup'), m2), 'other');
});

test('a plural line takes its singular pods; a line named like a namespace takes that namespace', () => {
	const config = testConfig({
		hosts: {m2: {memory: '8GiB', address: '127.0.0.12', plan: {'ci-runners': '2GiB', caches: '1GiB', monitoring: '1GiB', redis: '1GiB'}}},
	});
	const host = config.hosts.m2!;
	assert.equal(planLineFor(identity('ci', 'ci-runner-64522-jbzqs', {app: 'ci-runner'}), host), 'ci-runners');
	assert.equal(planLineFor(identity('ci', 'ci-runner-64522-jbzqs'), host), 'ci-runners', 'by name alone');
	assert.equal(planLineFor(identity('apps', 'cache-0'), host), 'caches');
	assert.equal(planLineFor(identity('apps', 'cachet-0'), host), 'other', 'a singular matches a whole word only');
	assert.equal(planLineFor(identity('monitoring', 'alertmanager-0'), host), 'monitoring');
	assert.equal(planLineFor(identity('data', 'redis-0'), host), 'redis', '"redis" is not a plural');
});
