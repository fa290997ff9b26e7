// What `npm run build` ships: the launcher's entry and the chunks it loads on demand. These hold the memory
// and start-up work of issue 9 in place (a non-ASCII character doubles the memory V8 keeps for a source;
// client-node's generated clients and undici are 2.3 MB that labwatch never runs).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, readlinkSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {execFileSync, spawn, spawnSync} from 'node:child_process';

const dist = new URL('../../dist/', import.meta.url).pathname;
const files = [join(dist, 'labwatch.js'), ...readdirSync(join(dist, 'chunks')).filter(name => name.endsWith('.js')).map(name => join(dist, 'chunks', name))];

test('every shipped file is ASCII-only', () => {
	for (const file of files) {
		const text = readFileSync(file, 'latin1');
		const at = text.search(/[^\x00-\x7f]/);
		assert.equal(at, -1, `${file} has a non-ASCII character near: ${text.slice(Math.max(0, at - 40), at + 10)}`);
	}
});

test("client-node's generated API clients and undici are not bundled", () => {
	const all = files.map(file => readFileSync(file, 'utf8')).join('\n');
	assert.doesNotMatch(all, /CoreV1Api|listNamespacedPod/, 'generated API clients');
	assert.doesNotMatch(all, /UND_ERR_/, 'undici');
});

test('the entry is small, executable, and starts Node with the launcher flags', () => {
	const entry = join(dist, 'labwatch.js');
	assert.ok(statSync(entry).size < 4096, 'the entry only loads the CLI chunk');
	assert.ok((statSync(entry).mode & 0o111) !== 0, 'executable');
	assert.match(readFileSync(entry, 'utf8').split('\n', 1)[0]!, /^#!\/usr\/bin\/env -S MALLOC_ARENA_MAX=1 MALLOC_TRIM_THRESHOLD_=131072 node --max-semi-space-size=1$/);
	assert.match(execFileSync(process.execPath, [entry, '--version'], {encoding: 'utf8'}), /^\d+\.\d+\.\d+/);
});

// glibc keeps the memory freed after parsing large list pages in its arenas; one arena and a low trim
// threshold give it back (measured at 2 x 5,000 real pods: RSS ~205 -> ~160 MiB). The launcher sets them for
// the process it starts (env -S execs node in place, so the pid is labwatch's); macOS's libc ignores them.
test('labwatch started through its launcher runs with glibc malloc tuned: one arena, a low trim threshold', {skip: process.platform !== 'linux' && 'reads /proc'}, async () => {
	const child = spawn(join(dist, 'labwatch.js'), ['sim', '--only', 'm1', '--port', '0', '--bind', '127.0.0.1'], {stdio: 'ignore'});
	try {
		let environ = '';
		// Until env has exec'd node in place (the pid's executable is no longer env).
		for (let tries = 0; tries < 100 && /\/env$/.test(readlinkSync(`/proc/${child.pid}/exe`)); tries++) await new Promise(done => setTimeout(done, 50));
		assert.match(readlinkSync(`/proc/${child.pid}/exe`), /node/);
		environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8');
		const variables = environ.split('\0');
		assert.ok(variables.includes('MALLOC_ARENA_MAX=1'), 'MALLOC_ARENA_MAX=1 in the running process');
		assert.ok(variables.includes('MALLOC_TRIM_THRESHOLD_=131072'), 'MALLOC_TRIM_THRESHOLD_=131072 in the running process');
	} finally {
		child.kill('SIGTERM');
	}
});

test('an older Node on the PATH gets one line saying what is needed, exit 2 (not a missing-API crash)', t => {
	// The machine's own Node is 20 here; a user's may be too.
	const old = (process.env.PATH ?? '')
		.split(':')
		.map(dir => join(dir, 'node'))
		.find(path => {
			try {
				return Number(execFileSync(path, ['-p', 'process.versions.node.split(".")[0]'], {encoding: 'utf8'}).trim()) < 22;
			} catch {
				return false;
			}
		});
	if (!old) {
		t.skip('no Node older than 22 on PATH');
		return;
	}
	const result = spawnSync(old, [join(dist, 'labwatch.js'), 'check', '--demo'], {encoding: 'utf8'});
	assert.equal(result.status, 2);
	assert.equal(result.stdout, '');
	assert.match(result.stderr, /^labwatch: needs Node\.js 22 or newer, this is v\d+\.\d+\.\d+ .*npm exec -- labwatch.*\n$/);
});
