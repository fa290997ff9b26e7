// Per-point drill locks: one holder at a time, stale locks (dead holder, pid reused by another process) recovered.
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PointLocks} from '../../source/drill/point-lock.js';
import {processIdentity} from '../../source/drill/process-identity.js';

function withLocks(body: (locks: PointLocks) => Promise<void>): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'labwatch-locks-'));
	return body(new PointLocks(join(dir, 'locks'))).finally(() => rmSync(dir, {recursive: true, force: true}));
}

function plant(locks: PointLocks, label: string, holder: unknown): void {
	mkdirSync(locks.dir, {recursive: true});
	writeFileSync(locks.path(label), typeof holder === 'string' ? holder : JSON.stringify(holder));
}

describe('point locks', () => {
	it('one holder per point; released on release; all or none for several points', () =>
		withLocks(async locks => {
			const first = await locks.acquire(['m1 (local)', 'm2 (ssh root@m2)'], 'labwatch partition');
			assert.ok(first.ok);
			const second = await locks.acquire(['m2 (ssh root@m2)'], 'tui');
			assert.equal(second.ok, false);
			assert.match(second.ok ? '' : second.error, /^another drill command is running at m2 \(ssh root@m2\) \(pid \d+, labwatch partition, since \d\d:\d\d:\d\d\): try again when it is done$/);
			await first.value();
			assert.equal(existsSync(locks.path('m1 (local)')), false);
			const third = await locks.acquire(['m2 (ssh root@m2)'], 'tui');
			assert.ok(third.ok);
			await third.value();
		}));

	it('takes over a lock whose holder is dead, whose pid now belongs to another process, or that is garbage', () =>
		withLocks(async locks => {
			const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
			plant(locks, 'a', {pid: Number(dead), startTime: '1', atMs: 0});
			plant(locks, 'b', {pid: process.pid, startTime: 'not-my-start-time', atMs: 0});
			plant(locks, 'c', 'null');
			plant(locks, 'd', {pid: 1, atMs: 0});
			const taken = await locks.acquire(['a', 'b', 'c', 'd'], 'test');
			assert.ok(taken.ok, taken.ok ? '' : taken.error);
			await taken.value();
		}));

	it('refuses while the recorded holder is that same live process', () =>
		withLocks(async locks => {
			plant(locks, 'a', {pid: process.pid, startTime: processIdentity(process.pid)!.startTime, by: 'tui', atMs: Date.now()});
			const taken = await locks.acquire(['a'], 'test');
			assert.equal(taken.ok, false);
			assert.equal(existsSync(locks.path('a')), true, 'the live holder keeps its lock');
		}));

	it('says when the lock directory cannot be used at all', () =>
		withLocks(async locks => {
			writeFileSync(join(locks.dir, '..', 'file'), '');
			const broken = new PointLocks(join(locks.dir, '..', 'file', 'locks'));
			const taken = await broken.acquire(['a'], 'test');
			assert.equal(taken.ok, false);
			assert.ok('unavailable' in taken);
			assert.match(taken.ok ? '' : taken.error, /^cannot lock in .*file\/locks: ENOTDIR/);
		}));
});
