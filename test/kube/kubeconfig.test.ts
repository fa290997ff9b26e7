// Issue 10 item 19: kubeconfig files are merged as kubectl merges them (client-go's clientcmd loader),
// checked against kubectl itself where it is installed.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {stringify} from 'yaml';
import {loadKubeConfigs} from '../../source/kube/kubeconfig.js';
import {ConfigError} from '../../source/config/errors.js';
import {hasCommand, needs} from '../support/infra.js';

const directory = mkdtempSync(join(tmpdir(), 'labwatch-kubeconfig-'));
after(() => rmSync(directory, {recursive: true, force: true}));

function write(relative: string, document: unknown): string {
	const path = join(directory, relative);
	mkdirSync(join(path, '..'), {recursive: true});
	writeFileSync(path, typeof document === 'string' ? document : stringify(document));
	return path;
}

// Two kubeadm clusters: both call their cluster "kubernetes" and their user "kubernetes-admin".
const a = write('a/config', {
	apiVersion: 'v1',
	kind: 'Config',
	clusters: [{name: 'kubernetes', cluster: {server: 'https://127.0.0.1:6443', 'certificate-authority': 'ca.crt'}}],
	users: [{name: 'kubernetes-admin', user: {token: 'token-a'}}],
	contexts: [{name: 'm1', context: {cluster: 'kubernetes', user: 'kubernetes-admin'}}],
});
const b = write('b/config', {
	apiVersion: 'v1',
	kind: 'Config',
	clusters: [
		{name: 'kubernetes', cluster: {server: 'https://127.0.0.1:7443'}},
		{name: 'm2-cluster', cluster: {server: 'https://127.0.0.1:8443', 'certificate-authority': 'ca.crt'}},
	],
	users: [{name: 'kubernetes-admin', user: {token: 'token-b'}}],
	contexts: [
		{name: 'm1', context: {cluster: 'm2-cluster', user: 'kubernetes-admin'}},
		{name: 'm2', context: {cluster: 'm2-cluster', user: 'kubernetes-admin'}},
	],
	'current-context': 'm2',
});
const env = {KUBECONFIG: [a, join(directory, 'missing'), '', b].join(delimiter)};
const wanted = [{cluster: 'm1', context: 'm1'}, {cluster: 'm2', context: 'm2'}];

function view(kc: ReturnType<typeof loadKubeConfigs> extends Map<string, infer K> ? K : never) {
	return {server: kc.getCurrentCluster()?.server, caFile: kc.getCurrentCluster()?.caFile, token: kc.getCurrentUser()?.token};
}

test('10.19 KUBECONFIG=a:b with the same cluster and user names: the first file wins per name, missing files skipped', () => {
	const configs = loadKubeConfigs(wanted, undefined, env);
	assert.deepEqual(view(configs.get('m1')!), {server: 'https://127.0.0.1:6443', caFile: join(directory, 'a', 'ca.crt'), token: 'token-a'});
	// m2's own cluster entry, but the user of that name from the first file: kubectl does the same.
	assert.deepEqual(view(configs.get('m2')!), {server: 'https://127.0.0.1:8443', caFile: join(directory, 'b', 'ca.crt'), token: 'token-a'});
});

test('10.19 the merge matches kubectl\'s own', t => {
	if (!needs(t, hasCommand('kubectl'), 'kubectl is not installed')) return;
	const kubectl = (...args: string[]) => execFileSync('kubectl', args, {env: {...process.env, ...env}, encoding: 'utf8'});
	const configs = loadKubeConfigs(wanted, undefined, env);
	for (const context of ['m1', 'm2']) {
		const minified = JSON.parse(kubectl('config', 'view', '--raw', '--minify', '--context', context, '-o', 'json'));
		const ours = view(configs.get(context)!);
		assert.deepEqual({server: ours.server, token: ours.token}, {server: minified.clusters[0].cluster.server, token: minified.users[0].user.token});
		// kubectl prints the path as written; it resolves it against the file that wrote it, as we do.
		assert.ok(ours.caFile?.endsWith(`/${minified.clusters[0].cluster['certificate-authority']}`));
	}
	assert.equal(kubectl('config', 'current-context').trim(), 'm2', 'current-context from the first file that sets one');
});

test('10.19 each cluster may name its own file', () => {
	const configs = loadKubeConfigs([{cluster: 'm1', context: 'm1', kubeconfig: b}, {cluster: 'm2', context: 'm1'}], a, {});
	assert.equal(configs.get('m1')!.getCurrentCluster()?.server, 'https://127.0.0.1:8443', 'its own file: b says m1 is m2-cluster');
	assert.equal(configs.get('m2')!.getCurrentCluster()?.server, 'https://127.0.0.1:6443', 'the top-level file: a');
	assert.throws(() => loadKubeConfigs([{cluster: 'm2', context: 'm2'}], a, {}), (error: Error) => error instanceof ConfigError && error.message === `kubeconfig ${a}: no context "m2" (it has: m1)`);
});

test('11.10 entries that are not there: one line naming the file and the entry', () => {
	const ghost = write('ghost/config', {clusters: [{name: 'c', cluster: {server: 'https://127.0.0.1:1'}}], users: [], contexts: [{name: 'x', context: {cluster: 'c', user: 'ghost'}}, {name: 'y', context: {cluster: 'nowhere', user: ''}}]});
	const message = (context: string) => {
		try {
			loadKubeConfigs([{cluster: 'm1', context}], ghost, {});
			return 'loaded';
		} catch (error) {
			assert.ok(error instanceof ConfigError, String(error));
			return error.message;
		}
	};
	assert.equal(message('x'), `kubeconfig ${ghost}: context "x" names user "ghost", which is not there`);
	assert.equal(message('y'), `kubeconfig ${ghost}: context "y" names cluster "nowhere", which is not there`);
	const notYaml = write('scalar/config', 'just words\n');
	assert.throws(() => loadKubeConfigs([{cluster: 'm1', context: 'x'}], notYaml, {}), (error: Error) => error instanceof ConfigError && error.message.startsWith(`kubeconfig ${notYaml}: `) && !error.message.includes('\n'));
	const empty = write('empty/config', '');
	assert.throws(() => loadKubeConfigs([{cluster: 'm1', context: 'x'}], undefined, {KUBECONFIG: empty}), {message: `kubeconfig ${empty}: empty file (no clusters, users or contexts)`});
	// In a list, an empty file is skipped, as kubectl skips it.
	assert.equal(loadKubeConfigs([{cluster: 'm1', context: 'm1'}], undefined, {KUBECONFIG: [empty, a].join(delimiter)}).get('m1')!.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
});
