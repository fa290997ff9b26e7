// The failover view's arithmetic: who answered the last `window` results, in numbers and in one line.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {probeMarkerSchema} from '../../source/config/probe-options.js';
import {allOn, failoverRoles, failoverShares, shareOf, sharesWords} from '../../source/probes/shares.js';
import type {ProbeResult} from '../../source/probes/types.js';
import {ProbeWindow} from '../../source/probes/window.js';
import {probeTargetSchema} from '../../source/config/schema.js';

const marker = probeMarkerSchema.parse({json: 'served_by', values: {m2: 'gw-m2', m1: 'gw-m1'}, window: 10});
const answer = (atMs: number, gateway?: string): ProbeResult => ({atMs, ok: true, latencyMs: 1, ...(gateway ? {gateway} : {markerError: 'no field served_by'})});
const failure = (atMs: number): ProbeResult => ({atMs, ok: false, error: 'HTTP 502'});
const series = (pattern: string, from = 0): ProbeResult[] =>
	[...pattern].map((letter, index) => (letter === '2' ? answer(from + index * 1000, 'm2') : letter === '1' ? answer(from + index * 1000, 'm1') : letter === '?' ? answer(from + index * 1000) : failure(from + index * 1000)));

test('80/20 over a full window, configured gateways first, and the line the TUI shows', () => {
	const shares = failoverShares(marker, series('2222122221'));
	assert.deepEqual(shares.gateways, [
		{gateway: 'm2', count: 8, share: 0.8},
		{gateway: 'm1', count: 2, share: 0.2},
	]);
	assert.equal(sharesWords(shares), 'm2 80% · m1 20%');
	assert.deepEqual([shares.primary, shares.fallback], ['m2', 'm1']);
	assert.deepEqual([shares.sinceMs, shares.untilMs], [0, 9000]);
});

test('only the last `window` results count; failures and unmarked answers have their own share', () => {
	// 15 results: the first five (all m2) fall out of the window.
	const shares = failoverShares(marker, series('22222' + '1111x1x1?1'));
	assert.equal(shares.results, 10);
	assert.equal(shareOf(shares, 'm2'), 0);
	assert.equal(shareOf(shares, 'm1'), 0.7);
	assert.equal(shares.failed, 2);
	assert.equal(shares.unmarked, 1);
	assert.equal(sharesWords(shares), 'm2 0% · m1 70% · failed 20% · unmarked 10%');
	assert.equal(allOn(shares, 'm1'), false, 'failures in the window: not all traffic on m1');
});

test('all traffic on one gateway needs a full window answered by it', () => {
	assert.equal(allOn(failoverShares(marker, series('1111111111')), 'm1'), true);
	assert.equal(allOn(failoverShares(marker, series('111')), 'm1'), false, 'three results are not a window of ten');
	assert.equal(sharesWords(failoverShares(marker, series('111'))), 'm2 0% · m1 100% (3 of 10)');
	assert.equal(sharesWords(failoverShares(marker, [])), 'no answers yet');
});

test('without values the marker itself names the gateway; roles only when configured', () => {
	const open = probeMarkerSchema.parse({header: 'X-Served-By'});
	const shares = failoverShares(open, [answer(0, 'node-a'), answer(1, 'node-b'), answer(2, 'node-b')]);
	assert.deepEqual(shares.gateways.map(entry => entry.gateway), ['node-b', 'node-a'], 'most answers first');
	assert.deepEqual(failoverRoles(open), {});
	assert.deepEqual(failoverRoles(probeMarkerSchema.parse({header: 'X-Served-By', primary: 'a', fallback: 'b'})), {primary: 'a', fallback: 'b'});
	assert.deepEqual(failoverRoles(probeMarkerSchema.parse({json: 'x', values: {east: 'e', west: 'w', north: 'n'}, fallback: 'west'})), {primary: 'east', fallback: 'west'});
});

test('a share window larger than the probe window is kept whole', () => {
	const probe = probeTargetSchema.parse({name: 'api', http: 'http://127.0.0.1:1/', marker: {json: 'served_by', values: {m2: 'gw-m2', m1: 'gw-m1'}, window: 100}});
	const window = new ProbeWindow(probe, 60);
	for (const result of series('2'.repeat(50) + '1'.repeat(50))) window.add(result);
	const status = window.status();
	assert.equal(status.shares?.results, 100);
	assert.equal(shareOf(status.shares!, 'm2'), 0.5);
	assert.equal(status.recent?.length, 100);
});

test('config: a marker needs http, exactly one of header or json, and roles among its values', () => {
	const bad = (fields: Record<string, unknown>) => {
		const parsed = probeTargetSchema.safeParse({name: 'api', http: 'http://127.0.0.1/', ...fields});
		assert.equal(parsed.success, false, JSON.stringify(fields));
		return parsed.error!.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`).join('; ');
	};
	assert.match(bad({marker: {}}), /marker\.header: expected exactly one of header: or json:/);
	assert.match(bad({marker: {header: 'X', json: 'y'}}), /exactly one of header: or json:/);
	assert.match(bad({marker: {header: 'X Y'}}), /marker\.header: expected a header name like X-Served-By/);
	assert.match(bad({marker: {json: 'a..b'}}), /marker\.json: expected a field path/);
	assert.match(bad({marker: {json: 'a', values: {m2: 'x'}, primary: 'm3'}}), /marker\.primary: "m3" is not a name under values \(m2\)/);
	assert.match(bad({marker: {json: 'a', window: 1}}), /marker\.window/);
	assert.match(bad({http: undefined, tcp: '127.0.0.1:1', marker: {json: 'a'}}), /marker: a marker reads an HTTP answer: expected http:/);
});
