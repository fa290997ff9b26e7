// A heal from the shell while the TUI times a drill, in a real terminal: tmux runs the built TUI against
// `labwatch sim`; p y cuts from the TUI, `labwatch heal` from a shell heals. The TUI must see it at once (banner
// HEALED, no countdown, no "r roll back"), and its report must keep the shell's heal time, not its own TTL's.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {hasCommand, needs} from '../support/infra.js';
import {bin, quote, sleep, tmux, waitFor} from '../support/tmux.js';
import {Journal} from '../../source/drill/journal.js';


test('the TUI sees a heal made with labwatch heal from a shell, and keeps its time in the report', async t => {
	if (!needs(t, hasCommand('tmux'), 'tmux is not installed') || !needs(t, existsSync(bin), `${bin} is missing: run npm run build`)) return;
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-shellheal-'));
	const config = join(directory, 'config.yaml');
	const session = `labwatch-shellheal-${process.pid}-${Date.now()}`;
	const env = {...process.env, XDG_STATE_HOME: directory};
	const sim = spawn(process.execPath, [bin, 'sim', '--port', String(17_600 + (process.pid % 200) * 4), '--config-out', config, '--no-life'], {env, stdio: 'ignore'});
	try {
		await waitFor('the simulator config', 15_000, () => existsSync(config));
		tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '32', `env -u CI XDG_STATE_HOME=${quote(directory)} ${quote(process.execPath)} ${quote(bin)} --config ${quote(config)}; sleep 30`);
		const screen = () => tmux('capture-pane', '-p', '-t', session);
		await waitFor('both clusters', 20_000, () => /m2 · /.test(screen()));
		tmux('send-keys', '-t', session, 'p');
		await waitFor('the drill dialog', 5000, () => /y cut|cut now|TTL/i.test(screen()));
		tmux('send-keys', '-t', session, 'y');
		await waitFor('the cut live in the TUI', 10_000, () => /CUT LIVE/.test(screen()) && /heals in/.test(screen()));

		const heal = execFileSync(process.execPath, [bin, 'heal', '--config', config], {env, encoding: 'utf8'});
		assert.match(heal, /removed the labwatch rules, verified/);
		const healedAt = Date.now();
		const text = await waitFor('the TUI to see the heal', 5000, () => /HEALED/.test(screen()) && screen());
		t.diagnostic(`the TUI showed HEALED ${Date.now() - healedAt} ms after labwatch heal returned`);
		assert.doesNotMatch(text, /CUT LIVE|heals in/);
		assert.doesNotMatch(text.split('\n').find(line => line.includes('HEALED'))!, /roll back/, 'the banner no longer offers to roll back');

		const journal = await new Journal(join(directory, 'labwatch')).read();
		const shellHeal = journal.find(entry => entry.type === 'heal' && entry.by === 'labwatch heal')!;
		const reportFile = await waitFor('the TUI report', 5000, () => {
			const files = existsSync(join(directory, 'labwatch', 'drills')) ? readdirSync(join(directory, 'labwatch', 'drills')).filter(name => name.endsWith('.json')) : [];
			for (const name of files) {
				const report = JSON.parse(readFileSync(join(directory, 'labwatch', 'drills', name), 'utf8')) as {healAtMs?: number; outcome?: string};
				if (report.outcome?.startsWith('healed by labwatch heal')) return report;
			}
			return undefined;
		});
		assert.equal(reportFile.healAtMs, shellHeal.atMs, "the report keeps the shell's heal time");
		tmux('send-keys', '-t', session, 'q');
	} finally {
		try {
			tmux('kill-session', '-t', session);
		} catch {
			// gone
		}
		sim.kill('SIGKILL');
		rmSync(directory, {recursive: true, force: true});
	}
});
