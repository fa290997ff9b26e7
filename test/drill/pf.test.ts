// pf at a Mac point, on Linux: the exact pfctl argv and rule text against fixtures written from pfctl(8) and
// pf.conf(5), and the dead-man script run for real against a stand-in pfctl that records its calls.
import {after, afterEach, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {configSchema, type Config} from '../../source/config/schema.js';
import {homelabDefaults} from '../../source/config/defaults.js';
import {DrillRunner} from '../../source/drill/runner.js';
import {resolvePoints, planPoint} from '../../source/drill/plan.js';
import {scheduleArgv} from '../../source/drill/deadman.js';
import {pfArmScript, pfRules} from '../../source/drill/pf.js';
import {processIdentity} from '../../source/drill/process-identity.js';
import {startCutter} from './fixtures/cutter.js';
import {waitFor} from './netns-lab.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'pf');
const anchor = 'com.apple/labwatch';

const pfConfig = (point: Record<string, unknown>): Config =>
	configSchema.parse({...homelabDefaults, drill: {points: [{host: 'm1', ...point}]}});

describe('pf points: argv and rules', () => {
	it('writes block drop quick both ways per peer, labelled with the drill, as the fixture', () => {
		assert.equal(pfRules(['192.168.1.20'], 'd20260101-000000-abcd'), readFileSync(join(fixtures, 'rules-one-peer.conf'), 'utf8'));
	});

	it('via pf: pfctl on this Mac (sudo -n unless root), the anchor com.apple/labwatch, rules on stdin', () => {
		const points = resolvePoints(pfConfig({via: 'pf'}));
		assert.ok(points.ok);
		const point = points.value[0]!;
		assert.equal(point.label, 'm1 (pf com.apple/labwatch)');
		const plan = planPoint(point, 'LABWATCH-PARTITION', 'd1', 60_000);
		const prefix = process.getuid?.() === 0 ? ['pfctl'] : ['sudo', '-n', 'pfctl'];
		assert.deepEqual(plan.cut, [[...prefix, '-a', anchor, '-f', '-'], [...prefix, '-a', anchor, '-s', 'rules']]);
		assert.deepEqual(plan.heal, [[...prefix, '-a', anchor, '-F', 'rules'], [...prefix, '-X', '<token>'], [...prefix, '-a', anchor, '-s', 'rules']]);
		assert.equal(plan.input, 'block drop quick inet from 192.168.1.20 to any label "labwatch:d1"\nblock drop quick inet from any to 192.168.1.20 label "labwatch:d1"\n');
		assert.deepEqual(scheduleArgv(point, 'LABWATCH-PARTITION', 'd1', 60_000), ['sh', '-c', pfArmScript, 'sh', '60', anchor, 'd1', ...prefix]);
	});

	it('via ssh with os: darwin: the same pfctl words on the Mac, through sudo -n unless the user is root', () => {
		const points = resolvePoints(pfConfig({via: 'ssh', os: 'darwin', destination: 'admin@192.168.1.10', anchor: 'com.apple/lw-test'}));
		assert.ok(points.ok);
		const point = points.value[0]!;
		assert.equal(point.label, 'm1 (ssh admin@192.168.1.10, pf)');
		const plan = planPoint(point, 'LABWATCH-PARTITION', 'd1', 60_000);
		assert.deepEqual(plan.cut[0], ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', 'admin@192.168.1.10', '--', `'sudo' '-n' 'pfctl' '-a' 'com.apple/lw-test' '-f' '-'`]);
		assert.equal(scheduleArgv(point, 'LABWATCH-PARTITION', 'd1', 60_000).at(-1), `'sh' '-c' '${pfArmScript.replaceAll("'", `'\\''`)}' 'sh' '60' 'com.apple/lw-test' 'd1' 'sudo' '-n' 'pfctl'`);
		const root = resolvePoints(pfConfig({via: 'ssh', os: 'darwin', destination: 'root@192.168.1.10'}));
		assert.ok(root.ok);
		assert.equal(planPoint(root.value[0]!, 'X', 'd1', 60_000).cut[0]!.at(-1), `'pfctl' '-a' 'com.apple/labwatch' '-f' '-'`);
	});

	it('refuses an anchor that could be read as an option or a path trick', () => {
		for (const bad of ['-a', 'com.apple/../x', 'a b', 'com.apple/labwatch;id']) {
			const parsed = configSchema.safeParse({...homelabDefaults, drill: {points: [{host: 'm1', via: 'pf', anchor: bad}]}});
			const resolved = parsed.success ? resolvePoints(parsed.data) : {ok: false as const, error: 'schema'};
			assert.equal(resolved.ok, false, bad);
		}
	});
});

describe('pf points: cut, heal and the dead-man script with a stand-in pfctl', () => {
	let dir = '';
	let log = '';
	const originalPath = process.env.PATH;

	before(() => {
		dir = mkdtempSync(join(tmpdir(), 'labwatch-pf-'));
		log = join(dir, 'calls.log');
		process.env.PATH = `${fixtures}:${originalPath}`;
		process.env.PFCTL_LOG = log;
		process.env.PFCTL_STATE = dir;
	});

	afterEach(() => {
		rmSync(log, {force: true});
		rmSync(`${log}.stdin`, {force: true});
	});

	after(() => {
		process.env.PATH = originalPath;
		delete process.env.PFCTL_LOG;
		delete process.env.PFCTL_STATE;
		rmSync(dir, {recursive: true, force: true});
	});

	const calls = (): string => (existsSync(log) ? readFileSync(log, 'utf8') : '');
	const anchorFile = () => join(dir, anchor.replace('/', '_'));
	const stateDir = () => join(dir, 'state');

	it('cuts and heals with exactly the fixture\'s pfctl calls, and the heal releases its own reference', async t => {
		if (process.getuid?.() !== 0) return t.skip('the stand-in is reached without sudo only as root');
		const runner = new DrillRunner({config: pfConfig({via: 'pf'}), stateDir: stateDir(), localAddresses: [], by: 'test'});
		const cut = await runner.cut({ttlMs: 60_000});
		assert.ok(cut.ok, cut.ok ? '' : cut.error);
		const timer = cut.value.outcomes[0]!.timer!;
		assert.equal(timer.token, '4242');
		assert.ok(processIdentity(timer.pid!), 'the dead-man timer runs');
		assert.equal(readFileSync(`${log}.stdin`, 'utf8'), pfRules(['192.168.1.20'], cut.value.drillId));
		const healed = await runner.heal();
		assert.ok(healed.ok, healed.ok ? '' : healed.error);
		assert.equal(calls(), readFileSync(join(fixtures, 'calls-cut-heal.txt'), 'utf8'));
		assert.equal(readFileSync(anchorFile(), 'utf8'), '', 'the anchor is empty');
		await waitFor(() => processIdentity(timer.pid!) === undefined, 3000, 'the timer cancelled');
		runner.dispose();
	});

	it('after kill -9 of labwatch, the timer on the point flushes the anchor and releases the reference', async t => {
		if (process.getuid?.() !== 0) return t.skip('the stand-in is reached without sudo only as root');
		const cutter = startCutter({config: {...homelabDefaults, drill: {points: [{host: 'm1', via: 'pf'}]}}, stateDir: stateDir(), ttlMs: 1000});
		let cutAt: number;
		try {
			assert.match(await cutter.next(['CUT', 'FAILED']), /^CUT /);
			cutAt = Date.now();
		} finally {
			cutter.kill();
		}
		await waitFor(() => calls().endsWith('pfctl\t-X\t4242\n'), cutAt + 1000 + 3000 - Date.now(), 'the dead-man heal');
		assert.match(calls(), /pfctl\t-a\tcom\.apple\/labwatch\t-F\trules\npfctl\t-X\t4242\n$/);
		assert.equal(readFileSync(anchorFile(), 'utf8'), '');
	});

	it('an old timer leaves a newer drill\'s anchor alone, and still releases its own reference', async t => {
		if (process.getuid?.() !== 0) return t.skip('the stand-in is reached without sudo only as root');
		const {execa} = await import('execa');
		const armed = await execa('sh', ['-c', pfArmScript, 'sh', '1', anchor, 'dold', 'pfctl'], {reject: false});
		assert.equal(armed.exitCode, 0, armed.stderr);
		assert.match(armed.stdout, /^4242\n\d+\n.+$/);
		const newer = pfRules(['192.168.1.20'], 'dnew');
		writeFileSync(anchorFile(), newer);
		await waitFor(() => calls().endsWith('pfctl\t-X\t4242\n'), 4000, 'the old timer');
		assert.doesNotMatch(calls(), /-F\trules/);
		assert.equal(readFileSync(anchorFile(), 'utf8'), newer);
	});
});
