// Issue 11 "also seen": an exec credential plugin without an expiry ran on every request. One run serves
// every request and every cluster using it, for a minute.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {stringify} from 'yaml';
import {loadKubeConfigs} from '../../source/kube/kubeconfig.js';
import {ClusterWatch} from '../../source/kube/cluster-watch.js';
import {LabStore} from '../../source/store/lab-store.js';
import {SharedExecAuth, credentialWithoutExpiryMs} from '../../source/kube/exec-credential.js';
import {hostileToken, startHostileApiserver} from './hostile-apiserver.js';
import {scratchDir, sleep, until} from './rig.js';

test('an exec plugin without an expiry runs once for two clusters watched for 3 s, and requests carry its token', async () => {
	const scratch = scratchDir();
	const server = await startHostileApiserver('healthy');
	const watches: ClusterWatch[] = [];
	try {
		const runs = scratch.write('runs.txt', '');
		const plugin = scratch.write(
			'plugin.mjs',
			`import {appendFileSync} from 'node:fs';\nappendFileSync(${JSON.stringify(runs)}, 'run\\n');\nprocess.stdout.write(JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {token: ${JSON.stringify(hostileToken)}}}));\n`,
		);
		const user = {exec: {apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], interactiveMode: 'Never'}};
		// Two contexts on one cluster entry and one user: two labwatch clusters.
		const document = JSON.parse(JSON.stringify((await import('yaml')).parse(server.kubeconfigYaml(user))));
		document.contexts.push({name: 'hostile-2', context: {cluster: 'hostile', user: 'hostile-user'}});
		const kubeconfig = scratch.write('kubeconfig.yaml', stringify(document));
		const configs = loadKubeConfigs([{cluster: 'm1', context: 'hostile'}, {cluster: 'm2', context: 'hostile-2'}], kubeconfig);
		const store = new LabStore([{name: 'm1', context: 'hostile', host: 'm1'}, {name: 'm2', context: 'hostile-2', host: 'm2'}]);
		for (const name of ['m1', 'm2']) {
			watches.push(new ClusterWatch(configs.get(name)!, {name, submarinerNamespace: 'submariner-operator'}, store, {probeIntervalMs: 200, probeTimeoutMs: 1000}));
		}
		for (const watch of watches) watch.start();
		await until('both live', () => store.snapshot().clusters.every(cluster => cluster.connection.phase === 'live'), 5000);
		await sleep(3000);
		const count = readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
		assert.equal(count, 1, `the plugin ran ${count} times`);
		assert.ok(server.requests.length > 20);
		assert.ok(server.requests.every(request => request.authorization === `Bearer ${hostileToken}`));
	} finally {
		for (const watch of watches) watch.stop();
		await server.close();
		scratch.remove();
	}
});

test('a credential without an expiry is run again after a minute; one with an expiry is kept until then', async () => {
	let now = Date.now();
	const auth = new SharedExecAuth(() => now);
	const scratch = scratchDir();
	try {
		const runs = scratch.write('runs.txt', '');
		const expiry = new Date(now + 10 * 60_000).toISOString();
		const pluginFor = (withExpiry: boolean) =>
			scratch.write(
				`plugin-${withExpiry}.mjs`,
				`import {appendFileSync} from 'node:fs';\nappendFileSync(${JSON.stringify(runs)}, 'run\\n');\nprocess.stdout.write(JSON.stringify({status: {token: 't'${withExpiry ? `, expirationTimestamp: ${JSON.stringify(expiry)}` : ''}}}));\n`,
			);
		const count = () => readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
		const user = (name: string, withExpiry: boolean) => ({name, exec: {command: process.execPath, args: [pluginFor(withExpiry)]}}) as any;
		const apply = async (u: any) => {
			const opts: any = {};
			await auth.applyAuthentication(u, opts);
			return opts.headers?.Authorization;
		};
		const plain = user('plain', false);
		assert.deepEqual(await Promise.all([apply(plain), apply(plain), apply(plain)]), ['Bearer t', 'Bearer t', 'Bearer t']);
		assert.equal(count(), 1, 'concurrent requests share one run');
		now += credentialWithoutExpiryMs - 1;
		await apply(plain);
		assert.equal(count(), 1);
		now += 2;
		await apply(plain);
		assert.equal(count(), 2, 'run again after a minute');
		const expiring = user('expiring', true);
		await apply(expiring);
		now += 5 * 60_000;
		await apply(expiring);
		assert.equal(count(), 3, 'kept until its expiry');
	} finally {
		scratch.remove();
	}
});
