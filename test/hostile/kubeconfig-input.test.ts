// Issue 11 item 10: bad kubeconfig input, through `labwatch check` as a user runs it: one line naming the
// file and the entry, exit 2, nothing sent. And `kubeconfig: ~/…` is expanded as the template suggests.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {startHostileApiserver, type HostileApiserver} from './hostile-apiserver.js';
import {scratchDir} from './rig.js';

const bin = join(import.meta.dirname, '../../dist/labwatch.js');
const scratch = scratchDir();
let server: HostileApiserver;

function labwatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [bin, ...args], {env: {...process.env, XDG_STATE_HOME: scratch.dir, KUBECONFIG: '', ...env}, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('close', code => resolve({code, stdout, stderr}));
	});
}

const configFor = (kubeconfig: string, cluster: Record<string, unknown> = {}) =>
	stringify({kubeconfig, clusters: {m1: {context: 'hostile', host: 'm1', ...cluster}}, hosts: {m1: {memory: '64GiB', address: '127.0.0.1'}}});

before(async () => {
	assert.ok(existsSync(bin), 'dist/labwatch.js is built by npm test');
	server = await startHostileApiserver('healthy');
});

after(async () => {
	await server?.close();
	scratch.remove();
});

test('11.10 a context whose user does not exist: one line naming the file and the entry, exit 2, no request sent', async () => {
	const kubeconfig = scratch.write('ghost-user.yaml', server.kubeconfigYaml().replace('user: hostile-user', 'user: ghost'));
	const config = scratch.write('ghost-user-config.yaml', configFor(kubeconfig));
	const before = server.requests.length;
	const result = await labwatch(['check', '--config', config]);
	assert.equal(result.code, 2, result.stdout + result.stderr);
	assert.equal(result.stderr, `labwatch: kubeconfig ${kubeconfig}: context "hostile" names user "ghost", which is not there\n`);
	assert.equal(server.requests.length, before, 'nothing sent without credentials');
});

test('11.10 an empty kubeconfig: one line naming the file, exit 2', async () => {
	const kubeconfig = scratch.write('empty.yaml', '');
	const config = scratch.write('empty-config.yaml', configFor(kubeconfig));
	const result = await labwatch(['check', '--config', config]);
	assert.equal(result.code, 2);
	assert.equal(result.stderr, `labwatch: kubeconfig ${kubeconfig}: empty file (no clusters, users or contexts)\n`);
});

test('11.10 `kubeconfig: ~/kube.yaml` is read from the home directory', async () => {
	scratch.write('kube.yaml', server.kubeconfigYaml());
	const config = scratch.write('tilde-config.yaml', configFor('~/kube.yaml'));
	const result = await labwatch(['check', '--config', config, '--timeout', '5s'], {HOME: scratch.dir});
	assert.equal(result.stderr, '');
	assert.match(result.stdout, /^m1 OK live, nodes 1\/1 Ready, pods 2 running/m);
});

test('10.19 clusters.<name>.kubeconfig: each cluster reads its own file (tilde expanded)', async () => {
	scratch.write('config-m1', server.kubeconfigYaml());
	const config = scratch.write('per-cluster-config.yaml', configFor('/nonexistent/ignored-for-m1', {kubeconfig: '~/config-m1'}));
	const result = await labwatch(['check', '--config', config, '--timeout', '5s'], {HOME: scratch.dir});
	assert.equal(result.stderr, '');
	assert.match(result.stdout, /^m1 OK live/m);
});

test('10.19 KUBECONFIG=a:b naming the same user and cluster twice: kubectl\'s rules (first wins), not "Duplicate user"', async () => {
	const first = scratch.write('first.yaml', server.kubeconfigYaml());
	const second = scratch.write('second.yaml', server.kubeconfigYaml({token: 'other'}).replace(server.url, 'http://127.0.0.1:9').replace('name: hostile\n    context', 'name: other\n    context'));
	const config = scratch.write('merged-config.yaml', stringify({clusters: {m1: {context: 'hostile', host: 'm1'}}, hosts: {m1: {memory: '64GiB', address: '127.0.0.1'}}}));
	const result = await labwatch(['check', '--config', config, '--timeout', '5s'], {KUBECONFIG: `${first}:${second}`});
	assert.equal(result.stderr, '');
	assert.match(result.stdout, /^m1 OK live/m);
});
