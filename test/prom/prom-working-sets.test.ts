// Issue 10.17: the pod working-set query must count each container once, as Kubernetes' monitoring mixin
// does, against cAdvisor series shaped like containerd's (pause sandbox with container="", an image label,
// a dead container's series lingering beside the new one after a restart), and one pod seen by two jobs.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {configSchema} from '../../source/config/schema.js';
import {PromPoller} from '../../source/prom/poller.js';
import {workingSetsByCluster} from '../../source/budget/working-sets.js';
import {startHomelab} from '../../source/sim/homelab.js';
import {simMetricSamples} from '../../source/sim/metrics.js';
import {restartContainer} from '../../source/sim/pod-factory.js';
import {createPrometheusApiHandler, homelabPrometheusSource} from '../../source/sim/prometheus-api.js';
import {cluster, pod, testConfig} from '../budget/fixtures.js';

test('the simulator: after a restart the dead container lingers, and each pod still counts once', async t => {
	const sim = await startHomelab({life: false});
	t.after(() => sim.stop());
	const api = createPrometheusApiHandler(homelabPrometheusSource(sim));
	sim.clusters[0]!.server.route('/prometheus', (req, res) => {
		if (!api(req, res)) res.writeHead(404).end();
	});
	const m2 = sim.clusters.find(handle => handle.name === 'm2')!;
	const victim = m2.model.pods().find(view => view.phase === 'Running' && !view.filler && view.node && view.workingSetBytes > 0)!;
	m2.model.update('pods', victim.namespace, victim.name, object => restartContainer(object, {oomKilled: true, crashLoop: false, nowMs: Date.now()}));

	// The exposition looks like containerd's: the dead instance beside the new one, the sandbox with container="".
	const series = simMetricSamples(m2.model).filter(sample => sample.name === 'container_memory_working_set_bytes' && sample.labels.pod === victim.name);
	const restarted = victim.containers[0]!.name;
	assert.equal(series.filter(sample => sample.labels.container === restarted).length, 2, 'the dead instance lingers');
	assert.ok(series.some(sample => sample.labels.container === '' && sample.labels.image?.startsWith('registry.k8s.io/pause')), 'pause sandbox');
	assert.ok(series.every(sample => sample.labels.container === '' || sample.labels.image), 'containers have an image');

	const config = configSchema.parse({
		clusters: {m1: {context: 'sim-m1', host: 'm1'}, m2: {context: 'sim-m2', host: 'm2'}},
		hosts: {m1: {memory: '16GiB', address: '127.0.0.11'}, m2: {memory: '8GiB', address: '127.0.0.12'}},
		prometheus: {url: `${sim.clusters[0]!.url}/prometheus`, jobs: {m1: 'm1', m2: 'm2'}},
	});
	const data = await new PromPoller({config: config.prometheus!, onData: () => {}}).pollOnce();
	assert.equal(data.reachable, true, data.error);
	const bytes = workingSetsByCluster(config, [], data.workingSets).get('m2')!;
	for (const view of m2.model.pods()) {
		if (view.filler || view.phase !== 'Running' || !view.node) continue;
		assert.equal(bytes.get(`${view.namespace}/${view.name}`), view.workingSetBytes, `${view.namespace}/${view.name}`);
	}
});

test('one pod scraped by two jobs is one measurement, not two', () => {
	const config = testConfig();
	const snapshots = [cluster('m2', 'm2', [pod('apps', 'backend-1')])];
	const samples = [
		{labels: {namespace: 'apps', pod: 'backend-1', job: 'kubelet'}, value: 400},
		{labels: {namespace: 'apps', pod: 'backend-1', job: 'cadvisor'}, value: 400},
	];
	assert.equal(workingSetsByCluster(config, snapshots, samples).get('m2')?.get('apps/backend-1'), 400);
});
