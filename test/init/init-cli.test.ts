// `labwatch init` as a user runs it (the built dist/labwatch.js) against the simulated homelab, with a
// fake `docker` first on PATH (present: it prints kind node lines; absent: no docker on PATH). Only
// 127.0.0.1 is contacted: the simulator, and Prometheus named with --prometheus (the simulator's).
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {parse, stringify} from 'yaml';
import {parseConfigText} from '../../source/config/load.js';
import {runInit} from '../../source/init/run-init.js';
import {startHomelab, type HomelabSim} from '../../source/sim/homelab.js';
import {freePort} from '../prom/real-prometheus.js';

const bin = join(import.meta.dirname, '../../dist/labwatch.js');
const directory = mkdtempSync(join(tmpdir(), 'labwatch-init-cli-'));
let sim: HomelabSim;
let prometheusUrl: string;
let kindKubeconfig: string;
let m1OnlyKubeconfig: string;
const fakeBin = join(directory, 'fake-bin');
const emptyBin = join(directory, 'empty-bin');
const dockerLog = join(directory, 'docker-args.log');

function labwatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [bin, ...args], {env: {...process.env, XDG_STATE_HOME: directory, KUBECONFIG: '', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('close', code => resolve({code, stdout, stderr}));
	});
}

/** The sim's kubeconfig with kind's context names, as `kind create cluster --name m1-cluster` writes them. */
function asKind(yaml: string, only?: string): string {
	const kube = parse(yaml);
	if (only) kube.contexts = kube.contexts.filter((context: {name: string}) => context.name === `sim-${only}`);
	for (const context of kube.contexts) context.name = context.name.replace(/^sim-(.+)$/, 'kind-$1-cluster');
	kube['current-context'] = kube.contexts[0].name;
	return stringify(kube);
}

before(async () => {
	assert.ok(existsSync(bin), 'dist/labwatch.js is built by npm test');
	sim = await startHomelab({life: false});
	prometheusUrl = `${sim.clusters[0]!.url}/prometheus`;
	kindKubeconfig = join(directory, 'kind-kubeconfig.yaml');
	writeFileSync(kindKubeconfig, asKind(sim.kubeconfigYaml()));
	m1OnlyKubeconfig = join(directory, 'm1-kubeconfig.yaml');
	writeFileSync(m1OnlyKubeconfig, asKind(sim.kubeconfigYaml(), 'm1'));
	mkdirSync(fakeBin);
	mkdirSync(emptyBin);
	// m1's kind nodes run in "this machine's Docker"; m2's are on the MacBook.
	writeFileSync(
		join(fakeBin, 'docker'),
		`#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${dockerLog}'\nprintf 'm1-cluster-control-plane\\tm1-cluster\\tcontrol-plane\\nm1-cluster-worker\\tm1-cluster\\tworker\\n'\n`,
	);
	chmodSync(join(fakeBin, 'docker'), 0o755);
});

after(async () => {
	await sim?.stop();
	rmSync(directory, {recursive: true, force: true});
});

test('init --yes on the demo kubeconfig writes a config that check accepts without edits (docker present)', async () => {
	const file = join(directory, 'present', 'config.yaml');
	const env = {PATH: `${fakeBin}:${process.env.PATH}`};
	const result = await labwatch(['init', '--yes', '--kubeconfig', kindKubeconfig, '--prometheus', prometheusUrl, '--config', file], env);
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stdout, /^wrote .*config\.yaml \(2 clusters on 2 hosts, \d+ guesses to check\)$/m);
	assert.deepEqual(readFileSync(dockerLog, 'utf8').trim().split('\n'), ['ps', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Names}}\t{{.Label "io.x-k8s.kind.cluster"}}\t{{.Label "io.x-k8s.kind.role"}}']);
	const text = readFileSync(file, 'utf8');
	const config = parseConfigText(text, file);
	assert.deepEqual(
		Object.entries(config.clusters).map(([name, cluster]) => [name, cluster.context, cluster.host]),
		[['m1', 'kind-m1-cluster', 'm1'], ['m2', 'kind-m2-cluster', 'm2']],
	);
	assert.equal(config.kubeconfig, kindKubeconfig);
	// Memory and exporter found in the sim's Prometheus, from the darwin series the Macs serve.
	assert.deepEqual(
		Object.entries(config.hosts).map(([name, host]) => [name, host.memory / 2 ** 30, host.nodeExporter]),
		[['m1', 16, {label: 'host', value: 'm1'}], ['m2', 8, {label: 'host', value: 'm2'}]],
	);
	assert.deepEqual(config.prometheus?.jobs, {m1: 'm1', m2: 'm2'});
	assert.equal(config.prometheus?.url, prometheusUrl);
	assert.match(text, /^ {2}# found: host: its kind node containers run in this machine's Docker/m);
	assert.match(text, /^ {2}# found: 3 nodes \(m1-control-plane 172\.18\.0\.2, m1-worker 172\.18\.0\.3, m1-worker2 172\.18\.0\.4\), kubelet v1\.30\.3, Debian GNU\/Linux 12 \(bookworm\)$/m);
	assert.match(text, /^ {2}# found: memory: node_exporter \(darwin\) reports 16GiB; its series carry host="m1"$/m);
	assert.deepEqual(readdirSync(join(directory, 'present')), ['config.yaml'], 'no temp file left');

	const check = await labwatch(['check', '--config', file]);
	assert.equal(check.stderr, '');
	assert.ok([0, 1].includes(check.code!), `check exit ${check.code}: ${check.stdout}`);
	assert.match(check.stdout, /^LABWATCH (OK|WARNING) /);
	assert.match(check.stdout, /^m1 OK live, nodes 3\/3 Ready/m);
	assert.match(check.stdout, /^m2 OK live, nodes 2\/2 Ready/m);
	assert.match(check.stdout, /^host m1 \w+ .*\(node-exporter-darwin\)$/m);
	assert.match(check.stdout, /^host m2 \w+ .*\(node-exporter-darwin\)$/m);
});

test('docker absent and no iptables on PATH: a note each, no drill point, and check still accepts the file', async () => {
	const file = join(directory, 'absent.yaml');
	const result = await labwatch(['init', '--yes', '--kubeconfig', m1OnlyKubeconfig, '--prometheus', prometheusUrl, '--config', file], {PATH: emptyBin});
	assert.equal(result.code, 0, result.stderr);
	const text = readFileSync(file, 'utf8');
	assert.match(text, /^# found: docker not found on PATH: no kind node containers looked for$/m);
	assert.match(text, /^ {2}# found: no iptables on PATH: no local point proposed$/m);
	const config = parseConfigText(text, file);
	assert.equal(config.drill.points, undefined);
	assert.deepEqual(Object.keys(config.clusters), ['m1']);
	const check = await labwatch(['check', '--config', file]);
	assert.equal(check.stderr, '');
	assert.match(check.stdout, /^m1 OK live/m);
});

test('docker present on Linux with iptables on PATH: one local point on the host whose kind nodes are here', async () => {
	const file = join(directory, 'local.yaml');
	const result = await labwatch(['init', '--yes', '--kubeconfig', m1OnlyKubeconfig, '--prometheus', prometheusUrl, '--config', file], {PATH: `${fakeBin}:/usr/sbin:/usr/bin:/sbin:/bin`});
	assert.equal(result.code, 0, result.stderr);
	const config = parseConfigText(readFileSync(file, 'utf8'), file);
	assert.deepEqual(config.drill.points, [{host: 'm1', via: 'local'}]);
});

test('without a terminal and without --yes: the proposal on stdout, no file', async () => {
	const file = join(directory, 'not-written.yaml');
	const result = await labwatch(['init', '--kubeconfig', kindKubeconfig, '--prometheus', prometheusUrl, '--config', file], {PATH: emptyBin});
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stdout, /^# labwatch configuration, proposed by `labwatch init`/);
	parseConfigText(result.stdout, 'stdout');
	assert.match(result.stderr, /^labwatch init: no terminal: printed the proposal \(2 clusters on 2 hosts, \d+ guesses to check\), wrote nothing; pass --yes to write .*not-written\.yaml\n$/);
	assert.equal(existsSync(file), false);
});

test('an existing file is never overwritten without --force; --force replaces it atomically', async () => {
	const dir = join(directory, 'existing');
	mkdirSync(dir);
	const file = join(dir, 'config.yaml');
	writeFileSync(file, 'mine\n');
	const args = ['init', '--yes', '--kubeconfig', m1OnlyKubeconfig, '--prometheus', prometheusUrl, '--config', file];
	const refused = await labwatch(args, {PATH: emptyBin});
	assert.equal(refused.code, 2);
	assert.equal(refused.stderr, `labwatch: ${file}: already exists (pass --force to overwrite it)\n`);
	assert.equal(readFileSync(file, 'utf8'), 'mine\n');
	const forced = await labwatch([...args, '--force'], {PATH: emptyBin});
	assert.equal(forced.code, 0, forced.stderr);
	assert.match(readFileSync(file, 'utf8'), /^# labwatch configuration/);
	assert.deepEqual(readdirSync(dir), ['config.yaml']);
});

test('bad input: one line naming the flag or file, exit 2, nothing written', async () => {
	const file = join(directory, 'bad.yaml');
	const missing = await labwatch(['init', '--yes', '--kubeconfig', join(directory, 'nope.yaml'), '--config', file], {PATH: emptyBin});
	assert.equal(missing.code, 2);
	assert.equal(missing.stderr, `labwatch: kubeconfig ${join(directory, 'nope.yaml')}: no such file\n`);
	const badUrl = await labwatch(['init', '--yes', '--kubeconfig', kindKubeconfig, '--prometheus', '127.0.0.1:9090', '--config', file], {PATH: emptyBin});
	assert.equal(badUrl.code, 2);
	assert.equal(badUrl.stderr, 'labwatch: --prometheus: expected a URL like http://127.0.0.1:9090, got "127.0.0.1:9090"\n');
	assert.equal(existsSync(file), false);
});

test('no Prometheus where it was looked for: said in a comment, budgets from requests, still a valid file', async () => {
	const closed = `http://127.0.0.1:${await freePort()}`;
	const result = await labwatch(['init', '--kubeconfig', m1OnlyKubeconfig, '--prometheus', closed], {PATH: emptyBin});
	assert.equal(result.code, 0, result.stderr);
	assert.match(result.stdout, new RegExp(`^# found: no Prometheus answered at ${closed.replace(/[.]/g, '\\.')} \\(connection refused\\): budgets use Kubernetes requests\\.$`, 'm'));
	const config = parseConfigText(result.stdout, 'stdout');
	assert.equal(config.prometheus, undefined);
	// Without node_exporter, memory is guessed from the kind nodes: one 2 GiB Docker VM slice, plus 2 GiB.
	assert.equal(config.hosts.m1!.memory, 4 * 2 ** 30);
});

test('in a terminal: shows the proposal and writes only on yes', async () => {
	const terminal = (answer: string) => {
		const stdin = Object.assign(new PassThrough(), {isTTY: true}) as unknown as NodeJS.ReadStream;
		const stdout = Object.assign(new PassThrough(), {isTTY: true}) as unknown as NodeJS.WriteStream & PassThrough;
		let shown = '';
		stdout.on('data', chunk => {
			shown += chunk;
			if (String(chunk).includes('[y/N]')) (stdin as unknown as PassThrough).write(`${answer}\n`);
		});
		return {stdin, stdout, shown: () => shown};
	};
	const file = join(directory, 'asked.yaml');
	const env = {...process.env, PATH: emptyBin, KUBECONFIG: ''};
	const no = terminal('n');
	assert.equal(await runInit({configFlag: file, kubeconfigFlag: m1OnlyKubeconfig, prometheusFlag: prometheusUrl, yes: false, force: false, env, stdin: no.stdin, stdout: no.stdout}), 0);
	assert.match(no.shown(), /Write this to .*asked\.yaml\? \[y\/N\] /);
	assert.match(no.shown(), /nothing written\n$/);
	assert.equal(existsSync(file), false);
	const yes = terminal('y');
	assert.equal(await runInit({configFlag: file, kubeconfigFlag: m1OnlyKubeconfig, prometheusFlag: prometheusUrl, yes: false, force: false, env, stdin: yes.stdin, stdout: yes.stdout}), 0);
	assert.match(yes.shown(), /\[y\/N\] wrote .*asked\.yaml/);
	parseConfigText(readFileSync(file, 'utf8'), file);
});

test('no kubeconfig anywhere: --yes writes the homelab defaults; without it, one line and exit 2', async () => {
	const home = {HOME: join(directory, 'empty-home'), KUBECONFIG: '', PATH: emptyBin};
	const file = join(directory, 'defaults.yaml');
	const refused = await labwatch(['init', '--config', file], home);
	assert.equal(refused.code, 2);
	assert.match(refused.stderr, /^labwatch: kubeconfig .*empty-home\/\.kube\/config: no such file: nothing to look at \(pass --kubeconfig FILE, or --yes to write the homelab's defaults\)\n$/);
	assert.equal(existsSync(file), false);
	const written = await labwatch(['init', '--yes', '--config', file], home);
	assert.equal(written.code, 0, written.stderr);
	assert.deepEqual(Object.keys(parseConfigText(readFileSync(file, 'utf8'), file).clusters), ['m1', 'm2']);
});

test('contexts that are not the homelab\'s (a cloud cluster) are listed, never asked', async t => {
	let asked = 0;
	const cloud = createServer((_req, res) => {
		asked++;
		res.writeHead(500).end();
	});
	await new Promise<void>(resolve => cloud.listen(0, '127.0.0.1', resolve));
	t.after(() => cloud.close());
	const kube = parse(asKind(sim.kubeconfigYaml(), 'm1'));
	kube.clusters.push({name: 'cloud', cluster: {server: `http://127.0.0.1:${(cloud.address() as AddressInfo).port}`, 'insecure-skip-tls-verify': true}});
	kube.contexts.push({name: 'prod-cloud', context: {cluster: 'cloud', user: 'sim-user'}});
	const file = join(directory, 'with-cloud.yaml');
	writeFileSync(file, stringify(kube));
	const stdout = Object.assign(new PassThrough(), {isTTY: false}) as unknown as NodeJS.WriteStream & PassThrough;
	const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
	let text = '';
	stdout.on('data', chunk => (text += chunk));
	const stdin = Object.assign(new PassThrough(), {isTTY: false}) as unknown as NodeJS.ReadStream;
	const code = await runInit({configFlag: join(directory, 'unused.yaml'), kubeconfigFlag: file, prometheusFlag: prometheusUrl, yes: false, force: false, env: {...process.env, PATH: emptyBin, KUBECONFIG: ''}, stdin, stdout, stderr});
	assert.equal(code, 0);
	assert.match(text, /^# found: context prod-cloud not proposed: not a kind, minikube or kubeadm context$/m);
	assert.deepEqual(Object.keys(parseConfigText(text, 'stdout').clusters), ['m1']);
	assert.equal(asked, 0, 'the cloud API was never contacted');
});
