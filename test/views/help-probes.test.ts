// The help's "Now" lists each configured probe in one line: its latest run and its window.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {helpLines} from '../../views/HelpOverlay.js';
import type {ProbeStatus} from '../../source/probes/types.js';

const probes: ProbeStatus[] = [
	{name: 'm2-api', kind: 'http', target: 'http://127.0.0.1:1/readyz', level: 'warn', samples: 20, successRate: 0.95, p50Ms: 1.2, p95Ms: 3.24, maxMs: 9, last: {atMs: 0, ok: true, latencyMs: 1.5}},
	{name: 'pg', kind: 'tcp', target: '127.0.0.1:5432', level: 'crit', samples: 3, successRate: 0, last: {atMs: 0, ok: false, error: 'connection refused'}},
	{name: 'redis', kind: 'tcp', target: '127.0.0.1:6379', level: 'warn', samples: 0},
];

test('help: one line per probe under Now, before the keys', () => {
	const lines = helpLines({width: 80, readOnly: false, ascii: false, verdict: {level: 'crit', reasons: ['probe pg failing: connection refused']}, probes}).map(line => `${line.bold ?? ''}${line.text}`);
	const keys = lines.indexOf('Keys');
	const shown = lines.filter(line => line.startsWith('probe '));
	assert.deepEqual(shown, ['probe m2-api OK 1.5 ms (p95 3.2 ms, 95% of 20)', 'probe pg CRITICAL connection refused (0% of 3)', 'probe redis UNKNOWN no result yet']);
	assert.ok(lines.findIndex(line => line.startsWith('probe m2-api')) < keys);
});

test('help without probes: no probe lines', () => {
	const lines = helpLines({width: 80, readOnly: false, ascii: false, verdict: {level: 'ok', reasons: []}});
	assert.ok(!lines.some(line => line.text.startsWith('probe ')));
});
