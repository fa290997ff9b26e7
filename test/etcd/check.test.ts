// `labwatch check` with an etcd: section, against the simulated homelab's clusters and three real Debian etcd
// members: the members' lines and JSON, quorum lost is CRITICAL (exit 2) with the reason, and no section means
// no etcd key at all (the feature is off).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Writable} from 'node:stream';
import {stringify} from 'yaml';
import {startHomelab} from '../../source/sim/homelab.js';
import {runCheck} from '../../source/check.js';
import {hasCommand, needs} from '../support/infra.js';
import {startTestEtcd, until} from './cluster.js';

async function check(configPath: string, json: boolean): Promise<{code: number; out: string}> {
	let out = '';
	const stdout = new Writable({
		write(chunk, _encoding, done) {
			out += chunk;
			done();
		},
	});
	const code = await runCheck({configFlag: configPath, json, timeoutMs: 5000, stdout});
	return {code, out};
}

test('check shows each etcd member and the leader; quorum lost is CRITICAL with the reason; no section, no etcd', async t => {
	if (!needs(t, hasCommand('etcd'), 'Debian etcd-server (etcd) is not installed')) return;
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-etcd-check-'));
	const previousState = process.env.XDG_STATE_HOME;
	process.env.XDG_STATE_HOME = directory;
	const sim = await startHomelab({life: false});
	t.after(async () => {
		await sim.stop();
		if (previousState === undefined) delete process.env.XDG_STATE_HOME;
		else process.env.XDG_STATE_HOME = previousState;
		rmSync(directory, {recursive: true, force: true});
	});
	const etcd = await startTestEtcd(t);
	const kubeconfig = join(directory, 'kubeconfig.yaml');
	writeFileSync(kubeconfig, sim.kubeconfigYaml());
	const config = sim.configFor(kubeconfig) as any;
	for (const host of Object.values(config.hosts) as any[]) {
		host.memory = '64GiB';
		host.plan = {};
	}
	const plain = join(directory, 'plain.yaml');
	writeFileSync(plain, stringify(config));
	const withEtcd = join(directory, 'etcd.yaml');
	writeFileSync(withEtcd, stringify({...config, etcd: {members: etcd.members}}));

	const off = await check(plain, true);
	assert.equal(JSON.parse(off.out).etcd, undefined, 'no etcd: section, no etcd key');

	const healthy = await until('a leader seen by check', async () => {
		const result = await check(withEtcd, false);
		return /^etcd OK leader etcd-\d, quorum 3\/3, reads ok$/m.test(result.out) ? result : undefined;
	});
	assert.equal(healthy.code, 0, healthy.out);
	assert.match(healthy.out, /^ {2}etcd-\d leader, term \d+, index \d+, \d+ leader changes?$/m);
	assert.equal(healthy.out.match(/^ {2}etcd-\d follower, term \d+/gm)?.length, 2);
	const json = JSON.parse((await check(withEtcd, true)).out);
	assert.equal(json.etcd.status, 'OK');
	assert.equal(json.etcd.members.length, 3);
	assert.equal(json.etcd.members.filter((member: any) => member.isLeader).length, 1);
	assert.equal(typeof json.etcd.members[0].term, 'number');

	// Two of three stopped (as the drill's second stop does): no quorum.
	for (const member of etcd.members.slice(0, 2)) execFileSync(member.stop[0]!, member.stop.slice(1));
	const lost = await check(withEtcd, false);
	assert.equal(lost.code, 2, lost.out);
	assert.match(lost.out, /^LABWATCH CRITICAL - etcd quorum lost: 1\/3 members up, 2 needed \(down: etcd-0 \(connection refused\), etcd-1 \(connection refused\)\)$/m);
	// The member left may still call itself leader for an election timeout (it has not yet missed its quorum).
	const leaderless = await until('the last member to give up leading', async () => {
		const result = await check(withEtcd, false);
		return /^etcd CRITICAL no leader, QUORUM LOST 1\/3 \(2 needed\), reads fail: timeout after 1s$/m.test(result.out) ? result : undefined;
	});
	assert.equal(leaderless.code, 2);
	const lostJson = JSON.parse((await check(withEtcd, true)).out);
	assert.equal(lostJson.status, 'CRITICAL');
	assert.equal(lostJson.etcd.quorum, false);
	assert.equal(lostJson.etcd.leader, null);
	assert.ok(lostJson.reasons.some((reason: string) => reason.startsWith('etcd has no leader')));
});
