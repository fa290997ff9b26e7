// Pure: the timeline from synthetic snapshots, and its report against the 3 s detection goal.
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import type {ClusterSnapshot, ConnectionPhase, LabSnapshot} from '../../source/store/types.js';
import {TimelineRecorder, reportMarkdown} from '../../source/drill/timeline.js';

function cluster(name: string, phase: ConnectionPhase, connection?: string): ClusterSnapshot {
	return {
		name,
		context: `kind-${name}-cluster`,
		host: name,
		connection: {phase, sinceMs: 0},
		stale: phase !== 'live',
		synced: {nodes: true, pods: true, gateways: true},
		nodes: [],
		nodeCounts: {ready: 0, total: 0},
		podCounts: {running: 0, failing: 0, pending: 0, failed: 0, succeeded: 0, total: 0},
		pods: [],
		gateways: connection
			? [{name: 'gw', namespace: 'submariner-operator', haStatus: 'active', version: '0.18', statusFailure: '', localClusterId: name, connections: [{remoteCluster: 'm2', remoteHostname: 'm2-gw', status: connection, statusMessage: ''}]}]
			: [],
		verdict: {level: 'ok', reasons: []},
	};
}

function snapshot(atMs: number, m2: ConnectionPhase, connection: string, targetUp?: boolean): LabSnapshot {
	return {
		atMs,
		version: atMs,
		clusters: [cluster('m1', 'live', connection), cluster('m2', m2)],
		gateways: [],
		events: [],
		...(targetUp === undefined ? {} : {prometheus: {url: 'http://x', state: 'ok', targets: [{job: 'm2-nodes', instance: 'm2', up: targetUp}, {job: 'm1-nodes', instance: 'm1', up: true}]}}),
		verdict: {level: 'ok', reasons: []},
	} as LabSnapshot;
}

describe('timeline', () => {
	it('records detection after the cut and recovery after the heal, each once', () => {
		const recorder = new TimelineRecorder('d1', {cutClusters: ['m2'], otherClusters: ['m1'], targetJobs: ['m2-nodes']});
		assert.equal(recorder.observe(snapshot(500, 'unreachable', 'error', false)), false, 'nothing before the cut');
		recorder.cutStarted(1000);
		recorder.cutApplied('m1 (local)', 1100);
		recorder.observe(snapshot(2000, 'live', 'connected', true));
		recorder.observe(snapshot(3500, 'unreachable', 'connected', true));
		recorder.observe(snapshot(4000, 'unreachable', 'error', true));
		recorder.observe(snapshot(6000, 'unreachable', 'error', false));
		recorder.observe(snapshot(6500, 'unreachable', 'error', false));
		recorder.observe(snapshot(7000, 'live', 'connected', true)); // before the heal: not a recovery
		recorder.healApplied(10_000);
		recorder.observe(snapshot(11_000, 'reconnecting', 'error', false));
		recorder.observe(snapshot(12_000, 'live', 'connecting', false));
		recorder.observe(snapshot(15_000, 'live', 'connected', false));
		assert.equal(recorder.complete, false);
		recorder.observe(snapshot(30_000, 'live', 'connected', true));
		assert.equal(recorder.complete, true);
		assert.deepEqual(
			recorder.timeline().map(mark => [mark.signal, mark.afterMs]),
			[
				['cut applied m1 (local)', 100],
				['m2 unreachable', 2500],
				['m1 gateway connection error', 3000],
				['prometheus target down', 5000],
				['heal applied', 9000],
				['m2 live', 2000],
				['m1 connection connected', 5000],
				['target up', 20_000],
			],
		);
		const report = recorder.report();
		assert.deepEqual(
			report.signals.map(signal => [signal.signal, signal.detectMs, signal.detectOk, signal.recoverMs, signal.recoverOk]),
			[
				['m2 unreachable', 2500, true, 2000, true],
				['m1 gateway connection error', 3000, true, 5000, undefined],
				['prometheus target down', 5000, false, 20_000, undefined],
			],
		);
		const markdown = reportMarkdown(report, {points: ['m1 (local)'], ttlMs: 60_000, outcome: 'healed'});
		assert.match(markdown, /\| m2 unreachable \| 2\.5 s \| ok \| m2 live \| 2\.0 s \| ok \|/);
		assert.match(markdown, /\| prometheus target down \| 5\.0 s \| over goal \|/);
		assert.match(markdown, /- \+2\.5 s m2 unreachable/);
	});

	it('leaves signals it cannot see out (no Prometheus, no gateways)', () => {
		const recorder = new TimelineRecorder('d2', {cutClusters: ['m2'], otherClusters: ['m1'], targetJobs: []});
		recorder.cutStarted(0);
		recorder.observe(snapshot(1000, 'unreachable', ''));
		const report = recorder.report();
		assert.deepEqual(report.signals.map(signal => signal.detectMs), [1000, undefined, undefined]);
		assert.match(reportMarkdown(report, {points: [], outcome: 'live'}), /prometheus target down \| — \| not seen/);
	});
});
