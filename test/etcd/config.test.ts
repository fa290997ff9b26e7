// The etcd: section: absent means off (no error, no etcd in the snapshot), defaults fill in, and every bad value
// is one line naming the file and the key (a ConfigError: exit 2), before anything runs.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseConfigText} from '../../source/config/load.js';
import {ConfigError} from '../../source/config/errors.js';
import {memberPoint} from '../../source/etcd/point.js';
import {homedir} from 'node:os';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

const base = `clusters: {m1: {context: kind-m1-cluster, host: m1}}
hosts: {m1: {memory: 16GiB, address: 192.168.1.10}}
`;
const member = `{name: etcd-0, url: "http://127.0.0.1:2379", stop: [kill, "1234"], start: ["/bin/true"]}`;

test('no etcd: section is no etcd at all; a section gets its defaults', () => {
	assert.equal(parseConfigText(base, 'config.yaml').etcd, undefined);
	const config = parseConfigText(`${base}etcd: {members: [${member}]}\n`, 'config.yaml');
	assert.equal(config.etcd!.interval, 1000);
	assert.equal(config.etcd!.timeout, 1000);
	assert.equal(config.etcd!.ttl, 60_000);
	assert.equal(config.etcd!.members[0]!.via, 'local');
	// Certificate paths: ~ expanded, and the files must be there (one line naming the key otherwise).
	const dir = mkdtempSync(join(homedir(), '.labwatch-etcd-config-test-'));
	try {
		for (const file of ['ca.crt', 'c.crt', 'c.key']) writeFileSync(join(dir, file), 'x');
		const short = `~/${dir.slice(homedir().length + 1)}`;
		const tls = parseConfigText(`${base}etcd: {tls: {ca: ${short}/ca.crt, cert: ${dir}/c.crt, key: ${dir}/c.key}, members: [${member}]}\n`, 'config.yaml').etcd!.tls!;
		assert.equal(tls.ca, join(dir, 'ca.crt'));
		assert.equal(tls.cert, join(dir, 'c.crt'));
		assert.equal(tls.insecureSkipVerify, false);
		assert.throws(() => parseConfigText(`${base}etcd: {tls: {ca: ${dir}/nope.crt}, members: [${member}]}\n`, 'config.yaml'), {message: `config.yaml: etcd.tls.ca: no such file: ${dir}/nope.crt`});
		assert.throws(() => parseConfigText(`${base}etcd: {tls: {cert: ${dir}/c.crt}, members: [${member}]}\n`, 'config.yaml'), {message: 'config.yaml: etcd.tls.key: required with etcd.tls.cert (a client certificate and its key)'});
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
	const point = memberPoint(config.etcd!.members[0]!);
	assert.ok(point.ok);
	assert.equal(point.value.label, 'etcd etcd-0 (local)');
});

const bad: Array<[string, string]> = [
	[`etcd: {members: [{name: etcd-0, url: "http://127.0.0.1:2379", stop: [true], start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.stop.0: expected string'],
	[`etcd: {members: []}`, 'config.yaml: etcd.members: expected at least one member'],
	[`etcd: {}`, 'config.yaml: etcd.members: required'],
	[`etcd: {members: [{name: etcd-0, url: "http://127.0.0.1:2379", stop: [], start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.stop: expected a command as a list of words'],
	[`etcd: {members: [{name: etcd-0, url: "http://127.0.0.1:2379", stop: "kill 1", start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.stop: expected array'],
	[`etcd: {members: [{name: etcd-0, url: "127.0.0.1:2379", stop: ["/bin/true"], start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.url: expected a URL like http://192.168.1.10:9090'],
	[`etcd: {members: [{name: Etcd_0, url: "http://127.0.0.1:2379", stop: ["/bin/true"], start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.name: expected a lower-case name like m1'],
	[`etcd: {members: [${member}, ${member}]}`, 'config.yaml: etcd.members.1.name: a second etcd member named "etcd-0"'],
	[`etcd: {members: [{name: etcd-0, url: "http://127.0.0.1:2379", via: ssh, stop: ["/bin/true"], start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.destination: required with via: ssh'],
	[`etcd: {members: [{name: etcd-0, url: "http://127.0.0.1:2379", via: docker, stop: ["/bin/true"], start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.container: required with via: docker'],
	[`etcd: {members: [{name: etcd-0, url: "http://127.0.0.1:2379", via: pod, stop: ["/bin/true"], start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.via: expected one of local, sudo, ssh, docker'],
	[`etcd: {members: [{name: etcd-0, url: "http://127.0.0.1:2379", via: docker, container: "-it", stop: ["/bin/true"], start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.container: expected a container name'],
	[`etcd: {members: [{name: etcd-0, url: "http://127.0.0.1:2379", stop: ["--help"], start: ["/bin/true"]}]}`, 'config.yaml: etcd.members.0.stop.0: expected a program, not an option ("--help")'],
	[`etcd: {ttl: 0s, members: [${member}]}`, 'config.yaml: etcd.ttl: expected a duration from 1s to 1h, got "0s"'],
	[`etcd: {interval: 10, members: [${member}]}`, 'config.yaml: etcd.interval: expected a duration like 5s (from 100ms to 10m), got "10"'],
	[`etcd: {members: [${member}], leader: etcd-0}`, 'config.yaml: etcd.leader: unknown key'],
];

for (const [section, message] of bad) {
	test(`bad etcd config, one line naming the key: ${message}`, () => {
		assert.throws(
			() => parseConfigText(`${base}${section}\n`, '/somewhere/config.yaml'),
			(error: unknown) => {
				assert.ok(error instanceof ConfigError);
				assert.equal(error.message, message);
				assert.equal(error.exitCode, 2);
				assert.doesNotMatch(error.message, /\n/);
				return true;
			},
		);
	});
}
