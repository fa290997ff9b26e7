// The built program in a real terminal: tmux at 100x30 running `labwatch --demo`, driven with send-keys
// and read with capture-pane. The demo writes its simulator's control URL to LABWATCH_DEMO_INFO, so the
// test can cut and heal the in-process homelab from outside.
import {test, type TestContext} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {hasCommand, needs} from '../support/infra.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
// LABWATCH_BIN lets a developer point at another build; `npm test` builds dist/labwatch.js first.
const bin = process.env.LABWATCH_BIN ?? join(root, 'dist', 'labwatch.js');

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise(done => setTimeout(done, ms));

function tmux(...args: string[]): string {
	return execFileSync('tmux', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | false): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = probe();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${String(last)})` : ''}`);
		await sleep(100);
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

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
