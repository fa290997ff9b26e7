// etcd with client certificates (kubeadm's etcd: https on 2379, --client-cert-auth): the etcd: section's tls:
// (ca, cert, key) reads it; without the client certificate the member is down with the TLS reason.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createServer} from 'node:net';
import {hasCommand, needs} from '../support/infra.js';
import {etcdConfig, until} from './cluster.js';
import {EtcdPoller} from '../../source/etcd/poller.js';

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as {port: number}).port;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

function openssl(dir: string, ...args: string[]): void {
	execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'});
}

test('an etcd that wants client certificates is read with tls: ca, cert, key', async t => {
	if (!needs(t, hasCommand('etcd'), 'Debian etcd-server (etcd) is not installed') || !needs(t, hasCommand('openssl'), 'openssl is not installed')) return;
	const dir = mkdtempSync(join(tmpdir(), 'labwatch-etcd-tls-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=labwatch-test-ca');
	writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
	writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
	for (const name of ['server', 'client']) {
		openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
		openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
	}
	const client = await freePort();
	const peer = await freePort();
	const child = spawn(
		'etcd',
		[
			'--name', 'etcd-0', '--data-dir', join(dir, 'data'),
			'--listen-client-urls', `https://127.0.0.1:${client}`, '--advertise-client-urls', `https://127.0.0.1:${client}`,
			'--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
			'--initial-cluster', `etcd-0=http://127.0.0.1:${peer}`,
			'--cert-file', join(dir, 'server.crt'), '--key-file', join(dir, 'server.key'),
			'--client-cert-auth', '--trusted-ca-file', join(dir, 'ca.crt'),
		],
		{stdio: 'ignore'},
	);
	t.after(() => child.kill('SIGKILL'));
	const members = [{name: 'etcd-0', url: `https://127.0.0.1:${client}`, via: 'local' as const, stop: ['/bin/true'], start: ['/bin/true']}];
	const withCerts = etcdConfig(members, {tls: {ca: join(dir, 'ca.crt'), cert: join(dir, 'client.crt'), key: join(dir, 'client.key')}});
	const poller = new EtcdPoller({config: withCerts.etcd!, onChange: () => {}});
	const status = await until('the TLS member to lead', async () => {
		const each = await poller.pollOnce();
		return each.leader ? each : undefined;
	});
	assert.equal(status.verdict.level, 'ok');
	assert.equal(status.readable, true);
	assert.equal(status.members[0]!.version, '3.4.23');
	// The server's certificate checks out, but no client certificate: refused, said in words.
	const noClientCert = etcdConfig(members, {tls: {ca: join(dir, 'ca.crt')}});
	const refused = await new EtcdPoller({config: noClientCert.etcd!, onChange: () => {}}).pollOnce();
	assert.equal(refused.members[0]!.up, false);
	assert.match(refused.members[0]!.error!, /^TLS: alert bad certificate$/);
	// And a CA that did not sign the server's certificate: said so, not read.
	const wrongCa = etcdConfig(members, {tls: {cert: join(dir, 'client.crt'), key: join(dir, 'client.key')}});
	const untrusted = await new EtcdPoller({config: wrongCa.etcd!, onChange: () => {}}).pollOnce();
	assert.equal(untrusted.members[0]!.up, false);
	assert.match(untrusted.members[0]!.error!, /^TLS: /);
	t.diagnostic(`untrusted server: ${untrusted.members[0]!.error}`);
	t.diagnostic(`without a client certificate: ${refused.members[0]!.error}`);
});
