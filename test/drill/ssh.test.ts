// via: ssh for real: an sshd inside namespace B (throwaway keys, high port), labwatch running inside namespace A.
// The cut at B drops A's second address, so the control session (from A's first address) stays up.
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {hasCommand, isRoot, needs} from '../support/infra.js';
import {chainState, parseListing} from '../../source/drill/rules.js';
import {createLab, run, waitFor, type NetnsLab} from './netns-lab.js';
import {startCutter} from './fixtures/cutter.js';
import {controlPath} from '../../source/drill/ssh-control.js';

const sshd = '/usr/sbin/sshd';
const ready = isRoot && hasCommand('iptables') && hasCommand('ip') && hasCommand('curl') && hasCommand('ssh') && hasCommand('ssh-keygen') && hasCommand(sshd);
const reason = 'needs root, iptables, iproute2, curl and openssh (client and server)';
const chain = 'LABWATCH-PARTITION';
const sshPort = 22022;

describe('partition drill via ssh to an sshd in a network namespace', () => {
	let lab: NetnsLab | undefined;
	let dir = '';
	let server: ChildProcess | undefined;
	let sshExtra: string[] = [];

	before(async () => {
		if (!ready) return;
		lab = createLab('s');
		dir = mkdtempSync(join(tmpdir(), 'labwatch-ssh-'));
		run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
		run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
		writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
		writeFileSync(
			join(dir, 'sshd_config'),
			[
				`Port ${sshPort}`,
				`ListenAddress ${lab.addressB}`,
				`HostKey ${join(dir, 'host_key')}`,
				`AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
				`PidFile ${join(dir, 'sshd.pid')}`,
				'PermitRootLogin prohibit-password',
				'PasswordAuthentication no',
				'KbdInteractiveAuthentication no',
				'StrictModes no',
				'UsePAM no',
				'',
			].join('\n'),
		);
		mkdirSync('/run/sshd', {recursive: true});
		server = spawn('ip', ['netns', 'exec', lab.nsB, sshd, '-D', '-e', '-f', join(dir, 'sshd_config')], {stdio: 'ignore'});
		sshExtra = ['-i', join(dir, 'client_key'), '-p', String(sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];
		await waitFor(
			() => run('ip', ['netns', 'exec', lab!.nsA, 'ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=2', ...sshExtra, `root@${lab!.addressB}`, '--', 'true'], true) !== '' || sshOk(),
			15_000,
			'sshd in namespace B',
		);
	});

	function sshOk(): boolean {
		try {
			run('ip', ['netns', 'exec', lab!.nsA, 'ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=2', ...sshExtra, `root@${lab!.addressB}`, '--', 'true']);
			return true;
		} catch {
			return false;
		}
	}

	after(() => {
		if (server?.pid && server.exitCode === null) server.kill('SIGKILL');
		lab?.dispose();
		if (dir) rmSync(dir, {recursive: true, force: true});
	});

	/** Asks the kept connection's master (ssh -O check|exit) from namespace A; true when it answered. */
	const master = (command: 'check' | 'exit'): boolean => {
		try {
			run('ip', ['netns', 'exec', lab!.nsA, 'ssh', '-O', command, '-o', `ControlPath=${controlPath(dir, `root@${lab!.addressB}`, sshExtra)}`, `root@${lab!.addressB}`]);
			return true;
		} catch {
			return false;
		}
	};

	const point = () => ({host: 'b', via: 'ssh', destination: `root@${lab!.addressB}`, peers: [lab!.addressA2]});
	const chainAtB = () => chainState(parseListing(lab!.sh(lab!.nsB, ['iptables', '-w', '-S'])), chain);

	it('refuses an ssh point whose own cut drops this machine, unless --force', async t => {
		if (!needs(t, ready, reason)) return;
		const cutter = startCutter({config: lab!.rawConfig([point()]), stateDir: dir, ttlMs: 10_000, sshExtra}, lab!.nsA);
		try {
			const line = await cutter.next(['CUT', 'FAILED']);
			assert.match(line, /^FAILED refusing to cut: b \(ssh root@.*\) is reached from this machine \(.*\), which its own cut drops \(pass --force/);
			assert.equal(chainAtB().exists, false);
		} finally {
			cutter.kill();
		}
	});

	it('cuts at B over ssh, then heals and leaves B as it was', async t => {
		if (!needs(t, ready, reason)) return;
		await waitFor(() => lab!.reachable(lab!.addressA2), 10_000, 'the HTTP server in namespace B');
		const saved = lab!.iptablesSave(lab!.nsB);
		const cutter = startCutter({config: lab!.rawConfig([point()]), stateDir: dir, ttlMs: 30_000, sshExtra, force: true}, lab!.nsA);
		try {
			assert.match(await cutter.next(['CUT', 'FAILED']), /^CUT /);
			t.diagnostic(await cutter.next(['TIMING cut']));
			assert.equal(master('check'), true, 'the cut kept one connection to B open (ControlMaster), under the state dir');
			assert.equal(chainAtB().exists, true);
			assert.equal(lab!.reachable(lab!.addressA2), false, 'the dropped address cannot reach B');
			assert.equal(lab!.reachable(lab!.addressA), true, 'the control address still can');
			cutter.child.stdin!.write('heal\n');
			assert.equal(await cutter.next(['HEALED', 'FAILED']), 'HEALED');
			t.diagnostic(await cutter.next(['TIMING heal']));
			assert.equal(lab!.iptablesSave(lab!.nsB), saved);
			assert.equal(lab!.reachable(lab!.addressA2), true);
		} finally {
			cutter.kill();
		}
	});

	it('heals at B by the remote timer after kill -9 of labwatch, within TTL + 2 s', async t => {
		if (!needs(t, ready, reason)) return;
		// Each ssh connection takes 1.5-2.7 s on the CI VM and the TTL runs from when the timer is scheduled (before
		// the jumps), so 3 s can expire mid-cut (the cut then fails verification and rolls back): give it 10 s.
		const ttlMs = 10_000;
		const saved = lab!.iptablesSave(lab!.nsB);
		const cutter = startCutter({config: lab!.rawConfig([point()]), stateDir: dir, ttlMs, sshExtra, force: true}, lab!.nsA);
		try {
			const line = await cutter.next(['CUT', 'FAILED']);
			const cutAtMs = Date.now();
			cutter.kill();
			assert.match(line, /^CUT /);
			assert.equal(chainAtB().exists, true);
			// The kept connection goes too: the heal must not depend on it.
			master('exit');
			assert.equal(master('check'), false);
			await waitFor(() => !chainAtB().exists && chainAtB().jumps.length === 0, cutAtMs + ttlMs + 2000 - Date.now(), 'the remote dead-man heal');
			assert.equal(lab!.iptablesSave(lab!.nsB), saved);
		} finally {
			cutter.kill();
		}
	});
});
