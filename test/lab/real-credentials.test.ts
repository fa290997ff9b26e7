// labwatch against one REAL kube-apiserver bootstrapped without Submariner's CRDs (lab/): no gateway
// line and no error, and a kubeconfig whose client certificate comes from another CA: "unauthorized".
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {parse, stringify} from 'yaml';
import {ensureLabBinary} from '../../lab/build.js';
import {startRealCluster, type RealCluster} from '../../lab/cluster.js';
import {openLab, startWatching} from '../../source/lab.js';
import {needs, hasCommand} from '../support/infra.js';
import {ClusterWriter, labAvailable, labReason, labwatch, until, writeLabwatchConfig} from './support.js';

const available = await labAvailable();
const directory = mkdtempSync(join(tmpdir(), 'labwatch-realcreds-'));
let bare: RealCluster | undefined;

before(async () => {
	if (!available) return;
	bare = await startRealCluster({name: 'bare', binary: await ensureLabBinary(), submariner: false, controllerManager: false});
	const writer = new ClusterWriter(bare.kubeconfigPath, bare.context);
	await writer.node('bare-control-plane', {ready: true, memoryGiB: 8});
	await writer.pod('default', 'web-1', 'bare-control-plane');
	await writer.podRunning('default', 'web-1');
});

after(async () => {
	await bare?.stop();
	rmSync(directory, {recursive: true, force: true});
});

test('real cluster without Submariner CRDs: live and OK, gateways marked missing, no gateway line and no error in check', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	const config = writeLabwatchConfig(directory, 'bare.yaml', bare!.kubeconfigPath, {bare: bare!.context});
	const lab = await openLab({configFlag: config});
	const stop = await startWatching(lab);
	t.after(async () => {
		stop();
		await lab.close();
	});
	const view = () => lab.store.snapshot().clusters[0]!;
	await until('bare live', () => view().connection.phase === 'live', 15_000);
	await until('its pod running', () => view().podCounts.running === 1);
	assert.equal(view().synced.gateways, true, 'gateways count as synced: nothing to wait for');
	assert.deepEqual(view().gateways, []);
	assert.equal(view().resources?.gateways.error, undefined);
	assert.deepEqual(lab.store.snapshot().gateways, []);
	assert.equal(lab.store.snapshot().verdict.level, 'ok', lab.store.snapshot().verdict.reasons.join('; '));

	const env = {XDG_STATE_HOME: directory};
	const text = await labwatch(['check', '--config', config, '--timeout', '10s'], env);
	assert.equal(text.code, 0, text.stdout + text.stderr);
	assert.match(text.stdout, /^LABWATCH OK - 1\/1 clusters live\nbare OK live, nodes 1\/1 Ready, pods 1 running 0 failing 0 pending 0 failed 0 succeeded of 1\n/);
	// No gateway line and no error; the plan's checklist says, in its own line, that Submariner is not there.
	const lines = text.stdout.split('\n');
	assert.doesNotMatch(lines.filter(line => !line.startsWith('phase ')).join('\n'), /gateway|submariner/i);
	assert.ok(lines.includes('phase 3 failed bare Submariner gateway connected: bare: Submariner not installed (no gateways.submariner.io API)'), text.stdout);
	const json = JSON.parse((await labwatch(['check', '--config', config, '--json', '--timeout', '10s'], env)).stdout);
	assert.deepEqual(json.gateways, []);
	assert.equal(json.clusters[0].resources.gateways.error, null);
});

test('real cluster, a client certificate from another CA: unauthorized, naming the context, in the store and in check', {timeout: 60_000}, async t => {
	if (!needs(t, available, labReason)) return;
	if (!needs(t, hasCommand('openssl'), 'needs openssl to make a certificate from another CA')) return;
	// A self-signed certificate for the same user name and group: right shape, wrong issuer.
	const key = join(directory, 'other.key');
	const cert = join(directory, 'other.crt');
	await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/O=system:masters/CN=kubernetes-admin']);
	const kubeconfig = parse(readFileSync(bare!.kubeconfigPath, 'utf8')) as {users: Array<{name: string; user: Record<string, string>}>};
	const {user} = kubeconfig.users.find(each => each.name === bare!.context)!;
	user['client-certificate-data'] = readFileSync(cert).toString('base64');
	user['client-key-data'] = readFileSync(key).toString('base64');
	const badKubeconfig = join(directory, 'bad-cert.yaml');
	writeFileSync(badKubeconfig, stringify(kubeconfig), {mode: 0o600});
	const config = writeLabwatchConfig(directory, 'bad-cert.yaml.config', badKubeconfig, {bare: bare!.context});

	const lab = await openLab({configFlag: config});
	const stop = await startWatching(lab);
	t.after(async () => {
		stop();
		await lab.close();
	});
	const view = () => lab.store.snapshot().clusters[0]!;
	const phases: string[] = [];
	t.after(lab.store.subscribe(() => {
		if (phases.at(-1) !== view().connection.phase) phases.push(view().connection.phase);
	}));
	const expected = `unauthorized: check the credentials of context ${bare!.context}`;
	await until('unauthorized', () => view().connection.reason === expected, 15_000).catch(() =>
		assert.fail(`${view().connection.phase}: ${view().connection.reason}; resources ${JSON.stringify(view().resources)}`),
	);
	await until('unreachable', () => view().connection.phase === 'unreachable', 10_000);
	assert.ok(!phases.includes('live'), `never live; phases: ${phases.join(' → ')}`);

	const env = {XDG_STATE_HOME: directory};
	const text = await labwatch(['check', '--config', config, '--timeout', '10s'], env);
	assert.equal(text.code, 2, text.stdout + text.stderr);
	assert.match(text.stdout, new RegExp(`^bare CRITICAL unreachable( since \\S+)?: ${expected}$`, 'm'));
	const json = JSON.parse((await labwatch(['check', '--config', config, '--json', '--timeout', '10s'], env)).stdout);
	assert.equal(json.status, 'CRITICAL');
	assert.equal(json.clusters[0].connection.reason, expected);
});
