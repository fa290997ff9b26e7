// `labwatch check --demo` as a user runs it: the simulated Macs' budgets come from node_exporter's darwin
// series, through the darwin formula, and check says so.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const bin = join(import.meta.dirname, '../../dist/labwatch.js');

test('check --demo: both Macs measured by the darwin formula', t => {
	assert.ok(existsSync(bin), 'dist/labwatch.js is built by npm test');
	const state = mkdtempSync(join(tmpdir(), 'labwatch-demo-darwin-'));
	t.after(() => rmSync(state, {recursive: true, force: true}));
	const result = spawnSync(process.execPath, [bin, 'check', '--demo', '--json', '--timeout', '10s'], {env: {...process.env, XDG_STATE_HOME: state}, encoding: 'utf8', timeout: 30_000});
	assert.equal(result.stderr, '');
	const report = JSON.parse(result.stdout) as {hosts: Array<{host: string; actualSource: string; actualBytes: number; limitBytes: number}>};
	assert.deepEqual(
		report.hosts.map(host => [host.host, host.actualSource]),
		[['m1', 'node-exporter-darwin'], ['m2', 'node-exporter-darwin']],
	);
	for (const host of report.hosts) assert.ok(host.actualBytes > 0 && host.actualBytes < host.limitBytes, `${host.host}: a plausible use`);
	const text = spawnSync(process.execPath, [bin, 'check', '--demo', '--timeout', '10s'], {env: {...process.env, XDG_STATE_HOME: state}, encoding: 'utf8', timeout: 30_000});
	assert.match(text.stdout, /^host m1 \w+ .*\(node-exporter-darwin\)$/m);
	assert.match(text.stdout, /^host m2 \w+ .*\(node-exporter-darwin\)$/m);
});
