// `labwatch partition | heal | drills` as a user types them: a flag that does not apply is refused with one line
// and exit 2, never ignored; `drills --demo` lists the demo's own state directory.
import {after, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const root = join(import.meta.dirname, '../..');
const state = mkdtempSync(join(tmpdir(), 'labwatch-flags-'));

function labwatch(args: string[]): {code: number | null; stdout: string; stderr: string} {
	const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'source/cli.ts'), ...args], {
		cwd: root,
		encoding: 'utf8',
		env: {...process.env, XDG_STATE_HOME: state, LABWATCH_CONFIG: join(state, 'missing.yaml')},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('drill subcommands refuse flags that do not apply', () => {
	after(() => rmSync(state, {recursive: true, force: true}));

	for (const [args, flag, command] of [
		[['drills', '--yes'], '--yes', 'drills'],
		[['drills', '--dry-run'], '--dry-run', 'drills'],
		[['heal', '--ttl', '5s'], '--ttl', 'heal'],
		[['heal', '--yes'], '--yes', 'heal'],
		[['heal', '--force'], '--force', 'heal'],
		[['partition', '--json'], '--json', 'partition'],
		[['partition', '--read-only'], '--read-only', 'partition'],
	] as const) {
		it(`labwatch ${args.join(' ')}`, () => {
			const result = labwatch([...args]);
			assert.equal(result.code, 2, result.stdout + result.stderr);
			assert.equal(result.stdout, '');
			assert.match(result.stderr, new RegExp(`^labwatch: ${flag} is not a flag of labwatch ${command}\\b.*\\n$`));
		});
	}

	it('labwatch drills --demo lists the demo drills, and plain drills does not show them', () => {
		const drills = join(state, 'labwatch', 'demo', 'drills');
		mkdirSync(drills, {recursive: true});
		writeFileSync(join(drills, 'd20260101-000000-demo.json'), JSON.stringify({drillId: 'd20260101-000000-demo', points: ['m1 (sim)'], demo: true, signals: []}));
		const demo = labwatch(['drills', '--demo']);
		assert.equal(demo.code, 0, demo.stderr);
		assert.match(demo.stdout, /^d20260101-000000-demo .* \(demo\)\n/);
		const real = labwatch(['drills']);
		assert.equal(real.code, 0, real.stderr);
		assert.match(real.stdout, /^no drill reports in /);
	});
});
