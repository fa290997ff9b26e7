import {test} from 'node:test';
import assert from 'node:assert/strict';
import {LabStore} from '../../source/store/lab-store.js';
import {trimNode, trimPod} from '../../source/kube/trim.js';
import {secondsOnScreen, youngPodOnScreen} from '../../views/hooks/seconds-on-screen.js';
import {formatAge, formatPodAge} from '../../source/config/duration.js';
import {nodeObject, podObject} from '../store/fixtures.js';

const nowMs = Date.parse('2026-11-24T20:00:00Z');

function store() {
	const lab = new LabStore([{name: 'm1', context: 'c', host: 'm1'}], {clock: () => nowMs});
	lab.replaceNodes('m1', [trimNode(nodeObject('n'))]);
	lab.replacePods('m1', [trimPod(podObject('old', {createdMs: nowMs - 3 * 3_600_000}))]);
	lab.replaceGateways('m1', []);
	lab.setConnection('m1', 'live');
	return lab;
}

test('a calm screen of old pods needs no per-second clock', () => {
	assert.equal(secondsOnScreen(store().snapshot()), false);
});

test('seconds are on screen with a young pod, an outage, or a live cut', () => {
	let lab = store();
	lab.upsertPod('m1', trimPod(podObject('young', {createdMs: nowMs - 95_000})));
	assert.equal(secondsOnScreen(lab.snapshot()), false, 'a young pod ages in 10 s steps, not seconds');
	assert.equal(youngPodOnScreen(lab.snapshot()), true);
	lab.upsertPod('m1', trimPod(podObject('young', {createdMs: nowMs - 125_000})));
	assert.equal(youngPodOnScreen(lab.snapshot()), false, 'past two minutes an age is shown in minutes');
	let clockMs = nowMs;
	lab = new LabStore([{name: 'm1', context: 'c', host: 'm1'}], {clock: () => clockMs});
	lab.replaceNodes('m1', [trimNode(nodeObject('n'))]);
	lab.replacePods('m1', [trimPod(podObject('old', {createdMs: nowMs - 3 * 3_600_000}))]);
	lab.replaceGateways('m1', []);
	lab.setConnection('m1', 'live');
	lab.setConnection('m1', 'unreachable', 'timeout');
	assert.equal(secondsOnScreen(lab.snapshot()), true);
	clockMs += 3 * 60_000;
	assert.equal(secondsOnScreen(lab.snapshot()), false, 'a long outage (a laptop asleep) is shown in minutes');
	lab = store();
	lab.setDrill({active: true, points: ['m1 (local)'], leftover: false, sinceMs: nowMs, ttlMs: 60_000}, {phase: 'cut', timeline: []});
	assert.equal(secondsOnScreen(lab.snapshot()), true);
});

test('a pod younger than two minutes ages in 10 s steps', () => {
	assert.deepEqual([0, 9_999, 10_000, 59_000, 95_000, 119_999, 125_000].map(formatPodAge), ['0s', '0s', '10s', '50s', '90s', '110s', '2m']);
});

test('ages read much like kubectl: seconds only below two minutes', () => {
	assert.deepEqual(
		[59_000, 95_000, 125_000, 9 * 60_000 + 5_000, 45 * 60_000, 3 * 3_600_000 + 12 * 60_000, 31 * 3_600_000, (2 * 24 + 3) * 3_600_000, 12 * 86_400_000].map(formatAge),
		['59s', '95s', '2m', '9m', '45m', '3h12m', '31h', '2d3h', '12d'],
	);
});
