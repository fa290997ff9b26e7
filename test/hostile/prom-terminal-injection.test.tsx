// Issue 11.6: escape sequences from servers (a Gateway's statusFailure, a node name, a namespace, a pod
// name, a Prometheus label, an error message) must never reach the terminal: not in `check`'s text, not
// in a TUI frame, not in a drill report. JSON keeps the exact value (JSON.stringify escapes it).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {LabStore} from '../../source/store/lab-store.js';
import {trimGateway} from '../../source/submariner/gateway.js';
import {trimNode, trimPod} from '../../source/kube/trim.js';
import {BudgetSource} from '../../source/budget/source.js';
import {checkJson, checkText} from '../../source/check-report.js';
import {Journal} from '../../source/drill/journal.js';
import {terminalSafe, terminalSafeDeep} from '../../source/text/terminal-safe.js';
import {renderApp, settle} from '../views/harness.js';
import {testConfig} from '../budget/fixtures.js';
import {escapeAttack, startHostilePrometheus} from './hostile-prometheus.js';

/** Any C0 (tab and newline aside, for multi-line text), DEL, C1 or bidi control. */
const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function assertClean(text: string, what: string) {
	const found = control.exec(text);
	assert.equal(found, null, `${what} carries U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 20), (found?.index ?? 0) + 20))}`);
}

test('terminalSafe strips OSC, CSI, C1 CSI, DCS, bidi overrides and C0, and keeps printable Unicode', () => {
	assert.equal(terminalSafe(escapeAttack), 'BLINKevil');
	assert.equal(terminalSafe('a\u001bP1$r0m\u001b\\b'), 'ab');
	assert.equal(terminalSafe('title\u001b]2;gone'), 'title');
	assert.equal(terminalSafe('line1\nline2\ttab\r'), 'line1 line2 tab ');
	assert.equal(terminalSafe('bell\u0007 null\u0000 del\u007f c1\u0085x'), 'bell null del c1 x');
	assert.equal(terminalSafe('m2 → 0.66 ms · ünïcödé 日本 🐳'), 'm2 → 0.66 ms · ünïcödé 日本 🐳');
	const clean = {a: ['x', {b: 'y'}]};
	assert.equal(terminalSafeDeep(clean), clean, 'clean data is not copied');
	assert.deepEqual(terminalSafeDeep({a: ['x', {b: `y${escapeAttack}`}], n: 1}), {a: ['x', {b: 'yBLINKevil'}], n: 1});
});

async function hostileLab(t: import('node:test').TestContext) {
	const now = Date.now();
	const store = new LabStore(
		[
			{name: 'm1', context: 'kind-m1-cluster', host: 'm1', colour: 'cyan'},
			{name: 'm2', context: 'kind-m2-cluster', host: 'm2', colour: 'magenta'},
		],
		{clock: () => now},
	);
	// What a hostile API server sends, through the same trimming as real lists.
	store.replaceNodes('m1', [trimNode({metadata: {name: `m1-node${escapeAttack}`, creationTimestamp: '2026-01-01T00:00:00Z'}, status: {conditions: [{type: 'Ready', status: 'False'}]}})]);
	store.replacePods('m1', [
		trimPod({
			metadata: {name: `pod${escapeAttack}`, namespace: `ns${escapeAttack}`, uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z'},
			spec: {nodeName: 'm1-node', containers: [{name: 'c'}]},
			status: {phase: 'Running', containerStatuses: [{name: 'c', ready: false, restartCount: 3, state: {waiting: {reason: `CrashLoopBackOff${escapeAttack}`}}}]},
		}),
	]);
	store.replaceGateways('m1', [
		trimGateway({
			metadata: {name: `gw${escapeAttack}`, namespace: 'submariner-operator', annotations: {'update-timestamp': String(Math.floor(now / 1000))}},
			status: {
				haStatus: 'active',
				statusFailure: `FAILURE${escapeAttack}`,
				localEndpoint: {cluster_id: 'm1'},
				connections: [{status: 'error', statusMessage: `msg${escapeAttack}`, endpoint: {cluster_id: `m2${escapeAttack}`, hostname: 'h'}}],
			},
		}),
	]);
	store.setConnection('m1', 'live');
	store.setConnection('m2', 'unreachable', `dial tcp: ${escapeAttack}`);
	const hostile = await startHostilePrometheus('escape-labels', {hostLabels: {host: 'm2'}});
	t.after(() => hostile.close());
	const config = testConfig({
		prometheus: {url: hostile.url, timeout: '2s'},
		hosts: {m1: {memory: '16GiB', address: '127.0.0.11'}, m2: {memory: '8GiB', address: '127.0.0.12', nodeExporter: {label: 'host', value: 'm2'}}},
	});
	const source = new BudgetSource({config, clusters: () => store.snapshot().clusters, onChange: update => store.setBudgets(update.hosts, update.prometheus)});
	await source.pollNow();
	source.stop();
	return store;
}

test("check's text output carries no control character from any server string; JSON keeps the exact value", async t => {
	const store = await hostileLab(t);
	const text = checkText(store.snapshot());
	assertClean(text, "check's text");
	// The words are still there to read; only the controls are gone.
	for (const word of ['gwBLINKevil: FAILUREBLINKevil', 'm1-nodeBLINKevil', 'dial tcp: BLINKevil', 'connection error: msgBLINKevil', 'bad BLINKevil']) {
		assert.ok(text.includes(word), `${word} missing in:\n${text}`);
	}
	assert.match(text, /node_exporter target 127\.0\.0\.1:9100BLINKevil down/);
	const json = JSON.stringify(checkJson(store.snapshot()));
	assert.ok(json.includes('FAILURE\\u001b]0;PWNED\\u0007'), 'JSON keeps the value, escaped by JSON.stringify');
});

test('a rendered TUI frame carries no control character from any server string', async t => {
	const store = await hostileLab(t);
	for (const size of [{columns: 100, rows: 30}, {columns: 200, rows: 50}]) {
		const app = renderApp(store, size);
		await settle();
		const frame = app.frame();
		app.unmount();
		assert.match(frame, /FAILURE|BLINK/, 'the hostile strings are on screen');
		assertClean(frame, `frame at ${size.columns}x${size.rows}`);
	}
});

test('a drill report written to disk carries no control character', async t => {
	const dir = await mkdtemp(join(tmpdir(), 'labwatch-injection-'));
	t.after(() => rm(dir, {recursive: true, force: true}));
	const path = await new Journal(dir).writeReport('d1', {note: escapeAttack}, `# Drill\n\n- m1→m2 error: ${escapeAttack}\n`);
	const markdown = await readFile(path, 'utf8');
	assert.equal(markdown, '# Drill\n\n- m1→m2 error: BLINKevil\n');
});
