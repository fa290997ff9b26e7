// The journal's lines and atomic reports, in a temp state dir.
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, readdirSync, rmSync, appendFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Journal, stateDirFrom} from '../../source/drill/journal.js';

describe('journal', () => {
	it('follows XDG_STATE_HOME, else ~/.local/state', () => {
		assert.equal(stateDirFrom({XDG_STATE_HOME: '/s', HOME: '/h'}), '/s/labwatch');
		assert.equal(stateDirFrom({HOME: '/h'}), '/h/.local/state/labwatch');
		assert.equal(stateDirFrom({XDG_STATE_HOME: 'relative', HOME: '/h'}), '/h/.local/state/labwatch', 'a relative XDG path is ignored, per the spec');
	});

	it('appends one JSON line per entry, skips a torn line, and knows which cuts are open', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'labwatch-journal-'));
		try {
			const journal = new Journal(join(dir, 'labwatch'));
			await journal.append({type: 'cut', atMs: 1000, drillId: 'd1', ttlMs: 60_000, points: ['m1 (local)'], ok: true, results: [{point: 'm1 (local)', ok: true, commands: [{argv: ['iptables', '-w', '-N', 'LABWATCH-PARTITION'], exitCode: 0}], timer: {kind: 'detached sh', pid: 42, dueMs: 61_000}}], pid: 1});
			await journal.append({type: 'cut', atMs: 2000, drillId: 'd2', ttlMs: 60_000, points: ['m1 (local)'], ok: true, results: [], pid: 1});
			await journal.append({type: 'heal', atMs: 3000, drillId: 'd2', points: ['m1 (local)'], ok: true, results: [], pid: 1});
			appendFileSync(journal.path, '{"type":"cut","atMs":'); // a crash mid-write
			const lines = readFileSync(journal.path, 'utf8').split('\n');
			assert.equal(JSON.parse(lines[0]!).results[0].timer.pid, 42);
			assert.equal((await journal.read()).length, 3);
			assert.equal((await journal.openCut('d1'))?.atMs, 1000);
			assert.equal(await journal.openCut('d2'), undefined);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('writes reports atomically, leaving no temp files', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'labwatch-journal-'));
		try {
			const journal = new Journal(dir);
			const path = await journal.writeReport('d1', {a: 1}, '# d1\n');
			await journal.writeReport('d1', {a: 2}, '# d1 again\n');
			assert.equal(readFileSync(path, 'utf8'), '# d1 again\n');
			assert.deepEqual(JSON.parse(readFileSync(journal.reportPath('d1', 'json'), 'utf8')), {a: 2});
			assert.deepEqual(readdirSync(join(dir, 'drills')).sort(), ['d1.json', 'd1.md']);
			assert.deepEqual(await journal.listReports(), ['d1']);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
