// States on one screen agree with each other: counts match the rows listed, an RTT is shown only for a
// working connection, and the errors Submariner reports late after a heal do not contradict the heal.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {checkText} from '../../source/check-report.js';
import {submarinerRecoveryMs} from '../../source/store/verdicts.js';
import {gateway, homelab, lineWith, pod, renderApp, settle, startMs} from './harness.js';

test('a crash-looping pod is counted as failing, not running; a Succeeded row is counted', async () => {
	const lab = homelab();
	lab.store.replacePods('m2', [pod('edge-proxy-1', {namespace: 'edge'}), pod('ci-runner-1', {namespace: 'ci', phase: 'Succeeded', ready: false})]);
	const app = renderApp(lab.store);
	await settle();
	const frame = app.frame();
	assert.match(frame, /pods 3 running, 1 failing\s/, 'm1 lists 3 running pods and one CrashLoopBackOff');
	assert.match(frame, /Succeeded ci\/ci-runner-1/);
	assert.match(frame, /pods 1 running, 1 succeeded\s/);
	assert.match(checkText(lab.store.snapshot()), /^m1 \w+ live, nodes 2\/2 Ready, pods 3 running 1 failing 0 pending 0 failed 0 succeeded of 4$/m);
	app.unmount();
});

test('a connection in error shows no RTT, in the TUI and in check', async () => {
	const lab = homelab();
	lab.store.replaceGateways('m1', [
		gateway('m1', 'm2', lab.now(), {connections: [{remoteCluster: 'm2', remoteHostname: 'm2-node', status: 'error', statusMessage: 'Failed to ping', rttAverageMs: 0.66}]}),
	]);
	const app = renderApp(lab.store);
	await settle();
	const line = lineWith(app.frame(), 'gw m1-gw').slice(0, 50);
	assert.match(line, /→m2 error: Failed/);
	assert.doesNotMatch(line, /ms/);
	assert.match(lineWith(app.frame(), 'gw m2-gw').slice(50), /→m1 connected 0\.69ms/, 'a working connection keeps its RTT');
	assert.match(checkText(lab.store.snapshot()), /^gateway m1 CRITICAL →m2 error$/m);
	app.unmount();
});

test('after a heal, the connection error Submariner reports late is "recovering", not a new CRITICAL; later it is', async () => {
	const lab = homelab();
	lab.store.replacePods('m1', [pod('api-7f9c', {namespace: 'apps'})]);
	lab.store.replacePods('m2', [pod('edge-proxy-1', {namespace: 'edge'})]);
	lab.store.setDrill({active: true, sinceMs: startMs, ttlMs: 60_000, points: ['m1 (sim)'], leftover: false}, undefined);
	lab.advance(10_000);
	lab.store.setDrill({active: false, points: [], leftover: false}, undefined);
	lab.advance(2_000);
	const erroring = () =>
		gateway('m1', 'm2', lab.now(), {connections: [{remoteCluster: 'm2', remoteHostname: 'm2-node', status: 'error', statusMessage: 'Failed to successfully ping the remote endpoint'}]});
	lab.store.replaceGateways('m1', [erroring()]);
	const app = renderApp(lab.store);
	await settle();
	let header = app.frame().split('\n')[0]!;
	assert.doesNotMatch(header, /CRITICAL/);
	assert.match(header, /WARNING m1→m2 recovering after the heal 2s ago/);
	const event = lab.store.snapshot().events.at(-1)!;
	assert.equal(event.level, 'warn');
	assert.match(event.text, /m1: gateway connection to m2 error \(reported late; Submariner re-checks after the heal\)/);
	// Still in error long after the heal: that is a failure.
	lab.advance(submarinerRecoveryMs);
	lab.store.replaceGateways('m1', [erroring()]);
	await settle();
	header = app.frame().split('\n')[0]!;
	assert.match(header, /CRITICAL m1→m2 connection error: Failed/);
	app.unmount();
});
