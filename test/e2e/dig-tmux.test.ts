// The dig views in a real terminal: tmux at 100x30 running the built `labwatch --demo`, driven by keys.
// Describe a CrashLoopBackOff pod and read its last state's reason; events of both clusters merged;
// follow a log; a node and its pods; delete a pod with confirmation and watch it go; --read-only hides
// the actions. The demo's simulator is reached through LABWATCH_DEMO_INFO to make pods crash.
import {test, type TestContext} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {hasCommand, needs} from '../support/infra.js';
import {alive, bin, quote, sleep, tmux, waitFor} from '../support/tmux.js';


function ready(t: TestContext): boolean {
	return needs(t, hasCommand('tmux'), 'tmux is not installed') && needs(t, existsSync(bin), `${bin} is missing: run npm run build`);
}

/** A demo in tmux; everything it leaves (session, process, state directory) is removed by close(). */
function startDemo(name: string, flags: string[] = []) {
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-dig-tmux-'));
	const infoPath = join(directory, 'demo-info.json');
	const session = `labwatch-dig-${name}-${process.pid}-${Date.now()}`;
	const command = [
		'env -u CI -u CONTINUOUS_INTEGRATION',
		`XDG_STATE_HOME=${quote(join(directory, 'state'))}`,
		`LABWATCH_DEMO_INFO=${quote(infoPath)}`,
		quote(process.execPath),
		quote(bin),
		'--demo',
		...flags,
		'; echo "labwatch-exit=$?"; sleep 60',
	].join(' ');
	tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', command);
	const screen = () => tmux('capture-pane', '-p', '-t', session);
	const keys = (...names: string[]) => tmux('send-keys', '-t', session, ...names);
	const info = () => JSON.parse(readFileSync(infoPath, 'utf8')) as {pid: number; controlUrl: string};
	return {
		directory,
		screen,
		keys,
		info,
		/** Keys one at a time, as a person types (Ink reads a burst as one input). */
		async type(...names: string[]) {
			for (const key of names) {
				keys(key);
				await sleep(120);
			}
		},
		async crash(cluster: string, namespace: string, name: string) {
			const response = await fetch(`${info().controlUrl}/_sim/crash`, {method: 'POST', body: JSON.stringify({cluster, namespace, name})});
			assert.equal(response.status, 200, await response.text());
		},
		async live() {
			await waitFor('both clusters live', 20_000, () => {
				const text = screen();
				return existsSync(infoPath) && /m1 · sim-m1/.test(text) && /m2 · sim-m2/.test(text) && (text.match(/[┃│] live\s+[┃│]/g) ?? []).length >= 2;
			}, screen);
		},
		close() {
			let pid: number | undefined;
			try {
				pid = info().pid;
			} catch {
				// Never started.
			}
			try {
				tmux('kill-session', '-t', session);
			} catch {
				// Already gone.
			}
			if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
			rmSync(directory, {recursive: true, force: true});
		},
	};
}

test('dig in tmux: describe a CrashLoopBackOff pod, events of both clusters, follow a log, a node\'s pods, delete a pod', async t => {
	if (!ready(t)) return;
	const demo = startDemo('main');
	const {screen} = demo;
	try {
		await demo.live();
		await demo.crash('m1', 'data', 'kafka-0');
		await demo.crash('m2', 'apps', 'backend-7d9f8c6b5d-7v46g');
		await waitFor('kafka-0 listed first, CrashLoopBackOff', 5000, () => /┃ CrashLoopBackOff data\/kafka-0/.test(screen()), screen);

		// Describe: the selected (first) pod; its last state's reason and exit code.
		await demo.type('d');
		const described = await waitFor('describe', 5000, () => /describe pod data\/kafka-0 · m1/.test(screen()) && /Last State: Terminated/.test(screen()) && screen(), screen);
		assert.match(described, /State: {5}Waiting\n {6}Reason: {2}CrashLoopBackOff/);
		assert.match(described, /Last State: Terminated\n {6}Reason: {2}Error\n {6}Exit Code: 1/);
		t.diagnostic(`describe:\n${described}`);
		await demo.type('j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j', 'j');
		await waitFor('its events at the end', 3000, () => /Warning BackOff .*Back-off restarting failed container/.test(screen()) && /kafka-0_data\(/.test(screen()), screen);
		await demo.type('Escape');
		await waitFor('back to the lists', 3000, () => /m1 · sim-m1/.test(screen()), screen);

		// Events: both clusters merged.
		await demo.type('e');
		const events = await waitFor('events of m1 and m2', 8000, () => /^m1 .*BackOff\s+pod\/data\/kafka-0/m.test(screen()) && /^m2 .*BackOff\s+pod\/apps\/backend-7d9f/m.test(screen()) && screen(), screen);
		assert.match(events, /CLUSTER\s+AGE\s+TYPE\s+REASON\s+OBJECT\s+COUNT\s+MESSAGE/);
		t.diagnostic(`events:\n${events}`);
		await demo.type('Escape');

		// Logs of a running pod (postgresql-0, second in m1's list): they follow; f pauses.
		await demo.type('j', 'l');
		const first = await waitFor('logs following', 5000, () => /logs data\/postgresql-0 · m1\s+following · 200 lines/.test(screen()) && screen(), screen);
		const lastLine = (text: string) => text.split('\n').filter(line => /^\d{4}-\d\d-\d\dT/.test(line)).at(-1);
		await waitFor('a new line followed', 8000, () => lastLine(screen()) !== lastLine(first) && /following · 20\d lines/.test(screen()), screen);
		t.diagnostic(`logs:\n${screen()}`);
		await demo.type('f');
		await waitFor('paused', 3000, () => /paused/.test(screen()), screen);
		await demo.type('Escape');

		// Nodes, and a node's pods.
		await demo.type('n');
		const nodes = await waitFor('nodes of both clusters', 5000, () => /^m2\s+m2-worker\s+Ready\s+<none>\s+v1\.30\.3/m.test(screen()) && screen(), screen);
		assert.match(nodes, /^m1\s+m1-control-plane\s+Ready\s+control-plane\s+v1\.30\.3/m);
		t.diagnostic(`nodes:\n${nodes}`);
		await demo.type('j', 'j', 'Enter');
		await waitFor("m1-worker2's pods", 3000, () => /pods on m1-worker2 · m1/.test(screen()) && /data\/kafka-0/.test(screen()), screen);
		await demo.type('Escape', 'Escape');
		await waitFor('back to the lists', 3000, () => /m1 · sim-m1/.test(screen()), screen);

		// Delete a pod: confirmation names pod and cluster; it goes and its ReplicaSet replaces it.
		await demo.type('/', 'r', 'e', 'd', 'i', 's', 'Enter');
		const redis = (await waitFor('redis selected', 3000, () => /(redis-[a-z0-9]+-[a-z0-9]+)/.exec(screen())?.[1], screen))!;
		await demo.type('C-d');
		await waitFor('the question', 3000, () => new RegExp(`Delete pod data/${redis} in cluster m1\\?`).test(screen()), screen);
		await demo.type('y');
		await waitFor('deleted', 5000, () => new RegExp(`deleted pod data/${redis} in m1`).test(screen()), screen);
		// Gone from the list, and its ReplicaSet's replacement listed (the notice still names the old one).
		const panels = () => screen().split('\n').filter(line => line.startsWith('┃')).join('\n');
		await waitFor('gone, and its replacement', 10_000, () => !panels().includes(redis) && /data\/redis-/.test(panels()), screen);
		const log = readFileSync(join(demo.directory, 'state', 'labwatch', 'demo', 'actions.jsonl'), 'utf8');
		assert.match(log, new RegExp(`"action":"delete-pod","cluster":"m1","namespace":"data","name":"${redis}","result":"ok"`));

		demo.keys('Escape');
		await sleep(200);
		demo.keys('q');
		await waitFor('exit 0', 5000, () => /labwatch-exit=0/.test(screen()), screen);
	} finally {
		demo.close();
	}
});

test('dig in tmux with --read-only: no delete question, no action keys in help or in a describe', async t => {
	if (!ready(t)) return;
	const demo = startDemo('ro', ['--read-only']);
	const {screen} = demo;
	try {
		await demo.live();
		await demo.type('C-d');
		await sleep(500);
		assert.doesNotMatch(screen(), /Delete pod/);
		await demo.type('d');
		await waitFor('describe', 5000, () => /describe pod /.test(screen()) && /Containers:/.test(screen()), screen);
		assert.doesNotMatch(screen().split('\n').at(-2)!, /restart|delete/i, 'the describe footer offers no action');
		await demo.type('r', 'C-d');
		await sleep(500);
		assert.doesNotMatch(screen(), /Restart (deployment|statefulset)|Delete pod/);
		await demo.type('Escape', '?');
		let page = await waitFor('help', 3000, () => /labwatch help/.test(screen()) && screen(), screen);
		// The help opens with the verdict's reasons, then the keys: scroll it to its end.
		const pages = [page];
		for (let turn = 0; turn < 30 && /\d+ more · j\/k scroll/.test(page); turn++) {
			await demo.type('j');
			await sleep(150);
			pages.push((page = screen()));
		}
		const help = pages.join('\n');
		assert.match(help, /d {2}Enter/);
		assert.doesNotMatch(help, /Ctrl\+D|restart the pod/);
		assert.equal(existsSync(join(demo.directory, 'state', 'labwatch', 'demo', 'actions.jsonl')), false);
	} finally {
		demo.close();
	}
});
