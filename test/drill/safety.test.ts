// Pure: the refusals that keep a drill from severing labwatch's own path.
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {refusal} from '../../source/drill/safety.js';
import type {EnforcementPoint} from '../../source/drill/types.js';

const local: EnforcementPoint = {host: 'm1', via: 'local', label: 'm1 (local)', peers: ['192.168.1.20']};
const ssh: EnforcementPoint = {host: 'm2', via: 'ssh', label: 'm2 (ssh root@192.168.1.20)', peers: ['192.168.1.10'], destination: 'root@192.168.1.20'};

describe('safety refusals', () => {
	it('refuses a local cut that drops the SSH client labwatch runs under', () => {
		const reason = refusal({points: [local], sshConnection: '192.168.1.20 51000 192.168.1.10 22', localAddresses: ['192.168.1.10'], healScheduledAt: new Set()});
		assert.equal(reason, 'refusing to cut: labwatch is reached over SSH from 192.168.1.20, which the cut at m1 (local) drops (pass --force to cut anyway)');
	});

	it('allows an SSH session from an address the cut keeps, and no SSH at all', () => {
		assert.equal(refusal({points: [local], sshConnection: '192.168.1.30 51000 192.168.1.10 22', localAddresses: [], healScheduledAt: new Set()}), undefined);
		assert.equal(refusal({points: [local], localAddresses: ['192.168.1.10'], healScheduledAt: new Set()}), undefined);
	});

	it('refuses an ssh point whose own cut drops this machine', () => {
		const reason = refusal({points: [ssh], localAddresses: ['192.168.1.10'], healScheduledAt: new Set([ssh.label])});
		assert.match(reason ?? '', /^refusing to cut: m2 \(ssh root@192\.168\.1\.20\) is reached from this machine \(192\.168\.1\.10\), which its own cut drops \(pass --force/);
	});

	it('refuses an ssh point reached across another cut unless a heal is scheduled on it', () => {
		const remote: EnforcementPoint = {...ssh, peers: ['192.168.1.99']};
		const points = [remote, local];
		assert.match(refusal({points, localAddresses: ['192.168.1.10'], healScheduledAt: new Set()}) ?? '', /reached across the cut at m1 \(local\) and has no heal scheduled on it \(pass --force/);
		assert.equal(refusal({points, localAddresses: ['192.168.1.10'], healScheduledAt: new Set([remote.label])}), undefined);
	});
});
