// The built program in tmux against the simulated homelab's clusters and three real Debian etcd members:
// E shows the plan, y stops the leader and the banner shows the new leader with its time, a second E/y loses
// quorum, r then y starts both and the banner says healed. Leaves no process behind.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {startHomelab} from '../../source/sim/homelab.js';
import {hasCommand, needs} from '../support/infra.js';
import {bin, quote, tmux, waitFor} from '../support/tmux.js';
import {startTestEtcd} from './cluster.js';

test('labwatch in tmux: E plans, y stops the leader, a new one is shown; a second stop loses quorum; r y starts them', async t => {
	if (!needs(t, hasCommand('etcd'), 'Debian etcd-server (etcd) is not installed')) return;
	if (!needs(t, hasCommand('tmux'), 'tmux is not installed') || !needs(t, existsSync(bin), `${bin} is missing: run npm run build`)) return;
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-etcd-tmux-'));
	const sim = await startHomelab({life: false});
	const session = `labwatch-etcd-${process.pid}-${Date.now()}`;
	t.after(async () => {
		try {
			tmux('kill-session', '-t', session);
		} catch {
			// already gone
		}
		await sim.stop();
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
	const configPath = join(directory, 'config.yaml');
	writeFileSync(configPath, stringify({...config, etcd: {ttl: '2m', members: etcd.members}}));
	const command = ['env -u CI -u CONTINUOUS_INTEGRATION', `XDG_STATE_HOME=${quote(directory)}`, quote(process.execPath), quote(bin), '--config', quote(configPath), '; echo "labwatch-exit=$?"; sleep 30'].join(' ');
	tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', command);
	const screen = () => tmux('capture-pane', '-p', '-t', session);
	await waitFor('both clusters live', 20_000, () => /m2 · sim-m2/.test(screen()) && screen(), screen);

	tmux('send-keys', '-t', session, 'E');
	const plan = await waitFor('the plan', 10_000, () => /stop etcd-\d \(leader\) → /.test(screen()) && /\$ sh -c /.test(screen()) && screen(), screen);
	t.diagnostic(`plan:\n${plan}`);
	const leader = /stop (etcd-\d) \(leader\) → /.exec(plan)![1]!;
	assert.match(plan, /leader etcd-\d · quorum 3\/3 \(2 of 3 needed\)/);
	assert.match(plan, /member\.sh stop /);
	assert.match(plan, /stop etcd-\d \(leader\) → 2\/3 up after the stop: quorum kept/);
	assert.match(plan, /\$ sh -c "\$START_SCRIPT" sh 120 e\d{8}-\d{6}-[a-z0-9]+ \/.*member\.sh start /);
	assert.match(plan, /start \(r, or the timer above after the TTL\):/);
	tmux('send-keys', '-t', session, 'y');
	const stopped = await waitFor('a new leader in the banner', 15_000, () => new RegExp(`ETCD DRILL +stopped ${leader} · leader etcd-\\d · quorum 2/3`).test(screen()) && screen(), screen);
	t.diagnostic(`one stopped:\n${stopped}`);

	tmux('send-keys', '-t', session, 'E');
	await waitFor('the second plan', 10_000, () => /stop etcd-\d \((leader|follower)\) → 1\/3 up after the stop: QUORUM LOST/.test(screen()) && screen(), screen);
	tmux('send-keys', '-t', session, 'y');
	const lost = await waitFor('quorum lost in the banner', 15_000, () => /ETCD DRILL +stopped etcd-\d, etcd-\d · (NO LEADER|leader etcd-\d) · QUORUM LOST 1\/3/.test(screen()) && screen(), screen);
	t.diagnostic(`two stopped:\n${lost}`);
	assert.match(lost, /CRITICAL/);

	tmux('send-keys', '-t', session, 'r');
	await waitFor('the start question', 5000, () => /Start etcd-\d, etcd-\d \(stopped by the etcd drill\) now\?/.test(screen()), screen);
	tmux('send-keys', '-t', session, 'y');
	const healed = await waitFor('healed, all back', 20_000, () => /ETCD HEALED +leader etcd-\d · quorum 3\/3/.test(screen()) && screen(), screen);
	t.diagnostic(`healed:\n${healed}`);
	tmux('send-keys', '-t', session, 'q');
	await waitFor('labwatch to exit 0', 10_000, () => /labwatch-exit=0/.test(screen()), screen);
});
