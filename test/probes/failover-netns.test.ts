// The failover view end to end on real packets: m2's gateway in one network namespace, m1's gateway and the
// API front in another (the front sends 80 % to m2 and 20 % to m1, all to m1 when m2's health check fails, and
// back in 10/50/80 % steps), labwatch's probes and a real drill inside m1's namespace. iptables cuts m1 from m2
// there (in that namespace only): the shares move to 100 % m1 and the timeline says when; the heal brings
// the steps back, each timed. Everything runs in namespaces this test creates and removes.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {needs, hasCommand, isRoot} from '../support/infra.js';
import {createLab, waitFor} from '../drill/netns-lab.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const repo = join(import.meta.dirname, '../..');

test('failover between two namespaces: 80/20, all on m1 after the cut, 10 → 50 → 80 % after the heal', {timeout: 180_000}, async t => {
	if (!needs(t, isRoot && hasCommand('iptables') && hasCommand('ip'), 'needs root, iptables and iproute2 (network namespaces)')) return;
	const lab = createLab('f');
	const stateDir = mkdtempSync(join(tmpdir(), 'labwatch-failover-'));
	const children: ChildProcess[] = [];
	const inNs = (ns: string, args: string[]) => {
		const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], {cwd: repo, stdio: ['ignore', 'pipe', 'pipe']});
		children.push(child);
		return child;
	};
	try {
		const [frontPort, m1Port, m2Port] = [18180, 18182, 18181];
		inNs(lab.nsB, [join(fixtures, 'gateway.mjs'), lab.addressB, String(m2Port), 'm2']);
		inNs(lab.nsA, [join(fixtures, 'gateway.mjs'), lab.addressA, String(m1Port), 'm1']);
		inNs(lab.nsA, [join(fixtures, 'front.mjs'), lab.addressA, String(frontPort), `http://${lab.addressB}:${m2Port}`, `http://${lab.addressA}:${m1Port}`]);
		await waitFor(() => lab.sh(lab.nsA, ['curl', '-s', '--max-time', '1', `http://${lab.addressA}:${frontPort}/`], {allowFail: true}).includes('served_by'), 10_000, 'the front');

		const prober = inNs(lab.nsA, ['--import', 'tsx', join(fixtures, 'failover-drill.ts'), JSON.stringify({addressA: lab.addressA, addressB: lab.addressB, frontPort, m1Port, m2Port, stateDir})]);
		let stdout = '';
		let stderr = '';
		prober.stdout!.on('data', chunk => (stdout += chunk));
		prober.stderr!.on('data', chunk => (stderr += chunk));
		const code = await new Promise<number | null>(resolve => prober.on('exit', resolve));
		const lines = stdout.trim().split('\n').filter(Boolean).map(line => JSON.parse(line) as Record<string, any>);
		assert.equal(code, 0, `${stdout}\n${stderr}`);

		// The failover view, as the TUI shows it, before, during and after the cut.
		const cutAt = lines.findIndex(line => line.phase === 'cut');
		const healAt = lines.findIndex(line => line.phase === 'healed');
		const views = (from: number, to: number) => lines.slice(from, to).filter(line => line.failover).map(line => line.failover as string);
		assert.ok(views(0, cutAt).includes('api: m2 80% · m1 20%'), views(0, cutAt).join('\n'));
		assert.ok(views(cutAt, healAt).includes('api: m2 0% · m1 100%'), views(cutAt, healAt).join('\n'));
		assert.ok(views(healAt, lines.length).includes('api: m2 80% · m1 20%'), 'back to 80/20 after the heal');

		const {report, markdown} = lines.at(-1)! as {report: any; markdown: string};
		const row = (signal: string) => report.signals.find((entry: any) => entry.signal === signal || entry.recovery === signal);
		// Traffic moved once the front's health check noticed: within the plan's 3 s of the cut.
		const moved = row('api: all traffic on m1');
		assert.equal(typeof moved.detectMs, 'number');
		assert.ok(moved.detectMs < 3000 && moved.detectOk === true, JSON.stringify(moved));
		const steps = ['api: m2 back ≥ 10 %', 'api: m2 back ≥ 50 %', 'api: m2 back ≥ 80 %'].map(step => row(step).recoverMs as number);
		assert.ok(steps.every(ms => typeof ms === 'number'), JSON.stringify(steps));
		assert.ok(steps[0]! < steps[1]! && steps[1]! < steps[2]!, `steps in order: ${steps}`);
		// The front holds 10 % for 3 s and 50 % for 5 s: the steps cannot come sooner.
		assert.ok(steps[1]! >= 3000 && steps[2]! >= 8000, `steps follow the front's schedule: ${steps}`);
		// Each probe's own failure and recovery: m2's gateway failed and came back, m1's never failed.
		assert.equal(typeof row('probe m2-gw failing').detectMs, 'number');
		assert.equal(typeof row('probe m2-gw failing').recoverMs, 'number');
		assert.equal(row('probe m1-gw failing').detectMs, undefined);
		assert.match(markdown, /\| api: all traffic on m1 \| \d\.\d s \| ok \| api: m2 back ≥ 10 % \| \d+\.\d s \|/);
		assert.match(markdown, /- \+\d+\.\d s api: m2 back ≥ 80 %/);
		t.diagnostic(markdown);
		// Nothing of the drill left in the namespace's firewall.
		assert.doesNotMatch(lab.iptablesSave(lab.nsA), /LABWATCH/);
	} finally {
		for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
		lab.dispose();
		rmSync(stateDir, {recursive: true, force: true});
	}
});
