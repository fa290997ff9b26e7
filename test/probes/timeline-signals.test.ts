// Probes in the drill timeline, from synthetic snapshots: a probe failing after the cut and answering after the
// heal, a failure older than the cut left out, and a failover probe's "all traffic on m1" and return steps.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {TimelineRecorder, reportMarkdown} from '../../source/drill/timeline.js';
import {probeTargetSchema, type ProbeTargetConfig} from '../../source/config/schema.js';
import {ProbeWindow} from '../../source/probes/window.js';
import type {ProbeResult} from '../../source/probes/types.js';
import type {LabSnapshot} from '../../source/store/types.js';

const plain = probeTargetSchema.parse({name: 'm2-gw', http: 'http://10.0.0.2/', timeout: '1s'});
const api = probeTargetSchema.parse({name: 'api', http: 'http://10.0.0.1/', marker: {json: 'served_by', values: {m2: 'gw-m2', m1: 'gw-m1'}, window: 5}});

/** Probes fed one result a second; every result makes a snapshot the recorder observes. */
class Feed {
	readonly windows = new Map<string, ProbeWindow>();
	constructor(
		readonly recorder: TimelineRecorder,
		probes: ProbeTargetConfig[],
	) {
		for (const probe of probes) this.windows.set(probe.name, new ProbeWindow(probe));
	}
	add(name: string, result: ProbeResult): void {
		this.windows.get(name)!.add(result);
		this.recorder.observe({atMs: result.atMs + 10, probes: [...this.windows.values()].map(window => window.status()), clusters: []} as unknown as LabSnapshot);
	}
}

const ok = (atMs: number, gateway?: string): ProbeResult => ({atMs, ok: true, latencyMs: 1, ...(gateway ? {gateway} : {})});
const failed = (atMs: number): ProbeResult => ({atMs, ok: false, error: 'timeout after 1s'});

test('a probe failing after the cut and answering after the heal, each with its time', () => {
	const recorder = new TimelineRecorder('d1', {cutClusters: ['m2'], otherClusters: ['m1'], targetJobs: [], probes: [plain]});
	const feed = new Feed(recorder, [plain]);
	feed.add('m2-gw', ok(0));
	recorder.cutStarted(1000);
	feed.add('m2-gw', ok(1000)); // sent at the cut, answered: not a failure
	feed.add('m2-gw', failed(2000));
	feed.add('m2-gw', failed(3000));
	recorder.healApplied(10_000);
	feed.add('m2-gw', failed(10_500)); // still failing after the heal
	feed.add('m2-gw', ok(11_500));
	const marks = recorder.timeline().map(mark => [mark.signal, mark.afterMs]);
	assert.deepEqual(marks, [
		['probe m2-gw failing', 1010],
		['heal applied', 9000],
		['probe m2-gw ok', 1510],
	]);
	assert.equal(recorder.complete, true);
	const row = recorder.report().signals.find(signal => signal.signal === 'probe m2-gw failing')!;
	assert.deepEqual([row.detectMs, row.detectOk, row.recoverMs], [1010, true, 1510]);
});

test('a probe that was failing before the cut is not a sign of it', () => {
	const recorder = new TimelineRecorder('d2', {cutClusters: ['m2'], otherClusters: [], targetJobs: [], probes: [plain]});
	const feed = new Feed(recorder, [plain]);
	feed.add('m2-gw', ok(0));
	feed.add('m2-gw', failed(1000));
	feed.add('m2-gw', failed(2000));
	recorder.cutStarted(5000);
	feed.add('m2-gw', failed(5500));
	assert.deepEqual(recorder.timeline(), []);
	// Never answered at all: no sign either.
	const never = new TimelineRecorder('d3', {cutClusters: [], otherClusters: [], targetJobs: [], probes: [plain]});
	const feed2 = new Feed(never, [plain]);
	never.cutStarted(0);
	feed2.add('m2-gw', failed(100));
	assert.deepEqual(never.timeline(), []);
});

test('failover: all traffic on m1 timed at the first answer of the first all-m1 window; the return steps after the heal', () => {
	const recorder = new TimelineRecorder('d4', {cutClusters: ['m2'], otherClusters: [], targetJobs: [], probes: [api]});
	const feed = new Feed(recorder, [api]);
	let at = 0;
	const send = (pattern: string) => {
		for (const letter of pattern) {
			feed.add('api', letter === 'x' ? failed(at) : ok(at, letter === '2' ? 'm2' : 'm1'));
			at += 1000;
		}
	};
	send('22221'); // 80/20 before the cut: at 0..4 s
	recorder.cutStarted(5000);
	send('xx'); // 5, 6 s: m2's share fails until the front notices
	send('11111'); // 7..11 s: the window is all m1 once the fifth answer is in (11 s); traffic moved at 7 s
	recorder.healApplied(12_000);
	send('1'); // 12 s
	send('2'); // 13 s: m2 back: 20 % of the window
	send('121'); // 14..16 s: 40 % of the window
	send('2'); // 17 s: 60 % of the window
	assert.equal(recorder.complete, false, 'the last step (80 %) is not reached yet');
	send('22'); // 18, 19 s: 80 %
	assert.equal(recorder.complete, true);
	const marks = recorder.timeline().map(mark => [mark.signal, mark.afterMs]);
	assert.deepEqual(marks, [
		['probe api failing', 10], // the first failure, seen 10 ms after it was sent
		['api: all traffic on m1', 2000],
		['heal applied', 7000],
		['probe api ok', 10],
		['api: m2 back ≥ 10 %', 1000],
		['api: m2 back ≥ 50 %', 5000],
		['api: m2 back ≥ 80 %', 7000],
	]);
	const report = recorder.report();
	const rows = report.signals.filter(signal => signal.signal.startsWith('api:') || signal.recovery.startsWith('api:'));
	assert.deepEqual(
		rows.map(signal => [signal.signal, signal.detectMs, signal.detectOk, signal.recovery, signal.recoverMs]),
		[
			['api: all traffic on m1', 2000, true, 'api: m2 back ≥ 10 %', 1000],
			['', undefined, undefined, 'api: m2 back ≥ 50 %', 5000],
			['', undefined, undefined, 'api: m2 back ≥ 80 %', 7000],
		],
	);
	const markdown = reportMarkdown(report, {points: ['m1 (local)'], outcome: 'healed'});
	assert.match(markdown, /\| api: all traffic on m1 \| 2\.0 s \| ok \| api: m2 back ≥ 10 % \| 1\.0 s \| {2}\|/);
	assert.match(markdown, /\| {2}\| {2}\| {2}\| api: m2 back ≥ 80 % \| 7\.0 s \| {2}\|/);
	assert.match(markdown, /- \+2\.0 s api: all traffic on m1/);
});

test('failover slower than the goal is "over goal"; a cut that never moves traffic leaves the steps unseen', () => {
	const recorder = new TimelineRecorder('d5', {cutClusters: ['m2'], otherClusters: [], targetJobs: [], probes: [api]});
	const feed = new Feed(recorder, [api]);
	recorder.cutStarted(0);
	for (let second = 0; second < 4; second++) feed.add('api', failed(second * 1000));
	for (let second = 4; second < 9; second++) feed.add('api', ok(second * 1000, 'm1'));
	const row = recorder.report().signals.find(signal => signal.signal === 'api: all traffic on m1')!;
	assert.deepEqual([row.detectMs, row.detectOk], [4000, false]);

	const quiet = new TimelineRecorder('d6', {cutClusters: ['m3'], otherClusters: [], targetJobs: [], probes: [api]});
	const feed2 = new Feed(quiet, [api]);
	quiet.cutStarted(0);
	for (let second = 0; second < 10; second++) feed2.add('api', ok(second * 1000, second % 5 === 4 ? 'm1' : 'm2'));
	quiet.healApplied(10_000);
	assert.equal(quiet.complete, true, 'nothing was detected, so nothing waits for a recovery');
	assert.ok(quiet.report().signals.filter(signal => signal.recovery.startsWith('api: m2 back')).every(signal => signal.recoverMs === undefined));
});

test('without roles (no values, no primary/fallback) a marker probe is a plain probe in the timeline', () => {
	const open = probeTargetSchema.parse({name: 'web', http: 'http://10.0.0.1/', marker: {header: 'X-Served-By'}});
	const recorder = new TimelineRecorder('d7', {cutClusters: [], otherClusters: [], targetJobs: [], probes: [open]});
	assert.deepEqual(
		recorder.report().signals.map(signal => signal.signal),
		['prometheus target down', 'probe web failing'],
	);
});
