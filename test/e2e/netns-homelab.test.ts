// The whole drill on real iptables: the simulated m1 and m2 run in two network namespaces joined by a
// veth pair, labwatch runs in m1's namespace and cuts with iptables there (via: local). What `check`
// reports must follow the real packets: m2 unreachable at once, m1's Submariner connection in error
// after Submariner's health check gives up, everything back after the heal, and no rule left behind.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, type ChildProcess, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {needs, hasCommand, isRoot} from '../support/infra.js';
import {createLab, waitFor} from '../drill/netns-lab.js';

const bin = join(import.meta.dirname, '../../dist/labwatch.js');

test('partition drill between two namespaces running the simulated clusters', async t => {
	if (!needs(t, isRoot && hasCommand('iptables') && hasCommand('ip'), 'needs root, iptables and iproute2 (network namespaces)')) return;
	assert.ok(existsSync(bin), 'dist/labwatch.js is built by npm test');
	const lab = createLab('h');
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-netns-'));
	const children: ChildProcess[] = [];
	try {
		const [portM1, portM2] = [16442, 16443];
		const urlM1 = `http://${lab.addressA}:${portM1}`;
		const urlM2 = `http://${lab.addressB}:${portM2}`;
		const simIn = (ns: string, args: string[]) => {
			const child = spawn('ip', ['netns', 'exec', ns, process.execPath, bin, 'sim', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
			children.push(child);
			return child;
		};
		simIn(lab.nsA, ['--only', 'm1', '--bind', lab.addressA, '--port', String(portM1), '--peer', urlM2]);
		simIn(lab.nsB, ['--only', 'm2', '--bind', lab.addressB, '--port', String(portM2), '--peer', urlM1]);
		const kubeconfig = join(directory, 'kubeconfig.yaml');
		writeFileSync(kubeconfig, stringify({
			apiVersion: 'v1',
			kind: 'Config',
			clusters: [
				{name: 'sim-m1', cluster: {server: urlM1, 'insecure-skip-tls-verify': true}},
				{name: 'sim-m2', cluster: {server: urlM2, 'insecure-skip-tls-verify': true}},
			],
			users: [{name: 'sim', user: {token: 'labwatch-sim-token'}}],
			contexts: [
				{name: 'sim-m1', context: {cluster: 'sim-m1', user: 'sim'}},
				{name: 'sim-m2', context: {cluster: 'sim-m2', user: 'sim'}},
			],
			'current-context': 'sim-m1',
		}));
		const config = join(directory, 'config.yaml');
		writeFileSync(config, stringify({
			kubeconfig,
			clusters: {m1: {context: 'sim-m1', host: 'm1'}, m2: {context: 'sim-m2', host: 'm2'}},
			// Roomy hosts: memory is not what this test is about.
			hosts: {m1: {memory: '64GiB', address: lab.addressA}, m2: {memory: '64GiB', address: lab.addressB}},
			drill: {ttl: '60s', points: [{host: 'm1', via: 'local'}]},
		}));
		const labwatch = (args: string[]) => {
			try {
				// `drills` reads reports, not the config, and refuses a --config it would ignore.
				const withConfig = args[0] === 'drills' ? args : [...args, '--config', config];
				const stdout = execFileSync('ip', ['netns', 'exec', lab.nsA, process.execPath, bin, ...withConfig], {
					encoding: 'utf8',
					env: {...process.env, XDG_STATE_HOME: directory},
					stdio: ['ignore', 'pipe', 'pipe'],
				});
				return {code: 0, stdout};
			} catch (error) {
				const failure = error as {status: number; stdout: string; stderr: string};
				return {code: failure.status, stdout: failure.stdout + failure.stderr};
			}
		};
		const check = () => {
			const result = labwatch(['check', '--json']);
			return {code: result.code, report: JSON.parse(result.stdout.slice(result.stdout.indexOf('{')))};
		};
		const m1Connection = (report: any) => report.gateways.find((gateway: any) => gateway.cluster === 'm1')?.gateways[0]?.connections[0]?.status;

		// Both simulated clusters up, their gateways pinging each other across the veth pair.
		await waitFor(() => {
			const {code, report} = check();
			return code === 0 && report.status === 'OK' && m1Connection(report) === 'connected';
		}, 20_000, 'both clusters live and connected');
		const before = lab.iptablesSave(lab.nsA);
		const beforeB = lab.iptablesSave(lab.nsB);

		const cut = labwatch(['partition', '--yes', '--ttl', '60s']);
		assert.equal(cut.code, 0, cut.stdout);
		assert.match(cut.stdout, /cut applied at m1 \(local\), verified/);
		assert.equal(lab.reachable(), false, 'packets to m2 are dropped');

		let {code, report} = check();
		assert.equal(code, 2);
		assert.equal(report.clusters[1].reachable, false);
		assert.equal(report.clusters[0].reachable, true);
		assert.equal(report.partition.active, true);
		assert.deepEqual(report.partition.points, ['m1 (local)']);
		// Submariner's health check: 1 s pings, 5 lost, then the next 5 s status sync.
		await waitFor(() => m1Connection(check().report) === 'error', 20_000, "m1's gateway connection to turn error");

		const heal = labwatch(['heal']);
		assert.equal(heal.code, 0, heal.stdout);
		assert.equal(lab.reachable(), true, 'packets flow again');
		await waitFor(() => {
			({code, report} = check());
			return code === 0 && m1Connection(report) === 'connected';
		}, 20_000, 'everything OK again');
		assert.equal(report.partition, undefined, 'no live cut, no leftover');
		assert.equal(lab.iptablesSave(lab.nsA), before, 'iptables in m1 as before the drill');
		assert.equal(lab.iptablesSave(lab.nsB), beforeB, 'nothing touched on m2');

		const drills = labwatch(['drills']);
		assert.equal(drills.code, 0);
		assert.match(drills.stdout, /m1 \(local\)/);
	} finally {
		for (const child of children) child.kill('SIGKILL');
		lab.dispose();
		rmSync(directory, {recursive: true, force: true});
	}
});
