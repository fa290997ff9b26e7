// Probes run from inside a cluster: the kubectl argv (an array, never a shell string), the check's output
// read, and every way it can fail said in words. The success path runs against a stand-in kubectl
// (fixtures/fake-kubectl.sh) that runs the check here, as the container would: the lab's real apiserver has
// no kubelet, so a real `kubectl exec` can only fail (from-cluster-real.test.ts shows that failure).
import {test, after, before} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {probeTargetSchema} from '../../source/config/schema.js';
import {checkArgv, fromArgv, fromErrorWords, kubectlTargets, parseCheckOutput} from '../../source/probes/from-cluster.js';
import {runProbeOnce} from '../../source/probes/run-once.js';
import {hasCommand} from '../support/infra.js';

const fake = join(import.meta.dirname, 'fixtures/fake-kubectl.sh');
const directory = mkdtempSync(join(tmpdir(), 'labwatch-from-'));
const log = join(directory, 'kubectl.log');
let url = '';
let server: http.Server;

before(async () => {
	chmodSync(fake, 0o755);
	process.env.FAKE_KUBECTL_LOG = log;
	server = http.createServer((req, res) => {
		if (req.url === '/fail') res.writeHead(503).end('down');
		else res.writeHead(200, {'content-type': 'application/json'}).end('{"served_by": "gw-m1"}');
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
	server.closeAllConnections();
	server.close();
	rmSync(directory, {recursive: true, force: true});
});

const probe = (fields: Record<string, unknown>) => probeTargetSchema.parse({name: 'm1-from-m2', timeout: '2s', interval: '30s', ...fields});
const exec = {via: 'exec', cluster: 'm2', namespace: 'data', pod: 'toolbox'};
const target = {context: 'kind-m2', kubeconfig: '/home/me/.kube/config-m2', kubectl: fake};
const calls = () => readFileSync(log, 'utf8').trim().split('\n').map(line => line.trim());
const lastArgv = () => calls().at(-1)!;

test('argv: kubectl exec into the named pod and container, the check after --, its inputs as arguments', () => {
	const configured = probe({http: 'http://10.43.0.10:8080/healthz?x=$(reboot)', from: {...exec, container: 'main'}});
	const argv = fromArgv(configured, configured.from!, 2000, {context: 'kind-m2', kubeconfig: '/k/config-m2'});
	assert.deepEqual(argv.slice(0, 13), ['kubectl', '--kubeconfig', '/k/config-m2', '--context', 'kind-m2', 'exec', '-n', 'data', 'toolbox', '-c', 'main', '--', 'sh']);
	// The script is fixed; the URL is its $1, never pasted into it.
	assert.equal(argv[13], '-c');
	assert.doesNotMatch(argv[14]!, /reboot|10\.43/);
	assert.deepEqual(argv.slice(15), ['labwatch-probe', 'http://10.43.0.10:8080/healthz?x=$(reboot)', '2']);
});

test('argv: a TCP check, a user command with placeholders, a short-lived pod', () => {
	const tcp = probe({tcp: '10.43.0.5:5432', from: exec});
	assert.deepEqual(checkArgv(tcp, tcp.from!, 1500).slice(3), ['labwatch-probe', '10.43.0.5', '5432', '2']);
	const own = probe({http: 'http://[fd00::1]:8080/x', from: {...exec, command: ['curl', '-m', '{timeout}', '{url}', '--resolve', 'h:{port}:{host}']}});
	assert.deepEqual(checkArgv(own, own.from!, 3000), ['curl', '-m', '3', 'http://[fd00::1]:8080/x', '--resolve', 'h:8080:fd00::1']);
	const pod = probe({http: 'http://10.43.0.10/', from: {via: 'pod', cluster: 'm2', namespace: 'default', image: 'curlimages/curl:8.10.1', startTimeout: '20s'}});
	const argv = fromArgv(pod, pod.from!, 2000, {context: 'kind-m2'}, 'labwatch-probe-m1-from-m2-abc123');
	assert.deepEqual(argv.slice(0, argv.indexOf('--') + 2), [
		'kubectl', '--context', 'kind-m2', 'run', 'labwatch-probe-m1-from-m2-abc123', '-n', 'default', '--image=curlimages/curl:8.10.1',
		'--restart=Never', '--attach', '--quiet', '--pod-running-timeout=20s',
		'--labels=app.kubernetes.io/managed-by=labwatch,labwatch/probe=m1-from-m2', '--command', '--', 'sh',
	]);
});

test('config: from names a configured cluster, a valid pod, image and command; marker.header is refused with from', () => {
	const bad = (from: unknown, extra: Record<string, unknown> = {}) => {
		const parsed = probeTargetSchema.safeParse({name: 'p', http: 'http://10.0.0.1/', from, ...extra});
		assert.equal(parsed.success, false, JSON.stringify(from));
		return parsed.error!.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`).join('; ');
	};
	assert.match(bad({via: 'ssh', cluster: 'm2'}), /from\.via/);
	assert.match(bad({...exec, pod: 'Tool Box'}), /from\.pod: expected a pod name/);
	assert.match(bad({via: 'pod', cluster: 'm2', namespace: 'default', image: 'a b'}), /from\.image: expected an image like busybox:1\.36/);
	assert.match(bad({...exec, command: []}), /from\.command/);
	assert.match(bad(exec, {marker: {header: 'X-Served-By'}}), /marker\.header: a probe run with from: sees the body only: use marker\.json/);
	assert.match(bad({via: 'pod', cluster: 'm2', namespace: 'default', image: 'busybox:1.36'}, {interval: '5s'}), /interval: a probe with from\.via: pod starts a pod every run: expected an interval of 30s or more/);
	const resolve = kubectlTargets({kubeconfig: '/k/all', clusters: {m1: {context: 'c1'}, m2: {context: 'c2', kubeconfig: '/k/m2'}}});
	assert.deepEqual([resolve('m1'), resolve('m2'), resolve('m3')], [{context: 'c1', kubeconfig: '/k/all'}, {context: 'c2', kubeconfig: '/k/m2'}, undefined]);
});

test('output: the trailer the default check prints gives the status and the time measured inside', () => {
	assert.deepEqual(parseCheckOutput('{"served_by":"gw-m1"}\nlabwatch-probe status=200 seconds=0.001234\n'), {body: '{"served_by":"gw-m1"}', status: 200, insideMs: 1.234});
	assert.deepEqual(parseCheckOutput('labwatch-probe status=000 seconds=0.000000\n'), {body: '', status: 0, insideMs: 0});
	assert.deepEqual(parseCheckOutput('plain body'), {body: 'plain body'});
});

test('words: kubectl and the check, in a few words, made safe', () => {
	const from = probeTargetSchema.parse({name: 'p', http: 'http://x/', from: {...exec, container: 'main'}}).from!;
	assert.equal(fromErrorWords('Error from server (NotFound): pods "toolbox" not found\n', {from}), 'pod data/toolbox not found');
	assert.equal(fromErrorWords('error: container main is not valid for pod toolbox\n', {from}), 'container main not found in data/toolbox');
	assert.equal(fromErrorWords('error: unable to upgrade connection: pod does not exist\n', {from}), 'exec: no kubelet answers for data/toolbox (unable to upgrade connection: pod does not exist)');
	// What a kube-apiserver without kubelets says (seen on the lab's), each in words.
	assert.equal(fromErrorWords('Error from server (BadRequest): pod toolbox does not have a host assigned\n', {from}), 'exec: pod data/toolbox is on no node (not scheduled: no kubelet runs it)');
	assert.equal(fromErrorWords('Error from server: no preferred addresses found; known addresses: []\n', {from}), 'exec: no kubelet answers for data/toolbox (no preferred addresses found; known addresses: [])');
	assert.equal(fromErrorWords('Error from server (NotFound): pods "m2-worker" not found\n', {from}), 'exec: no kubelet answers for data/toolbox (its node m2-worker is not known)');
	assert.equal(fromErrorWords('wget: can\'t connect to remote host (10.0.0.1): Connection refused\ncommand terminated with exit code 1\n', {from}), "wget: can't connect to remote host (10.0.0.1): Connection refused");
	assert.equal(fromErrorWords('The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n', {from}), "cannot reach the cluster's API: The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?");
	assert.equal(fromErrorWords('curl: (28) Connection timed out after 2001 milliseconds\ncommand terminated with exit code 28\n', {from}), 'curl: (28) Connection timed out after 2001 milliseconds');
	assert.equal(fromErrorWords('\u001b]0;owned\u0007wget: bad address \u001b[31m\'x\'\n', {from}), "wget: bad address 'x'");
	assert.equal(fromErrorWords('', {from, exitCode: 3}), 'exit 3');
});

test('exec through kubectl: the body read for the marker, the time measured inside (curl) or around kubectl', async t => {
	if (!hasCommand('curl')) return t.skip('needs curl (the default check uses it when the container has it)');
	const marked = probe({http: `${url}/healthz`, from: exec, marker: {json: 'served_by', values: {m2: 'gw-m2', m1: 'gw-m1'}}});
	const result = await runProbeOnce(marked, {kubectl: kubectlTargets({clusters: {m2: {context: 'kind-m2', kubeconfig: '/k/m2'}}}, fake)});
	assert.equal(result.ok, true, result.error);
	assert.deepEqual([result.status, result.gateway, result.latencyFrom], [200, 'm1', 'inside']);
	assert.ok(result.latencyMs! >= 0 && result.latencyMs! < 2000);
	assert.match(lastArgv(), /^--kubeconfig \/k\/m2 --context kind-m2 exec -n data toolbox -- sh -c /);

	const own = probe({http: `${url}/healthz`, from: {...exec, command: ['curl', '-sS', '{url}']}, marker: {json: 'served_by'}});
	const around = await runProbeOnce(own, {kubectl: () => target});
	assert.deepEqual([around.ok, around.gateway, around.latencyFrom], [true, 'gw-m1', 'around-exec']);

	const failing = await runProbeOnce(probe({http: `${url}/fail`, from: exec}), {kubectl: () => target});
	assert.deepEqual([failing.ok, failing.status, failing.error], [false, 503, 'HTTP 503']);
});

test('a short-lived pod: the check runs, no latency claimed unless measured inside', async () => {
	const pod = probe({http: `${url}/healthz`, from: {via: 'pod', cluster: 'm2', namespace: 'default', image: 'busybox:1.36', command: ['cat', '/dev/null']}});
	const result = await runProbeOnce(pod, {kubectl: () => target});
	assert.deepEqual([result.ok, result.latencyMs, result.latencyFrom], [true, undefined, undefined]);
	const [run, remove] = calls().slice(-2);
	const name = /run (labwatch-probe-m1-from-m2-[0-9a-f]{6}) -n default --image=busybox:1\.36 --restart=Never --attach/.exec(run!)?.[1];
	assert.ok(name, run);
	assert.match(remove!, new RegExp(`delete pod ${name} -n default --ignore-not-found`), 'the pod goes after the run');
});

test('a probe that cannot run says why: kubectl missing, pod missing, image pull failed', async () => {
	const missingKubectl = await runProbeOnce(probe({http: url, from: exec}), {kubectl: () => ({context: 'c', kubectl: join(directory, 'no-such-kubectl')})});
	assert.deepEqual([missingKubectl.ok, missingKubectl.error], [false, `${join(directory, 'no-such-kubectl')} not found`]);
	const noCluster = await runProbeOnce(probe({http: url, from: exec}), {kubectl: () => undefined});
	assert.deepEqual([noCluster.ok, noCluster.error], [false, 'no cluster m2 in the config']);
	const missingPod = await runProbeOnce(probe({http: url, from: {...exec, pod: 'missing'}}), {kubectl: () => target});
	assert.deepEqual([missingPod.ok, missingPod.error], [false, 'pod data/missing not found']);
	const badImage = await runProbeOnce(probe({http: url, from: {via: 'pod', cluster: 'm2', namespace: 'default', image: 'bad/image:1'}}), {kubectl: () => target});
	assert.equal(badImage.ok, false);
	assert.equal(badImage.error, 'image pull failed: ErrImagePull: pull access denied for bad/image repository does not exist');
	const recent = calls().slice(-3);
	assert.match(recent[1]!, /^--kubeconfig \/home\/me\/.kube\/config-m2 --context kind-m2 get pod labwatch-probe-m1-from-m2-[0-9a-f]{6} -n default -o json$/);
	assert.match(recent[2]!, /^--kubeconfig \/home\/me\/.kube\/config-m2 --context kind-m2 delete pod labwatch-probe-m1-from-m2-[0-9a-f]{6} -n default --ignore-not-found/);
});

test('a pod that hangs is killed at its deadline and deleted', async () => {
	writeFileSync(log, '');
	const started = Date.now();
	const hung = await runProbeOnce(probe({http: url, timeout: '100ms', from: {via: 'pod', cluster: 'm2', namespace: 'default', image: 'hang:1', startTimeout: '100ms'}}), {kubectl: () => target});
	assert.equal(hung.ok, false);
	// The stand-in's `get pod` answers with a failed pull: the reason beats "no answer".
	assert.match(hung.error!, /^image pull failed: ErrImagePull/);
	const made = calls();
	const name = /run (labwatch-probe-m1-from-m2-[0-9a-f]{6})/.exec(made[0]!)![1];
	assert.ok(made.some(call => call.includes(`delete pod ${name} -n default`)), made.join('\n'));
	assert.ok(Date.now() - started < 15_000);
});
