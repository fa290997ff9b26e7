// What labwatch ships agrees with itself: every pod the simulated homelab runs belongs to a plan line of
// the config it writes for itself (`sim --config-out`, the demo) and of the `labwatch init` template.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startHomelab} from '../../source/sim/homelab.js';
import {parseConfigText, validateConfig} from '../../source/config/load.js';
import {configTemplate} from '../../source/config/template.js';
import {planLineFor} from '../../source/budget/plan-match.js';

test('no pod of the simulated homelab falls into "other" with the sim config or the init template', async () => {
	const sim = await startHomelab({life: false});
	try {
		const configs = {sim: validateConfig(sim.configFor('/dev/null'), 'sim'), template: parseConfigText(configTemplate, 'config.yaml')};
		for (const [label, config] of Object.entries(configs)) {
			for (const cluster of sim.clusters) {
				const host = config.hosts[config.clusters[cluster.name]!.host]!;
				const unplanned = cluster.model.pods().filter(pod => planLineFor(pod, host) === 'other').map(pod => `${pod.namespace}/${pod.name}`);
				assert.deepEqual(unplanned, [], `${label}: ${cluster.name}`);
			}
		}
		const ciRunner = sim.clusters.find(cluster => cluster.name === 'm2')!.model.pods().find(pod => pod.namespace === 'ci')!;
		assert.equal(planLineFor(ciRunner, configs.template.hosts.m2!), 'ci-runners');
	} finally {
		await sim.stop();
	}
});
