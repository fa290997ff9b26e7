// One verdict for both faces: the TUI and `labwatch check` draw the same snapshot with the same words,
// and what the TUI keeps but `check` cannot know (an unreachable cluster's last pods) changes no verdict.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {LabStore} from '../../source/store/lab-store.js';
import {computeBudgets} from '../../source/budget/compute.js';
import {checkText} from '../../source/check-report.js';
import type {LabSnapshot} from '../../source/store/types.js';
import type {SnapshotSource} from '../../views/hooks/use-snapshot.js';
import {homelab, renderApp, settle, startMs} from '../views/harness.js';
import {promData, testConfig} from '../budget/fixtures.js';

const config = testConfig();
const words = 'OK|WARNING|CRITICAL|UNKNOWN';

/** The words each face shows: overall, and per host. */
function tuiWords(frame: string, hosts: string[]): Record<string, string> {
	const lines = frame.split('\n');
	const found: Record<string, string> = {overall: lines[0]!.match(new RegExp(`· (${words}) `))?.[1] ?? 'none'};
	for (const host of hosts) {
		const budgetLine = lines.find(line => line.startsWith(`${host} `)) ?? '';
		found[host] = budgetLine.match(new RegExp(`(${words})\\s*$`))?.[1] ?? 'none';
	}
	return found;
}

function checkWords(text: string, hosts: string[]): Record<string, string> {
	const found: Record<string, string> = {overall: text.match(new RegExp(`^LABWATCH (${words}) `))?.[1] ?? 'none'};
	for (const host of hosts) found[host] = text.match(new RegExp(`^host ${host} (${words}) `, 'm'))?.[1] ?? 'none';
	return found;
}

/** One fixed snapshot drawn by both faces. */
async function bothFaces(snapshot: LabSnapshot) {
	const source: SnapshotSource = {subscribe: () => () => {}, snapshot: () => snapshot};
	const app = renderApp(source as LabStore);
	await settle();
	const tui = tuiWords(app.frame(), ['m1', 'm2']);
	app.unmount();
	return {tui, check: checkWords(checkText(snapshot), ['m1', 'm2'])};
}

test('m2 cut off: the TUI (which kept m2\'s last pods) and check (which never saw them) give m2 one verdict', async () => {
	// The TUI's store: m2 was live, then became unreachable; its pods stay on screen, marked STALE.
	const tui = homelab();
	tui.store.setConnection('m2', 'unreachable', 'timeout');
	// check's store: m2 never answered.
	const check = homelab();
	check.store.replacePods('m2', []);
	check.store.setConnection('m2', 'unreachable', 'timeout', {sinceUnknown: true});
	const data = promData();
	const fromTui = computeBudgets(config, tui.store.snapshot().clusters, data, startMs);
	const fromCheck = computeBudgets(config, check.store.snapshot().clusters, data, startMs);
	const m2 = (hosts: typeof fromTui) => hosts.find(host => host.host === 'm2')!;
	assert.deepEqual(m2(fromTui).verdict, m2(fromCheck).verdict);
	assert.equal(m2(fromTui).verdict.level, 'unknown');
	assert.match(m2(fromTui).verdict.reasons[0]!, /m2 unreachable/);
	assert.equal(m2(fromTui).actualBytes, undefined, 'no estimate from pods that are not current');
});

test('the same snapshot rendered by the TUI and by check shows the same verdict words', async () => {
	const lab = homelab();
	lab.store.setConnection('m2', 'unreachable', 'timeout');
	lab.store.setBudgets(computeBudgets(config, lab.store.snapshot().clusters, promData(), startMs), undefined);
	const snapshot = lab.store.snapshot();
	const {tui, check} = await bothFaces(snapshot);
	assert.notEqual(tui.m1, 'none');
	assert.notEqual(tui.m2, 'none');
	assert.deepEqual(tui, check);
});

test('before the first answers nothing is "not configured": a configured Prometheus is waited for', () => {
	const lab = new LabStore([
		{name: 'm1', context: 'kind-m1-cluster', host: 'm1'},
		{name: 'm2', context: 'kind-m2-cluster', host: 'm2'},
	]);
	const withProm = testConfig({prometheus: {url: 'http://127.0.0.1:9'}});
	const hosts = computeBudgets(withProm, lab.snapshot().clusters, undefined, startMs);
	for (const host of hosts) {
		assert.deepEqual(host.waiting, ['Prometheus', `pods from ${host.host}`]);
		assert.equal(host.verdict.level, 'unknown');
		assert.equal(host.verdict.reasons[0], `${host.host} memory: waiting for Prometheus, pods from ${host.host}`);
		assert.doesNotMatch(JSON.stringify(host), /not configured/);
	}
	// Without a prometheus: section it is said, once the pods are known.
	const live = homelab();
	const without = computeBudgets(testConfig(), live.store.snapshot().clusters, undefined, startMs);
	assert.equal(without[0]!.waiting, undefined);
	assert.match(without[0]!.sourceNote ?? '', /Prometheus not configured/);
});
