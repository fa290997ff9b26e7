import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseConfigText, loadConfig} from '../../source/config/load.js';
import {writeConfigTemplate} from '../../source/config/init.js';
import {ConfigError} from '../../source/config/errors.js';

const base = `clusters: {m1: {context: a, host: m1}}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.1}}\n`;

const badFiles: Array<[string, string]> = [
	[`clusters: {m2: {context: a, host: m2}}\nhosts: {m2: {memory: eight, address: 10.0.0.1}}`, 'config.yaml: hosts.m2.memory: expected a size like 8GiB, got "eight"'],
	[`clusters: {m1: {context: a, host: m1}}\nhosts: {m1: {memory: "8", address: 10.0.0.1}}`, 'config.yaml: hosts.m1.memory: expected a size like 8GiB, got "8"'],
	[`clusters: {m1: {context: a, host: m1, colr: red}}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.1}}`, 'config.yaml: clusters.m1.colr: unknown key'],
	[`${base}extra: 1`, 'config.yaml: extra: unknown key'],
	[`clusters: {m1: {context: a, host: m9}}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.1}}`, 'config.yaml: clusters.m1.host: no host named "m9" under hosts'],
	[`clusters: {m1: {host: m1}}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.1}}`, 'config.yaml: clusters.m1.context: required'],
	[`clusters: {M1: {context: a, host: m1}}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.1}}`, 'config.yaml: clusters.M1: expected a lower-case name like m1'],
	[`clusters: {m1: {context: a, host: m1}}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.300}}`, 'config.yaml: hosts.m1.address: expected an IPv4 address like 192.168.1.20'],
	[`clusters: {m1: {context: a, host: m1}}\nhosts: {m1: {memory: 8GiB, address: 10.0.0.1, plan: {db: 2X}}}`, 'config.yaml: hosts.m1.plan.db: expected a size like 8GiB, got "2X"'],
	[`${base}prometheus: {url: http://x:9090, interval: soon}`, 'config.yaml: prometheus.interval: expected a duration like 5s (from 1s to 1h), got "soon"'],
	[`${base}prometheus: {url: "192.168.1.10:9090"}`, 'config.yaml: prometheus.url: expected a URL like http://192.168.1.10:9090'],
	[`${base}drill: {points: [{host: m1, via: ssh}]}`, 'config.yaml: drill.points.0.destination: required with via: ssh'],
	[`${base}drill: {points: [{host: m1, via: teleport}]}`, 'config.yaml: drill.points.0.via: expected one of local, sudo, ssh, docker, netns, sim, pf'],
	[`${base}drill: {chain: INPUT}`, 'config.yaml: drill.chain: expected a chain name starting with LABWATCH-'],
	[`clusters: 5\nhosts: {}`, 'config.yaml: clusters: expected a mapping'],
	[`clusters: {}\nhosts: {}`, 'config.yaml: clusters: expected at least one cluster'],
	[`hosts: {}`, 'config.yaml: clusters: required'],
	[`- a\n- b`, 'config.yaml: expected a mapping with clusters: and hosts:'],
	[`clusters: {m1: {context: a, host: m1}\nhosts: x`, 'config.yaml:2:1: not valid YAML: Flow map in block collection must be sufficiently indented and end with a }'],
	[`${base}clusters: {}`, 'config.yaml:3:1: not valid YAML: Map keys must be unique'],
];

for (const [text, message] of badFiles) {
	test(`bad config: ${message}`, () => {
		assert.throws(() => parseConfigText(text, '/somewhere/config.yaml'), (error: unknown) => {
			assert.ok(error instanceof ConfigError);
			assert.equal(error.message, message);
			assert.equal(error.exitCode, 2);
			assert.ok(!error.message.includes('\n'), 'one line');
			return true;
		});
	});
}

test('a good file gets defaults filled in and sizes in bytes', () => {
	const config = parseConfigText(`${base}prometheus: {url: "http://127.0.0.1:9090"}`, 'config.yaml');
	assert.equal(config.hosts.m1!.memory, 8 * 2 ** 30);
	assert.equal(config.hosts.m1!.reserved, 2 * 2 ** 30);
	assert.equal(config.clusters.m1!.submarinerNamespace, 'submariner-operator');
	assert.equal(config.prometheus!.interval, 5000);
	assert.equal(config.drill.ttl, 60_000);
	assert.equal(config.drill.chain, 'LABWATCH-PARTITION');
	assert.deepEqual(config.probe, {interval: 1000, timeout: 1000});
});

test('config file order: --config, then $LABWATCH_CONFIG, then XDG; a named missing file is an error', () => {
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-config-'));
	try {
		const xdg = join(directory, 'xdg');
		const env = {XDG_CONFIG_HOME: xdg} as NodeJS.ProcessEnv;
		assert.equal(loadConfig(undefined, env).path, undefined, 'no file: the homelab defaults');
		assert.deepEqual(Object.keys(loadConfig(undefined, env).config.clusters), ['m1', 'm2']);
		const xdgFile = join(xdg, 'labwatch', 'config.yaml');
		writeConfigTemplate(xdgFile, false);
		assert.equal(loadConfig(undefined, env).path, xdgFile);
		const named = join(directory, 'named.yaml');
		writeFileSync(named, base);
		assert.equal(loadConfig(undefined, {...env, LABWATCH_CONFIG: named}).path, named);
		assert.equal(loadConfig(named, {...env, LABWATCH_CONFIG: '/nope.yaml'}).path, named);
		assert.throws(() => loadConfig(join(directory, 'missing.yaml'), env), /missing\.yaml: no such file/);
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
});

test('init writes the commented template, which loads to the homelab defaults, and refuses to overwrite', () => {
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-init-'));
	try {
		const file = join(directory, 'deep', 'config.yaml');
		writeConfigTemplate(file, false);
		const text = readFileSync(file, 'utf8');
		assert.match(text, /^# labwatch configuration/);
		const config = parseConfigText(text, file);
		assert.equal(config.hosts.m1!.memory, 16 * 2 ** 30);
		assert.equal(config.hosts.m2!.memory, 8 * 2 ** 30);
		assert.equal(config.clusters.m2!.context, 'kind-m2-cluster');
		assert.equal(Object.values(config.hosts.m1!.plan).reduce((a, b) => a + b, 0), 14.5 * 2 ** 30);
		writeFileSync(file, 'mine');
		assert.throws(() => writeConfigTemplate(file, false), /already exists \(pass --force/);
		assert.equal(readFileSync(file, 'utf8'), 'mine', 'nothing lost');
		writeConfigTemplate(file, true);
		assert.match(readFileSync(file, 'utf8'), /^# labwatch/);
		assert.ok(!existsSync(`${file}.${process.pid}.tmp`), 'no temp file left behind');
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
});
