// The homelab in a box end to end (`npm run lab -- up | status | down`): two network namespaces joined by a
// veth pair, a real apiserver per namespace with the homelab's life (lab/life.ts), Debian's prometheus and
// node_exporter, and the built TUI in m1's namespace in tmux. A cut from the keyboard must drop real packets:
// m2 unreachable on screen within 3 s of the key, Prometheus's target m2 down on screen, the heal, the
// drill report with every signal and its time; `down` leaves no namespace, process or file. Each test uses
// its own --prefix and --state, so a lab a developer has running is never touched.
import {test, type TestContext} from 'node:test';
import assert from 'node:assert/strict';
import {execFile, execFileSync, spawn} from 'node:child_process';
import {appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {isRunning, readState, type LabState} from '../../lab/box-state.js';
import {hasCommand, isRoot, needs} from '../support/infra.js';
import {bin, quote, tmux, waitFor} from '../support/tmux.js';
import {labAvailable, labReason} from './support.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'lab', 'cli.ts');
const available = await labAvailable();

interface Run {
	code: number;
	stdout: string;
	stderr: string;
	ms: number;
}

/** `npm run lab -- args…` as a user runs it (node with tsx, from the repository). */
function lab(args: string[]): Promise<Run> {
	const startedMs = Date.now();
	return new Promise(done => {
		execFile(process.execPath, ['--import', 'tsx', cli, ...args], {cwd: root, encoding: 'utf8', timeout: 300_000}, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
			done({code, stdout, stderr, ms: Date.now() - startedMs});
		});
	});
}

function ready(t: TestContext, tui = false): boolean {
	return (
		needs(t, process.platform === 'linux' && isRoot, 'needs Linux and root (network namespaces)') &&
		needs(t, ['ip', 'setpriv', 'curl', 'iptables'].every(hasCommand), 'needs iproute2, setpriv, curl and iptables') &&
		needs(t, existsSync('/usr/bin/prometheus') && existsSync('/usr/bin/prometheus-node-exporter'), "needs Debian's prometheus and prometheus-node-exporter") &&
		needs(t, available, labReason) &&
		(!tui || (needs(t, hasCommand('tmux'), 'tmux is not installed') && needs(t, existsSync(bin), `${bin} is missing: run npm run build`)))
	);
}

const namespaces = (): string[] => execFileSync('ip', ['netns', 'list'], {encoding: 'utf8'}).split('\n').map(line => line.split(' ')[0] ?? '').filter(Boolean);

/** Every process the lab recorded, and the supervisor. */
const labProcesses = (state: LabState) => [state.supervisor, ...state.processes];

/** What must hold after `down`: no namespace, no process, no state directory. */
function assertNothingLeft(state: LabState, stateDir: string): void {
	const left = namespaces().filter(name => state.network.some(each => each.netns === name));
	assert.deepEqual(left, [], 'no lab namespace left');
	assert.deepEqual(labProcesses(state).filter(isRunning).map(each => `${each.name} ${each.pid}`), [], 'no lab process left');
	assert.equal(existsSync(stateDir), false, 'the state directory is removed');
}

/** A unique, short prefix per test so parallel files and a developer's own lab never meet. */
const prefixFor = (tag: string) => `lw${process.pid % 10000}${tag}-`;

/** The screen as one line: box borders and line breaks removed, so a reason wrapped in an overlay still matches. */
const flat = (screen: string) => screen.replace(/[│┃╭╮╰╯┏┓┗┛─━]/g, ' ').replace(/\s+/g, ' ');

test('lab in a box: up, the TUI in m1\'s namespace, p y cuts (m2 unreachable ≤ 3 s, target m2 down on screen), r y heals, the report has every signal, down leaves nothing', {timeout: 300_000}, async t => {
	if (!ready(t, true)) return;
	const work = mkdtempSync(join(tmpdir(), 'labwatch-box-'));
	const stateDir = join(work, 'lab');
	const drillState = join(work, 'xdg');
	const prefix = prefixFor('a');
	const session = `labwatch-box-${process.pid}`;
	let state: LabState | undefined;
	try {
		const started = await lab(['up', '--state', stateDir, '--prefix', prefix]);
		assert.equal(started.code, 0, started.stderr + started.stdout);
		assert.match(started.stdout, /lab ready in [\d.]+ s/);
		state = readState(stateDir);
		assert.ok(state, 'up wrote the state file');
		t.diagnostic(`up: ${(started.ms / 1000).toFixed(1)} s (supervisor start to ready ${((state.readyMs ?? 0) / 1000).toFixed(1)} s)`);
		const [m1, m2] = state.network;
		assert.deepEqual([m1!.netns, m2!.netns], [`${prefix}m1`, `${prefix}m2`]);
		assert.deepEqual(namespaces().filter(name => name.startsWith(prefix)).sort(), [`${prefix}m1`, `${prefix}m2`]);
		assert.match(started.stdout, new RegExp(`ip netns exec ${prefix}m1 \\S+ \\S+labwatch\\.js --config ${state.configPath}`));

		// The config it wrote is one labwatch accepts, and check from m1's namespace sees both clusters live.
		const check = execFileSync('ip', ['netns', 'exec', m1!.netns, process.execPath, bin, 'check', '--config', state.configPath!], {encoding: 'utf8'});
		assert.match(check, /^LABWATCH OK - 2\/2 clusters live/);

		// A second up while it runs: refused, the running lab untouched.
		const again = await lab(['up', '--state', stateDir, '--prefix', prefix]);
		assert.equal(again.code, 1);
		assert.match(again.stderr, /a lab is already running from/);
		assert.ok(isRunning(state.supervisor));

		const status = await lab(['status', '--state', stateDir]);
		assert.equal(status.code, 0, status.stdout);
		assert.match(status.stdout, new RegExp(`m2 +netns ${prefix}m2 present +10\\.231\\.0\\.2`));
		assert.match(status.stdout, /prometheus +http:\/\/10\.231\.0\.1:9090/);
		assert.match(status.stdout, new RegExp(`${state.processes.length}/${state.processes.length} processes running`));
		const rss = /(\d+) MiB resident/.exec(status.stdout);
		t.diagnostic(`lab processes resident: ${rss?.[1]} MiB for ${state.processes.length} processes`);

		const command = [
			'env -u CI -u CONTINUOUS_INTEGRATION',
			`XDG_STATE_HOME=${quote(drillState)}`,
			...execArgvOf(state).map(quote),
			'; echo "labwatch-exit=$?"; sleep 60',
		].join(' ');
		tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', command);
		const screen = () => tmux('capture-pane', '-p', '-t', session);
		await waitFor('both clusters live with their gateways connected', 60_000, () => {
			const text = screen();
			return /OK 2\/2 clusters live/.test(text) && /→m2 connected/.test(text) && /→m1 connected/.test(text);
		}, screen);

		tmux('send-keys', '-t', session, 'p');
		await waitFor('the drill dialog', 10_000, () => /Partition drill: cut the link/.test(screen()) && /at m1 \(netns /.test(screen()), screen);
		tmux('send-keys', '-t', session, 'y');
		const cutMs = Date.now();
		await waitFor('m2 unreachable on screen', 10_000, () => /m2 unreachable since/.test(screen()), screen);
		const detectMs = Date.now() - cutMs;
		t.diagnostic(`m2 unreachable on screen ${(detectMs / 1000).toFixed(1)} s after y`);
		assert.ok(detectMs <= 3000, `m2 unreachable ${detectMs} ms after the key (goal ≤ 3 s)`);
		assert.match(execFileSync('ip', ['netns', 'exec', m1!.netns, 'iptables', '-w', '-S'], {encoding: 'utf8'}), /-A LABWATCH-PARTITION -d 10\.231\.0\.2\/32 .*-j DROP/);

		// Prometheus (in m1's namespace) can no longer scrape m2's node_exporter: `?` names the target.
		tmux('send-keys', '-t', session, '?');
		await waitFor("Prometheus's target m2 down on screen", 15_000, () => /target m2 \(cluster m2\) down/.test(flat(screen())), screen);
		tmux('send-keys', '-t', session, 'Escape');
		// Submariner's health check in m1's life writer crosses the veth pair too: the connection turns error.
		await waitFor("m1's gateway connection to m2 in error", 30_000, () => /→m2 error/.test(screen()), screen);

		tmux('send-keys', '-t', session, 'r');
		await waitFor('the roll-back dialog', 10_000, () => /Roll back the cut at m1 \(netns /.test(screen()), screen);
		tmux('send-keys', '-t', session, 'y');
		await waitFor('healed, both live and connected again, the report written', 60_000, () => {
			const text = screen();
			return / HEALED /.test(text) && /OK 2\/2 clusters live/.test(text) && /→m2 connected/.test(text);
		}, screen);
		assert.doesNotMatch(execFileSync('ip', ['netns', 'exec', m1!.netns, 'iptables', '-w', '-S'], {encoding: 'utf8'}), /LABWATCH/);
		// The TUI stays open: `down` ends it too (it runs in the lab's namespace), with SIGTERM first.

		// The report: every signal detected and recovered, with its time.
		const drills = execFileSync(process.execPath, [bin, 'drills'], {encoding: 'utf8', env: {...process.env, XDG_STATE_HOME: drillState}});
		assert.match(drills, new RegExp(`m1 \\(netns ${prefix}m1\\)`));
		const reportsDir = join(drillState, 'labwatch', 'drills');
		const [reportFile] = readdirSync(reportsDir).filter(name => name.endsWith('.json'));
		const report = JSON.parse(readFileSync(join(reportsDir, reportFile!), 'utf8')) as {signals: Array<{signal: string; recovery: string; detectMs?: number; recoverMs?: number}>};
		assert.deepEqual(report.signals.map(each => each.signal), ['m2 unreachable', 'm1 gateway connection error', 'prometheus target down']);
		for (const signal of report.signals) {
			assert.equal(typeof signal.detectMs, 'number', `${signal.signal} detected, with its time`);
			assert.equal(typeof signal.recoverMs, 'number', `${signal.recovery} recovered, with its time`);
			t.diagnostic(`${signal.signal} ${((signal.detectMs ?? 0) / 1000).toFixed(1)} s, ${signal.recovery} ${((signal.recoverMs ?? 0) / 1000).toFixed(1)} s`);
		}
		const markdown = readFileSync(join(reportsDir, reportFile!.replace(/\.json$/, '.md')), 'utf8');
		for (const signal of report.signals) assert.match(markdown, new RegExp(`\\| ${signal.signal} \\| [\\d.]+ s \\|`));

		const stopped = await lab(['down', '--state', stateDir]);
		assert.equal(stopped.code, 0, stopped.stderr);
		assert.match(stopped.stdout, new RegExp(`deleted network namespaces ${prefix}m1, ${prefix}m2`));
		assertNothingLeft(state, stateDir);
		const exit = await waitFor('the TUI ended by down', 10_000, () => /labwatch-exit=(\d+)/.exec(screen())?.[1], screen);
		assert.notEqual(exit, '137', 'ended by SIGTERM (its handler restores the terminal), not SIGKILL');
		t.diagnostic(`the TUI in m1 exited ${exit} when down deleted the namespace`);
		const after = await lab(['status', '--state', stateDir]);
		assert.equal(after.code, 3);
		assert.match(after.stdout, /no lab in/);
		const downAgain = await lab(['down', '--state', stateDir]);
		assert.equal(downAgain.code, 0, 'down is idempotent');
	} finally {
		try {
			tmux('kill-session', '-t', session);
		} catch {
			// gone
		}
		if (readState(stateDir)) await lab(['down', '--state', stateDir]);
		rmSync(work, {recursive: true, force: true});
	}
});

/** The TUI command `up` printed, as argv (after `ip netns exec NS`). */
function execArgvOf(state: LabState): string[] {
	return ['ip', 'netns', 'exec', state.network[0]!.netns, process.execPath, bin, '--config', state.configPath!];
}

test('lab in a box: a crashed lab (supervisor killed -9) takes its processes with it, status says so, and the next up cleans it first', {timeout: 300_000}, async t => {
	if (!ready(t)) return;
	const work = mkdtempSync(join(tmpdir(), 'labwatch-box-'));
	const stateDir = join(work, 'lab');
	const prefix = prefixFor('b');
	try {
		const first = await lab(['up', '--state', stateDir, '--prefix', prefix]);
		assert.equal(first.code, 0, first.stderr);
		const crashed = readState(stateDir)!;
		process.kill(crashed.supervisor.pid, 'SIGKILL');
		// The kernel's parent-death signal ends every lab process with it.
		await waitFor('every lab process gone with the supervisor', 20_000, () => labProcesses(crashed).every(each => !isRunning(each)));
		assert.deepEqual(namespaces().filter(name => name.startsWith(prefix)).sort(), [`${prefix}m1`, `${prefix}m2`], 'the namespaces stay behind');

		const status = await lab(['status', '--state', stateDir]);
		assert.equal(status.code, 1, status.stdout);
		assert.match(status.stdout, /supervisor pid \d+ GONE/);
		assert.match(status.stdout, /0\/\d+ processes running/);
		assert.match(status.stdout, new RegExp(`netns ${prefix}m1 present`));

		// This time the config and kubeconfig go where the user says.
		const configOut = join(work, 'labwatch.yaml');
		const kubeconfigOut = join(work, 'kube.yaml');
		const second = await lab(['up', '--state', stateDir, '--prefix', prefix, '--config-out', configOut, '--kubeconfig', kubeconfigOut]);
		assert.equal(second.code, 0, second.stderr);
		assert.match(second.stdout, new RegExp(`--config ${configOut}`));
		assert.match(readFileSync(configOut, 'utf8'), new RegExp(`kubeconfig: ${kubeconfigOut}`));
		assert.match(second.stderr, /cleaning up a lab that was not stopped/);
		assert.match(second.stderr, new RegExp(`deleted network namespaces ${prefix}m1, ${prefix}m2`));
		const fresh = readState(stateDir)!;
		assert.notEqual(fresh.supervisor.pid, crashed.supervisor.pid);
		assert.ok(fresh.processes.every(isRunning), 'the new lab runs');
		t.diagnostic(`up after a crash: ${(second.ms / 1000).toFixed(1)} s`);

		// A file the user changed since is theirs: down keeps it and says so; the unchanged one goes.
		appendFileSync(configOut, '# mine now\n');
		const stopped = await lab(['down', '--state', stateDir]);
		assert.equal(stopped.code, 0);
		assert.match(stopped.stdout, new RegExp(`removed ${kubeconfigOut}`));
		assert.match(stopped.stdout, new RegExp(`kept ${configOut}: changed since the lab wrote it`));
		assert.equal(existsSync(kubeconfigOut), false);
		assert.equal(existsSync(configOut), true);
		assertNothingLeft(fresh, stateDir);
	} finally {
		if (readState(stateDir)) await lab(['down', '--state', stateDir]);
		rmSync(work, {recursive: true, force: true});
	}
});

test('lab in a box: Ctrl-C while up waits stops the half-started lab and leaves nothing', {timeout: 120_000}, async t => {
	if (!ready(t)) return;
	const work = mkdtempSync(join(tmpdir(), 'labwatch-box-'));
	const stateDir = join(work, 'lab');
	const prefix = prefixFor('d');
	try {
		const child = spawn(process.execPath, ['--import', 'tsx', cli, 'up', '--state', stateDir, '--prefix', prefix], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']});
		let stderr = '';
		child.stderr.on('data', chunk => (stderr += chunk));
		const exited = new Promise<number | null>(done => child.on('exit', code => done(code)));
		// Interrupted once the namespaces exist and the clusters are starting.
		const starting = await waitFor('the lab starting', 60_000, () => {
			const state = readState(stateDir);
			return state && namespaces().includes(`${prefix}m2`) ? state : undefined;
		});
		child.kill('SIGINT');
		assert.equal(await exited, 130, stderr);
		assert.match(stderr, /interrupted: stopping the lab/);
		assert.deepEqual(namespaces().filter(name => name.startsWith(prefix)), []);
		assert.equal(isRunning(starting.supervisor), false);
		assert.equal(existsSync(stateDir), false);
	} finally {
		if (readState(stateDir)) await lab(['down', '--state', stateDir]);
		rmSync(work, {recursive: true, force: true});
	}
});

test('lab in a box: status and down without a lab, a namespace that is not the lab\'s, bad flags', async t => {
	if (!needs(t, process.platform === 'linux' && isRoot && hasCommand('ip'), 'needs Linux, root and iproute2')) return;
	const work = mkdtempSync(join(tmpdir(), 'labwatch-box-'));
	const stateDir = join(work, 'lab');
	const prefix = prefixFor('c');
	try {
		const status = await lab(['status', '--state', stateDir]);
		assert.equal(status.code, 3);
		assert.equal(status.stdout.trim(), `no lab in ${stateDir}`);
		const down = await lab(['down', '--state', stateDir]);
		assert.equal(down.code, 0);
		assert.match(down.stdout, /nothing to stop/);

		// A namespace of the same name that no state file claims is someone else's: up refuses, keeps it.
		execFileSync('ip', ['netns', 'add', `${prefix}m2`]);
		const refused = await lab(['up', '--state', stateDir, '--prefix', prefix]);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, new RegExp(`network namespace ${prefix}m2 exists and is not this lab's`));
		assert.ok(namespaces().includes(`${prefix}m2`));
		assert.equal(namespaces().includes(`${prefix}m1`), false);

		for (const [args, message] of [
			[['up', '--pods', 'many'], /^npm run lab: --pods many: expected a whole number from 0 to 5000$/],
			[['status', '--bogus'], /^npm run lab: Unknown option '--bogus'$/],
			[['down', '--config-out', 'x'], /^npm run lab: --config-out is a flag of up, not of down$/],
			[['sideways'], /^npm run lab: unknown command sideways/],
		] as const) {
			const result = await lab([...args]);
			assert.equal(result.code, 2, args.join(' '));
			assert.match(result.stderr.trim(), message);
		}
		const help = await lab(['--help']);
		assert.equal(help.code, 0);
		assert.match(help.stdout, /^ {2}up {6}start it in the background/m);
	} finally {
		execFileSync('ip', ['netns', 'del', `${prefix}m2`], {stdio: 'ignore'});
		rmSync(work, {recursive: true, force: true});
	}
});
