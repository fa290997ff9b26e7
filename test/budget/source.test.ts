import {test} from 'node:test';
import assert from 'node:assert/strict';
import {BudgetSource} from '../../source/budget/source.js';
import type {BudgetUpdate} from '../../source/budget/types.js';
import type {ClusterSnapshot} from '../../source/store/types.js';
import {GiB, cluster, pod, testConfig} from './fixtures.js';

test('without prometheus: budgets from requests, state unconfigured, onChange only on change', () => {
	const updates: BudgetUpdate[] = [];
	let clusters: ClusterSnapshot[] = [cluster('m2', 'm2', [pod('apps', 'backend-1', {memoryRequestBytes: GiB, memoryLimitBytes: 2 * GiB})])];
	const source = new BudgetSource({config: testConfig(), clusters: () => clusters, onChange: update => updates.push(update), now: () => 5});
	source.start();
	source.refresh();
	assert.equal(updates.length, 1);
	const first = updates[0]!;
	assert.equal(first.prometheus.state, 'unconfigured');
	const m2 = first.hosts.find(host => host.host === 'm2')!;
	assert.deepEqual([m2.actualSource, m2.actualBytes, m2.limitsBytes, m2.sourceNote], ['requests', GiB, 2 * GiB, 'Prometheus not configured']);
	clusters = [cluster('m2', 'm2', [])];
	source.refresh();
	assert.equal(updates.length, 2);
	assert.equal(updates[1]!.hosts.find(host => host.host === 'm2')!.actualBytes, 0);
	source.stop();
});
