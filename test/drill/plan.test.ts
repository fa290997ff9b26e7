// Pure: the plan's exact argument arrays per via, validation, and reading iptables -S back.
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {configSchema, type ConfigInput} from '../../source/config/schema.js';
import {homelabDefaults} from '../../source/config/defaults.js';
import {planPoint, resolvePoints, orderForCut} from '../../source/drill/plan.js';
import {chainState, parseListing, splitRuleLine, verifyCut, verifyHeal} from '../../source/drill/rules.js';
import {validChain, validContainer, validDrillId, validIpv4, validNetns, validSshDestination} from '../../source/drill/validate.js';
import {scheduleArgv, healScript} from '../../source/drill/deadman.js';
import {shellQuote} from '../../source/drill/argv.js';
import type {EnforcementPoint} from '../../source/drill/types.js';

const config = (drill?: ConfigInput['drill']) => configSchema.parse({...homelabDefaults, ...(drill ? {drill} : {})});
const tag = ['-m', 'comment', '--comment', 'labwatch:d1'];

describe('plan', () => {
	it('defaults to m1, local, dropping m2 both ways, jumps at the top of INPUT and OUTPUT', () => {
		const points = resolvePoints(config());
		assert.ok(points.ok);
		assert.deepEqual(points.value.map(point => point.label), ['m1 (local)']);
		const plan = planPoint(points.value[0]!, 'LABWATCH-PARTITION', 'd1', 60_000);
		assert.deepEqual(plan.cut, [
			['iptables', '-w', '-N', 'LABWATCH-PARTITION'],
			['iptables', '-w', '-A', 'LABWATCH-PARTITION', '-s', '192.168.1.20', ...tag, '-j', 'DROP'],
			['iptables', '-w', '-A', 'LABWATCH-PARTITION', '-d', '192.168.1.20', ...tag, '-j', 'DROP'],
			['iptables', '-w', '-I', 'INPUT', '1', '-j', 'LABWATCH-PARTITION'],
			['iptables', '-w', '-I', 'OUTPUT', '1', '-j', 'LABWATCH-PARTITION'],
		]);
		assert.deepEqual(plan.heal, [
			['iptables', '-w', '-D', 'INPUT', '-j', 'LABWATCH-PARTITION'],
			['iptables', '-w', '-D', 'OUTPUT', '-j', 'LABWATCH-PARTITION'],
			['iptables', '-w', '-D', 'FORWARD', '-j', 'LABWATCH-PARTITION'],
			['iptables', '-w', '-F', 'LABWATCH-PARTITION'],
			['iptables', '-w', '-X', 'LABWATCH-PARTITION'],
		]);
		assert.ok(!plan.heal.flat().includes('-F') || plan.heal.every(argv => argv[argv.indexOf('-F') + 1] !== undefined), 'never a bare -F');
	});

	it('prefixes each via and adds FORWARD for docker', () => {
		const points = resolvePoints(
			config({
				points: [
					{host: 'm1', via: 'sudo'},
					{host: 'm2', via: 'ssh', destination: 'root@192.168.1.20'},
					{host: 'm1', via: 'docker', container: 'm1-cluster-control-plane'},
					{host: 'm1', via: 'netns', netns: 'lab-a'},
					{host: 'm2', via: 'sim', url: 'http://127.0.0.1:7000/'},
				],
			}),
		);
		assert.ok(points.ok, points.ok ? '' : points.error);
		const [sudo, ssh, docker, netns, sim] = points.value.map(point => planPoint(point, 'LABWATCH-PARTITION', 'd1', 60_000));
		assert.deepEqual(sudo!.cut[0], ['sudo', '-n', 'iptables', '-w', '-N', 'LABWATCH-PARTITION']);
		assert.deepEqual(ssh!.cut[0], ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', 'root@192.168.1.20', '--', "'iptables' '-w' '-N' 'LABWATCH-PARTITION'"]);
		assert.equal(ssh!.point.peers[0], '192.168.1.10', 'm2 drops m1');
		assert.deepEqual(docker!.cut[0], ['docker', 'exec', 'm1-cluster-control-plane', 'iptables', '-w', '-N', 'LABWATCH-PARTITION']);
		assert.deepEqual(docker!.cut.at(-1), ['docker', 'exec', 'm1-cluster-control-plane', 'iptables', '-w', '-I', 'FORWARD', '1', '-j', 'LABWATCH-PARTITION']);
		assert.equal(netns!.cut.length, 5, 'no FORWARD jump for a netns point');
		assert.deepEqual(netns!.cut[0], ['ip', 'netns', 'exec', 'lab-a', 'iptables', '-w', '-N', 'LABWATCH-PARTITION']);
		assert.deepEqual(sim!.cut[0]!.slice(0, 2), ['POST', 'http://127.0.0.1:7000/_sim/partition']);
		assert.deepEqual(sim!.heal[0]!.slice(0, 2), ['POST', 'http://127.0.0.1:7000/_sim/heal']);
		// Remote points first, so a local cut never severs the path to one still to cut.
		assert.deepEqual(orderForCut(points.value).map(point => point.via), ['ssh', 'docker', 'sim', 'sudo', 'netns']);
	});

	it('rejects bad addresses, names and missing fields before anything runs', () => {
		const bad = (drill: ConfigInput['drill']) => {
			const result = resolvePoints(configSchema.parse({...homelabDefaults, drill}));
			assert.equal(result.ok, false);
			return result.ok ? '' : result.error;
		};
		assert.match(bad({points: [{host: 'm1', via: 'ssh'}]}), /via ssh needs destination/);
		assert.match(bad({points: [{host: 'm1', via: 'ssh', destination: '-oProxyCommand.x'}]}), /invalid ssh destination/);
		assert.match(bad({points: [{host: 'm1', via: 'netns', netns: '-n'}]}), /invalid network namespace name/);
		assert.match(bad({points: [{host: 'm1', via: 'docker'}]}), /via docker needs container/);
		assert.match(bad({points: [{host: 'm1', via: 'sim'}]}), /via sim needs url/);
		assert.match(bad({points: [{host: 'm1', via: 'local'}, {host: 'm1', via: 'local'}]}), /listed twice/);
		assert.match(bad({points: [{host: 'm1', via: 'local', peers: []}]}), /no peer addresses/);
		for (const value of ['256.1.1.1', '1.2.3', '1.2.3.4; rm -rf /', '01.2.3.4x', '', '::1']) assert.equal(validIpv4(value).ok, false, value);
		assert.equal(validIpv4('10.0.0.1').ok, true);
		for (const value of ['INPUT', 'LABWATCH-', 'LABWATCH-x', 'LABWATCH-TOO-LONG-FOR-IPTABLES', 'LABWATCH-A B']) assert.equal(validChain(value).ok, false, value);
		assert.equal(validChain('LABWATCH-PARTITION').ok, true);
		for (const value of ['-it', 'a b', "a'b", '']) assert.equal(validContainer(value).ok, false, value);
		for (const value of ['-x', '.', '..', 'a/b']) assert.equal(validNetns(value).ok, false, value);
		for (const value of ['-oProxyCommand', 'root@-x', 'a b', 'root@host;id']) assert.equal(validSshDestination(value).ok, false, value);
		for (const value of ['D1', 'd 1', 'd1"', 'x'.repeat(41)]) assert.equal(validDrillId(value).ok, false, value);
	});
});

describe('the dead-man timer command', () => {
	const point = (via: EnforcementPoint['via'], extra: Partial<EnforcementPoint> = {}): EnforcementPoint => ({host: 'm1', via, label: 'm1', peers: ['192.168.1.20'], ...extra});

	it('keeps the script constant and passes data as positional arguments', () => {
		assert.deepEqual(scheduleArgv(point('local'), 'LABWATCH-PARTITION', 'd1', 60_000), ['sh', '-c', healScript, 'sh', '60', 'LABWATCH-PARTITION', 'd1', 'iptables']);
		assert.deepEqual(scheduleArgv(point('netns', {netns: 'ns1'}), 'LABWATCH-PARTITION', 'd1', 2500).slice(4), ['3', 'LABWATCH-PARTITION', 'd1', 'ip', 'netns', 'exec', 'ns1', 'iptables']);
		assert.deepEqual(scheduleArgv(point('sudo'), 'LABWATCH-PARTITION', 'd1', 60_000).slice(0, 4), ['sudo', '-n', 'sh', '-c']);
		assert.deepEqual(scheduleArgv(point('docker', {container: 'kind-m1'}), 'LABWATCH-PARTITION', 'd1', 60_000).slice(0, 6), ['docker', 'exec', '-d', 'kind-m1', 'sh', '-c']);
		const ssh = scheduleArgv(point('ssh', {destination: 'root@m1'}), 'LABWATCH-PARTITION', 'd1', 60_000);
		assert.equal(ssh.at(-2), '--');
		assert.equal(ssh.at(-1), `nohup sh -c ${shellQuote(healScript)} sh '60' 'LABWATCH-PARTITION' 'd1' 'iptables' >/dev/null 2>&1 </dev/null & echo $!; echo $(ps -o lstart= -p $!)`);
	});
});

describe('reading iptables -S', () => {
	const listing = parseListing(
		[
			'-P INPUT ACCEPT',
			'-P FORWARD ACCEPT',
			'-P OUTPUT ACCEPT',
			'-N KUBE-SERVICES',
			'-N LABWATCH-PARTITION',
			'-A INPUT -j LABWATCH-PARTITION',
			'-A INPUT -j KUBE-SERVICES',
			'-A OUTPUT -j LABWATCH-PARTITION',
			'-A LABWATCH-PARTITION -s 192.168.1.20/32 -m comment --comment "labwatch:d1" -j DROP',
			'-A LABWATCH-PARTITION -d 192.168.1.20/32 -m comment --comment "labwatch:d1" -j DROP',
		].join('\n'),
	);

	it('splits quoted words', () => {
		assert.deepEqual(splitRuleLine('-A X -m comment --comment "a \\"b\\" c" -j DROP'), ['-A', 'X', '-m', 'comment', '--comment', 'a "b" c', '-j', 'DROP']);
	});

	it('finds our chain, its jumps and drill ids, and verifies a cut', () => {
		const state = chainState(listing, 'LABWATCH-PARTITION');
		assert.equal(state.exists, true);
		assert.equal(state.jumps.length, 2);
		assert.deepEqual(state.drillIds, ['d1']);
		assert.deepEqual(verifyCut(listing, 'LABWATCH-PARTITION', ['192.168.1.20'], 'd1', false), []);
		assert.match(verifyCut(listing, 'LABWATCH-PARTITION', ['192.168.1.20'], 'd2', false)[0]!, /no DROP -s 192.168.1.20 tagged labwatch:d2/);
		assert.match(verifyCut(listing, 'LABWATCH-PARTITION', ['192.168.1.20'], 'd1', true).join(), /FORWARD has 0 jumps/);
		assert.equal(verifyHeal(listing, 'LABWATCH-PARTITION').length, 5);
	});

	it('reports a jump that is not first', () => {
		const late = parseListing(['-N LABWATCH-PARTITION', '-A INPUT -j ACCEPT', '-A INPUT -j LABWATCH-PARTITION'].join('\n'));
		assert.ok(verifyCut(late, 'LABWATCH-PARTITION', [], 'd1', false).includes('the jump to LABWATCH-PARTITION is not first in INPUT'));
	});

	it('counts a table without our chain as healed', () => {
		assert.deepEqual(verifyHeal(parseListing('-P INPUT ACCEPT\n-N KUBE-SERVICES\n-A INPUT -j KUBE-SERVICES'), 'LABWATCH-PARTITION'), []);
	});
});
