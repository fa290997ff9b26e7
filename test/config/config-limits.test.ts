// Issue 11.11 and "also seen": every duration has a range checked when the config is loaded and when a
// flag is read; a billion-laughs file, a `__proto__` key and `reserved` ≥ `memory` are one-line config errors.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadConfig, parseConfigText} from '../../source/config/load.js';
import {ConfigError} from '../../source/config/errors.js';
import {durationRanges, parseDurationIn} from '../../source/config/duration.js';

const base = `clusters: {m1: {context: a, host: m1}}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.1}}\n`;

function configError(text: string, path = '/somewhere/config.yaml'): string {
	try {
		parseConfigText(text, path);
	} catch (error) {
		assert.ok(error instanceof ConfigError, String(error));
		assert.equal(error.exitCode, 2);
		assert.ok(!error.message.includes('\n'), 'one line');
		return error.message;
	}
	assert.fail(`accepted:\n${text}`);
}

test('every duration in the config is refused outside its range, naming the key and the range', () => {
	const cases: Array<[string, string]> = [
		['probe: {interval: 1000h}', 'config.yaml: probe.interval: expected a duration from 100ms to 10m, got "1000h"'],
		['probe: {timeout: 10ms}', 'config.yaml: probe.timeout: expected a duration from 100ms to 1m, got "10ms"'],
		['prometheus: {url: "http://127.0.0.1:9090", interval: 0.001ms}', 'config.yaml: prometheus.interval: expected a duration from 1s to 1h, got "0.001ms"'],
		['prometheus: {url: "http://127.0.0.1:9090", timeout: 597h}', 'config.yaml: prometheus.timeout: expected a duration from 100ms to 5m, got "597h"'],
		['drill: {ttl: 30d}', 'config.yaml: drill.ttl: expected a duration like 5s (from 1s to 1h), got "30d"'],
		['drill: {ttl: 2h}', 'config.yaml: drill.ttl: expected a duration from 1s to 1h, got "2h"'],
		['probe: {interval: 5}', 'config.yaml: probe.interval: expected a duration like 5s (from 100ms to 10m), got "5"'],
	];
	for (const [line, message] of cases) assert.equal(configError(`${base}${line}`), message);
	// The ends themselves are fine.
	const config = parseConfigText(`${base}probe: {interval: 100ms, timeout: 1m}\nprometheus: {url: "http://127.0.0.1:9090", interval: 1h, timeout: 5m}\ndrill: {ttl: 1h}`, 'c.yaml');
	assert.deepEqual([config.probe.interval, config.probe.timeout, config.prometheus!.interval, config.prometheus!.timeout, config.drill.ttl], [100, 60_000, 3_600_000, 300_000, 3_600_000]);
});

test('flags: --timeout and --ttl take the same kind of range; none reaches the 2^31 ms where Node timers overflow', () => {
	assert.deepEqual(parseDurationIn('--timeout', '5'), {ms: 5000});
	assert.deepEqual(parseDurationIn('--timeout', '1h'), {ms: 3_600_000});
	assert.deepEqual(parseDurationIn('--timeout', '597h'), {error: 'expected a duration from 100ms to 1h, got "597h"'});
	assert.deepEqual(parseDurationIn('--timeout', '0s'), {error: 'expected a duration from 100ms to 1h, got "0s"'});
	assert.deepEqual(parseDurationIn('--ttl', '100000h'), {error: 'expected a duration from 1s to 1h, got "100000h"'});
	for (const range of Object.values(durationRanges)) assert.ok(range.maxMs < 2 ** 31 - 1 && range.minMs > 0);
});

test('a billion-laughs config is one line naming the file, exit 2', t => {
	const dir = mkdtempSync(join(tmpdir(), 'labwatch-config-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
	for (const [index, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) {
		const previous = String.fromCharCode(97 + index);
		levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
	}
	const path = join(dir, 'laughs.yaml');
	writeFileSync(path, `${levels.join('\n')}\n`);
	assert.throws(() => loadConfig(path), (error: unknown) => {
		assert.ok(error instanceof ConfigError, String(error));
		assert.equal(error.exitCode, 2);
		assert.equal(error.message, 'laughs.yaml: not valid YAML: too many aliases (over 100 expansions)');
		return true;
	});
});

test('__proto__ as a key is an error naming it, not silently dropped', () => {
	assert.equal(
		configError('clusters:\n  __proto__: {context: x, host: m1}\n  m1: {context: a, host: m1}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.1}}\n'),
		'config.yaml: clusters.__proto__: not allowed as a key',
	);
	assert.equal(configError(`${base}prometheus: {url: "http://127.0.0.1:9090", jobs: {__proto__: x}}`), 'config.yaml: prometheus.jobs.__proto__: not allowed as a key');
});

test('reserved at or above memory is a config error naming the key; the default fits small hosts', () => {
	assert.equal(
		configError('clusters: {m1: {context: a, host: m1}}\nhosts: {m1: {memory: 8GiB, reserved: 9GiB, address: 10.0.0.1}}'),
		'config.yaml: hosts.m1.reserved: 9 GiB must be less than memory (8 GiB)',
	);
	assert.equal(
		configError('clusters: {m1: {context: a, host: m1}}\nhosts: {m1: {memory: 2GiB, reserved: 2GiB, address: 10.0.0.1}}'),
		'config.yaml: hosts.m1.reserved: 2 GiB must be less than memory (2 GiB)',
	);
	// Left out, the 2 GiB default never takes more than half a small host.
	const small = parseConfigText('clusters: {m1: {context: a, host: m1}}\nhosts: {m1: {memory: 1GiB, address: 10.0.0.1}}', 'c.yaml');
	assert.equal(small.hosts.m1!.reserved, 512 * 2 ** 20);
	assert.equal(parseConfigText(base, 'c.yaml').hosts.m1!.reserved, 2 * 2 ** 30);
});

const bin = join(import.meta.dirname, '../../dist/labwatch.js');

function labwatch(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [bin, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('close', code => resolve({code, stdout, stderr}));
	});
}

test('the built CLI: check --timeout 597h and a billion-laughs --config are one line, exit 2, no timer warning', async t => {
	assert.ok(existsSync(bin), 'dist/labwatch.js is built by npm test');
	const dir = mkdtempSync(join(tmpdir(), 'labwatch-config-cli-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const config = join(dir, 'config.yaml');
	writeFileSync(config, base);
	let result = await labwatch(['check', '--config', config, '--timeout', '597h']);
	assert.deepEqual([result.code, result.stdout, result.stderr], [2, '', 'labwatch: --timeout: expected a duration from 100ms to 1h, got "597h"\n']);
	const laughs = join(dir, 'laughs.yaml');
	writeFileSync(laughs, 'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n');
	result = await labwatch(['check', '--config', laughs]);
	assert.deepEqual([result.code, result.stdout, result.stderr], [2, '', 'labwatch: laughs.yaml: not valid YAML: too many aliases (over 100 expansions)\n']);
});
