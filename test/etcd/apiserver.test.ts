// The API beside etcd: a real kube-apiserver (the lab's) on three real Debian etcd members, labwatch in tmux.
// Two members stopped: quorum lost, and the timeline records the m1 API going unreachable; the heal brings
// quorum and the API back, and the report has both, with times.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {startRealCluster} from '../../lab/cluster.js';
import {hasCommand, needs} from '../support/infra.js';
import {bin, quote, tmux, waitFor} from '../support/tmux.js';
import {labAvailable, labReason} from '../lab/support.js';
import {startTestEtcd, until} from './cluster.js';

test('a real apiserver on the drilled etcd: quorum lost takes the API down in the timeline, the heal brings it back', async t => {
	if (!needs(t, hasCommand('etcd'), 'Debian etcd-server (etcd) is not installed')) return;
	if (!needs(t, hasCommand('tmux'), 'tmux is not installed') || !needs(t, existsSync(bin), `${bin} is missing: run npm run build`)) return;
	if (!needs(t, await labAvailable(), labReason)) return;
	const etcd = await startTestEtcd(t);
	const cluster = await startRealCluster({name: 'm1', t, etcdUrl: etcd.members.map(member => member.url).join(','), submariner: false, controllerManager: false});
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-etcd-api-'));
	const session = `labwatch-etcd-api-${process.pid}-${Date.now()}`;
	t.after(() => {
		try {
			tmux('kill-session', '-t', session);
		} catch {
			// already gone
		}
		rmSync(directory, {recursive: true, force: true});
	});
	const configPath = join(directory, 'config.yaml');
	writeFileSync(
		configPath,
		stringify({
			clusters: {m1: {context: cluster.context, host: 'm1', kubeconfig: cluster.kubeconfigPath}},
			hosts: {m1: {memory: '16GiB', address: '127.0.0.1'}},
			etcd: {ttl: '2m', members: etcd.members},
		}),
	);
	const command = ['env -u CI -u CONTINUOUS_INTEGRATION', `XDG_STATE_HOME=${quote(directory)}`, quote(process.execPath), quote(bin), '--config', quote(configPath), '; echo "labwatch-exit=$?"; sleep 30'].join(' ');
	tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '30', command);
	const screen = () => tmux('capture-pane', '-p', '-t', session);
	await waitFor('m1 live', 30_000, () => /^\W*live\W*$/m.test(screen()) && screen(), screen);
	for (const round of [1, 2]) {
		tmux('send-keys', '-t', session, 'E');
		await waitFor(`plan ${round}`, 10_000, () => /stop etcd-\d \((leader|follower)\) → /.test(screen()), screen);
		tmux('send-keys', '-t', session, 'y');
		await waitFor(`stop ${round}`, 15_000, () => new RegExp(`ETCD DRILL +stopped ${round === 1 ? 'etcd-\\d ·' : 'etcd-\\d, etcd-\\d ·'}`).test(screen()), screen);
		// The election after the first stop, before the second (the report then has its time).
		if (round === 1) await waitFor('a new leader', 15_000, () => /new leader etcd-\d/.test(screen()), screen);
	}
	const down = await waitFor('the API unreachable', 60_000, () => /unreachable/.test(screen()) && screen(), screen);
	t.diagnostic(`quorum lost:\n${down}`);
	tmux('send-keys', '-t', session, 'r');
	await waitFor('the start question', 5000, () => /Start etcd-\d, etcd-\d/.test(screen()), screen);
	tmux('send-keys', '-t', session, 'y');
	await waitFor('healed', 20_000, () => /ETCD HEALED/.test(screen()), screen);
	const report = await until('the report with the API back', () => {
		const drills = join(directory, 'labwatch', 'drills');
		const file = existsSync(drills) ? readdirSync(drills).find(name => name.endsWith('.md')) : undefined;
		const text = file ? readFileSync(join(drills, file), 'utf8') : '';
		return /m1 API live after the heal/.test(text) ? text : undefined;
	}, 60_000);
	t.diagnostic(report);
	assert.match(report, /\| new leader etcd-\d elected after the leader etcd-\d stopped \| \d+\.\d s \| ≤ 3 s: (ok|over goal) \|/);
	assert.match(report, /\| m1 API unreachable \| \d+\.\d s \|/);
	assert.match(report, /\| quorum lost \| \d+\.\d s \|/);
	assert.match(report, /\| quorum regained after the heal \| \d+\.\d s \|/);
	tmux('send-keys', '-t', session, 'q');
	await waitFor('labwatch to exit 0', 10_000, () => /labwatch-exit=0/.test(screen()), screen);
});
