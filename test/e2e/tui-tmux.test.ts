// The built program in a real terminal: tmux at 100x30 running `labwatch --demo`, driven with send-keys
// and read with capture-pane. The demo writes its simulator's control URL to LABWATCH_DEMO_INFO, so the
// test can cut and heal the in-process homelab from outside.
import {test, type TestContext} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {hasCommand, needs} from '../support/infra.js';
import {alive, bin, quote, sleep, tmux, waitFor} from '../support/tmux.js';



/** Leaves nothing behind, whatever failed: the session, the program, the temp directory. */
function cleanUp(session: string, pid: number | undefined, directory: string): void {
	try {
		tmux('kill-session', '-t', session);
	} catch {
		// Already gone.
	}
	if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
	rmSync(directory, {recursive: true, force: true});
}

/** tmux and the built program, or a skip (a failure in CI) saying which is missing. */
function ready(t: TestContext): boolean {
	return needs(t, hasCommand('tmux'), 'tmux is not installed') && needs(t, existsSync(bin), `${bin} is missing: run npm run build`);
}

test('labwatch --demo in tmux: both clusters live, a partition turns m2 stale within 3 s, heal, help, quit', async t => {
	if (!ready(t)) return;
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-tmux-'));
	const infoPath = join(directory, 'demo-info.json');
	const session = `labwatch-e2e-${process.pid}-${Date.now()}`;
	let pid: number | undefined;
	// CI must be unset, not "false": Ink prints only the last frame when CI is set, and chalk turns colour
	// off for any CI value. The pane outlives the program so its exit code can be read.
	const command = [
		'env -u CI -u CONTINUOUS_INTEGRATION',
		`LABWATCH_DEMO_INFO=${quote(infoPath)}`,
		quote(process.execPath),
		quote(bin),
		'--demo; echo "labwatch-exit=$?"; sleep 60',
	].join(' ');
	const screen = () => tmux('capture-pane', '-p', '-t', session);
	const half = (text: string, side: 0 | 1) =>
		text
			.split('\n')
			.slice(1, -4)
			.map(line => (side === 0 ? line.slice(0, 50) : line.slice(50)))
			.join('\n');
	const post = async (path: string) => {
		const {controlUrl} = JSON.parse(readFileSync(infoPath, 'utf8')) as {controlUrl: string};
		const response = await fetch(`${controlUrl}${path}`, {method: 'POST'});
		assert.equal(response.status, 200, `${path}: HTTP ${response.status}`);
	};
	try {
		tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', command);

		// Both clusters appear, side by side, live.
		await waitFor('both clusters live', 20_000, () => {
			const text = screen();
			return /m1 · sim-m1/.test(half(text, 0)) && /^\W*live\W*$/m.test(half(text, 0)) && /m2 · sim-m2/.test(half(text, 1)) && /^\W*live\W*$/m.test(half(text, 1)) && text;
		});
		pid = (JSON.parse(readFileSync(infoPath, 'utf8')) as {pid: number}).pid;
		assert.ok(alive(pid));
		const first = screen().replace(/\n$/, '').split('\n');
		assert.match(first[0]!, /^labwatch · DEMO/);
		assert.equal(first.length, 30);
		assert.equal(first[29], '', 'the frame stays one row shorter than the pane');

		// A partition: m2 unreachable and stale within 3 s, m1 stays live.
		const cutAt = Date.now();
		await post('/_sim/partition');
		const cut = await waitFor('m2 unreachable and STALE', 3000, () => {
			const text = screen();
			return /unreachable since \d\d:\d\d:\d\d/.test(half(text, 1)) && /STALE \d+s/.test(half(text, 1)) && text;
		});
		t.diagnostic(`m2 marked unreachable ${Date.now() - cutAt} ms after the cut`);
		assert.match(half(cut, 0), /^\W*live\W*$/m, 'm1 stays live');
		assert.doesNotMatch(half(cut, 0), /STALE|unreachable/);
		assert.match(cut.split('\n')[0]!, /CRITICAL m2 unreachable/);

		// Heal: m2 comes back live, nothing stale.
		await post('/_sim/heal');
		await waitFor('m2 live again', 15_000, () => {
			const text = screen();
			return /^\W*live\W*$/m.test(half(text, 1)) && !/STALE/.test(text) && text;
		});

		// ? shows help; Esc closes it.
		tmux('send-keys', '-t', session, '?');
		await waitFor('help', 3000, () => /labwatch help/.test(screen()));
		tmux('send-keys', '-t', session, 'Escape');
		await waitFor('help closed', 3000, () => !/labwatch help/.test(screen()) && /m2 · sim-m2/.test(screen()));

		// q exits 0, and the process is gone.
		tmux('send-keys', '-t', session, 'q');
		await waitFor('exit code on the pane', 5000, () => /labwatch-exit=0/.test(screen()));
		await waitFor('the process gone', 3000, () => !alive(pid!));
	} finally {
		cleanUp(session, pid, directory);
	}
});

test('labwatch --demo in tmux exits on SIGHUP when its pane is closed', async t => {
	if (!ready(t)) return;
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-tmux-'));
	const infoPath = join(directory, 'demo-info.json');
	const session = `labwatch-e2e-hup-${process.pid}-${Date.now()}`;
	let pid: number | undefined;
	try {
		tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `env -u CI LABWATCH_DEMO_INFO=${quote(infoPath)} ${quote(process.execPath)} ${quote(bin)} --demo`);
		pid = await waitFor('the demo info file', 15_000, () => existsSync(infoPath) && (JSON.parse(readFileSync(infoPath, 'utf8')) as {pid: number}).pid);
		await waitFor('the first frame', 15_000, () => /m2 · sim-m2/.test(tmux('capture-pane', '-p', '-t', session)));
		tmux('kill-session', '-t', session); // tmux sends SIGHUP to the pane's process
		await waitFor('the process gone after SIGHUP', 5000, () => !alive(pid!));
	} finally {
		cleanUp(session, pid, directory);
	}
});

// Ink's signal-exit re-raises a signal when it finds no other listener for it; if labwatch let go of its
// own SIGTERM/SIGINT listener inside the handler, the process died by the signal (exit 143) before its
// cleanup ran. A SIGTERM (what `lab down`, systemd or kill send) must be an orderly leave: exit 0.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
	test(`labwatch --demo in tmux leaves in order on ${signal}: exit 0, not death by the signal`, async t => {
		if (!ready(t)) return;
		const directory = mkdtempSync(join(tmpdir(), 'labwatch-tmux-'));
		const infoPath = join(directory, 'demo-info.json');
		const session = `labwatch-e2e-${signal}-${process.pid}-${Date.now()}`;
		let pid: number | undefined;
		try {
			const command = `env -u CI LABWATCH_DEMO_INFO=${quote(infoPath)} ${quote(process.execPath)} ${quote(bin)} --demo; echo "labwatch-exit=$?"; sleep 60`;
			tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', command);
			pid = await waitFor('the demo info file', 15_000, () => existsSync(infoPath) && (JSON.parse(readFileSync(infoPath, 'utf8')) as {pid: number}).pid);
			await waitFor('the first frame', 15_000, () => /m2 · sim-m2/.test(tmux('capture-pane', '-p', '-t', session)));
			process.kill(pid, signal);
			const text = await waitFor('an exit code on the pane', 8000, () => {
				const pane = tmux('capture-pane', '-p', '-t', session);
				return /labwatch-exit=\d+/.test(pane) && pane;
			});
			assert.match(text, /labwatch-exit=0\b/, `after ${signal} the TUI exits 0 (143/130 is death by the signal, cleanup skipped)`);
			await waitFor('the process gone', 3000, () => !alive(pid!));
		} finally {
			cleanUp(session, pid, directory);
		}
	});
}

// ---- issue 10: what a new user meets in the first minute (each session on its own tmux server) -------

interface Demo {
	tmux(...args: string[]): string;
	screen(): string;
	/** The pane with its escape sequences (to see the inverse-video selection). */
	styled(): string;
	keys(...keys: string[]): void;
	/** One write of literal text: several keys in one read. */
	literal(text: string): void;
	stop(): void;
}

function startDemo(t: TestContext, columns: number, rows: number): Demo {
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-tmux-'));
	const socket = `labwatch-e2e-${process.pid}-${Date.now()}-${columns}x${rows}`;
	const run = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
	// The runner sets FORCE_COLOR=0 for its own output; the pane must draw as a user's does (inverse selection).
	const command = [
		'env -u CI -u CONTINUOUS_INTEGRATION -u FORCE_COLOR -u NO_COLOR',
		`XDG_STATE_HOME=${quote(join(directory, 'state'))}`,
		quote(process.execPath),
		quote(bin),
		'--demo; sleep 60',
	].join(' ');
	run('new-session', '-d', '-x', String(columns), '-y', String(rows), command);
	const demo: Demo = {
		tmux: run,
		screen: () => run('capture-pane', '-p'),
		styled: () => run('capture-pane', '-p', '-e'),
		keys: (...keys) => void run('send-keys', ...keys),
		literal: text => void run('send-keys', '-l', text),
		stop() {
			try {
				run('kill-server');
			} catch {
				// Already gone.
			}
			rmSync(directory, {recursive: true, force: true});
		},
	};
	t.after(() => demo.stop());
	return demo;
}

const budgetBar = (line: string) => (line.slice(0, line.search(/[~?]?\d+\.\d\/\d/)).match(/[█▓·░│]/g) ?? []).length;

test('tmux 100x30: the first frames never say "not configured" or guess; then both bars on one scale (items 6, 11)', async t => {
	if (!ready(t)) return;
	const demo = startDemo(t, 100, 30);
	const frames: string[] = [];
	const settled = await waitFor('budget numbers for both hosts', 20_000, () => {
		const text = demo.screen();
		if (/labwatch/.test(text)) frames.push(text);
		const m1 = text.split('\n').find(line => /^m1 .*\d+\.\d\/16\.0 GiB/.test(line));
		const m2 = text.split('\n').find(line => /^m2 .*\d+\.\d\/8\.0 GiB/.test(line));
		return m1 !== undefined && m2 !== undefined && {text, m1, m2};
	});
	assert.ok(frames.length > 0);
	for (const frame of frames) {
		const rows = frame.split('\n');
		const told = [rows[0], ...rows.filter(line => /^m\d /.test(line))].join('\n');
		assert.doesNotMatch(frame, /not configured/, told);
		assert.doesNotMatch(frame, /\?\/\d+\.\d GiB|req 0\.0/, told);
	}
	t.diagnostic(`${frames.length} frames seen before the budgets; first budget rows: ${frames[0]!.split('\n').filter(line => /^m\d /.test(line)).join(' | ')}`);
	// One scale: 8 GiB is half as long as 16 GiB (±1 cell of rounding).
	assert.ok(Math.abs(budgetBar(settled.m2) * 2 - budgetBar(settled.m1)) <= 1, `${settled.m1}\n${settled.m2}`);
	assert.equal(settled.m1.indexOf('/16.0 GiB') - 4, settled.m2.indexOf('/8.0 GiB') - 3, 'numbers in one column');
});

test('tmux 100x30: keys sent in one write are each handled: jjj moves three rows, backspaces erase (item 5)', async t => {
	if (!ready(t)) return;
	const demo = startDemo(t, 100, 30);
	await waitFor('pods listed', 20_000, () => /Running data\/kafka-0/.test(demo.screen()));
	const selected = () => demo.styled().split('\n').find(line => line.includes('\x1b[7m')) ?? '';
	const podRows = () => demo.screen().split('\n').filter(line => /^┃ (Running|Pending|Succeeded|\w+) /.test(line) && !/nodes|live|gw /.test(line));
	await waitFor('the first row selected', 3000, () => /kafka-0/.test(selected()));
	const fourth = podRows()[3]!.slice(2, 40).trim();
	demo.literal('jjj');
	await waitFor('the selection three rows down', 3000, () => selected().includes(fourth.split(' ').at(-1)!.slice(-12)));
	demo.literal('/etcd-m1x');
	await waitFor('the filter typed', 3000, () => /\/etcd-m1x/.test(demo.screen()));
	demo.keys('BSpace', 'BSpace', 'BSpace');
	await waitFor('three characters erased', 3000, () => /^\/etcd-\s/m.test(demo.screen()) && /etcd-m1-worker2/.test(demo.screen()));
	demo.keys('Escape');
	await waitFor('the filter cleared', 3000, () => /data\/kafka-0/.test(demo.screen()));
});

test('tmux: what is cut stays reachable: names cut in the middle, help at 60x20, the footer during a cut at 80x24 (item 10)', async t => {
	if (!ready(t)) return;
	const wide = startDemo(t, 100, 30);
	const text = await waitFor('pods listed', 20_000, () => /etcd-m1-worker2/.test(wide.screen()) && wide.screen());
	// Both etcd members told apart by their ends, and the control plane's suffix kept.
	for (const end of ['/etcd-m1-worker ', '/etcd-m1-worker2 ', 'etcd-m1-control-plane', 'r-m1-control-plane']) assert.ok(text.includes(end), `${end} in\n${text}`);
	assert.doesNotMatch(text, /kube-system\/etcd-m…/);
	wide.stop();

	const small = startDemo(t, 60, 20);
	await waitFor('the first frame', 20_000, () => /m1 · sim-m1/.test(small.screen()));
	small.keys('?');
	await waitFor('help', 3000, () => /labwatch help/.test(small.screen()));
	const seen = new Set<string>();
	for (let page = 0; page < 30; page++) {
		const screen = small.screen();
		for (const line of screen.split('\n')) seen.add(line.replace(/^│ /, '').replace(/\s*│$/, ''));
		if (!/\d+ more · j\/k scroll/.test(screen)) break;
		small.keys('j');
		await sleep(150);
	}
	const help = [...seen].join('\n');
	assert.match(help, /roll back a live cut \(y confirms\)/, 'the last key reached by scrolling');
	const cutLines = [...seen].filter(line => /^\S.*…$/.test(line) && !/^labwatch ·/.test(line));
	assert.deepEqual(cutLines.filter(line => !/^(m\d |\d\d:\d\d)/.test(line)), [], 'no help line cut');
	small.stop();

	const medium = startDemo(t, 80, 24);
	await waitFor('the first frame', 20_000, () => /m2 · sim-m2/.test(medium.screen()));
	medium.keys('p');
	await waitFor('the drill dialog', 5000, () => /y cut/.test(medium.screen()));
	medium.keys('y');
	const during = await waitFor('the cut live with r roll back in the footer', 10_000, () => {
		const screen = medium.screen().replace(/\n+$/, '').split('\n');
		return /CUT LIVE/.test(screen.join('\n')) && /r roll back/.test(screen.at(-1)!) && screen;
	});
	assert.doesNotMatch(during.at(-1)!, /p drill/);
	medium.keys('r');
	await waitFor('the roll-back question with its keys in the footer', 3000, () => /y roll back {2}n\/Esc keep the cut/.test(medium.screen()));
	medium.keys('y');
	await waitFor('healed', 10_000, () => /HEALED/.test(medium.screen()));
});
