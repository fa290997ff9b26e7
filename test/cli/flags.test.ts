// Flags and help as a user meets them: the built program, every subcommand, nothing touched by --help,
// one line for every refused flag, and a closed pipe that ends a command quietly.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const bin = join(import.meta.dirname, '../../dist/labwatch.js');
const home = mkdtempSync(join(tmpdir(), 'labwatch-flags-'));
// No config, state or kubeconfig of the user's is read or written: everything points into `home`.
const env = {XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), HOME: home, KUBECONFIG: join(home, 'kubeconfig'), LABWATCH_CONFIG: ''};

after(() => rmSync(home, {recursive: true, force: true}));

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

function labwatch(args: string[], options: {closeStdout?: boolean} = {}): Promise<Run> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [bin, ...args], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		// A reader that has gone before the first write, as `| head -0` would.
		if (options.closeStdout) child.stdout.destroy();
		else child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code, stdout, stderr});
		});
	});
}

const subcommands = ['check', 'init', 'sim', 'partition', 'heal', 'drills', 'etcd-drill', 'etcd-heal'];

for (const command of subcommands) {
	for (const flag of ['--help', '-h']) {
		test(`labwatch ${command} ${flag}: its own help, exit 0, nothing run or written`, async () => {
			const result = await labwatch([command, flag]);
			assert.equal(result.code, 0, result.stderr);
			assert.equal(result.stderr, '');
			assert.match(result.stdout, new RegExp(`\\$ labwatch ${command}\\b`), 'usage names the command');
			assert.match(result.stdout, /Options\n\s+--/);
			assert.match(result.stdout, /Examples\n\s+\$ /);
			// No plan printed, no simulator banner, no check verdict, no config written.
			assert.doesNotMatch(result.stdout, /Partition drill|simulated homelab running|LABWATCH (OK|WARNING|CRITICAL|UNKNOWN)|wrote /);
			assert.equal(existsSync(join(home, 'config')), false, 'init --help wrote nothing');
			assert.equal(existsSync(join(home, 'state')) && readdirSync(join(home, 'state')).length > 0, false, 'no state written');
		});
	}
}

test('labwatch --help lists every command; -v and --version print the version', async () => {
	const help = await labwatch(['-h']);
	assert.equal(help.code, 0);
	for (const command of subcommands) assert.match(help.stdout, new RegExp(`^\\s+${command}\\s`, 'm'));
	for (const flag of ['-v', '--version']) {
		const version = await labwatch([flag]);
		assert.equal(version.code, 0, version.stderr);
		assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
	}
});

test('an unknown flag: one line with the labwatch: prefix, exit 2', async () => {
	const result = await labwatch(['check', '--bogus']);
	assert.equal(result.code, 2);
	assert.equal(result.stdout, '');
	assert.equal(result.stderr, 'labwatch: --bogus is not a flag of labwatch check (see labwatch check --help)\n');
});

test('a flag of another command is refused, never ignored', async () => {
	for (const [args, flag] of [
		[['check', '--ttl', '5s'], '--ttl'],
		[['heal', '--ttl', '5s'], '--ttl'],
		[['init', '--demo'], '--demo'],
		[['drills', '--json'], '--json'],
		[['--json'], '--json'],
		[['check', '--no-life'], '--no-life'],
	] as const) {
		const result = await labwatch([...args]);
		assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
		assert.match(result.stderr, new RegExp(`^labwatch: ${flag} is not a flag of .*\\n$`));
		assert.equal(result.stderr.split('\n').length, 2, 'one line');
	}
});

test('check --kubeconfig F is honoured: a missing file is named', async () => {
	const missing = join(home, 'no-such-kubeconfig');
	const result = await labwatch(['check', '--kubeconfig', missing]);
	assert.equal(result.code, 2, result.stdout + result.stderr);
	assert.equal(result.stderr, `labwatch: kubeconfig ${missing}: no such file\n`);
});

test('--demo with --config or --kubeconfig is refused in one line', async () => {
	for (const flag of ['--config', '--kubeconfig']) {
		const result = await labwatch(['check', '--demo', flag, join(home, 'x.yaml')]);
		assert.equal(result.code, 2);
		assert.equal(result.stderr, `labwatch: --demo and ${flag} do not go together: the demo brings its own clusters and config\n`);
	}
});

test('--timeout 0s says what is wrong with it; a non-duration says it is not one', async () => {
	const zero = await labwatch(['check', '--demo', '--timeout', '0s']);
	assert.equal(zero.code, 2);
	assert.equal(zero.stderr, 'labwatch: --timeout 0s: must be longer than zero\n');
	const word = await labwatch(['check', '--demo', '--timeout', 'soon']);
	assert.equal(word.code, 2);
	assert.equal(word.stderr, 'labwatch: --timeout "soon": not a duration (write it like 5s, 1m30s or 500ms)\n');
});

test('check --json with a config error: a JSON document with status UNKNOWN on stdout, the line on stderr', async () => {
	const missing = join(home, 'missing.yaml');
	const result = await labwatch(['check', '--json', '--config', missing]);
	assert.equal(result.code, 2);
	const document = JSON.parse(result.stdout) as {status: string; exitCode: number; error: string};
	assert.equal(document.status, 'UNKNOWN');
	assert.equal(document.exitCode, 2);
	assert.match(document.error, /missing\.yaml: no such file/);
	assert.equal(result.stderr, `labwatch: ${document.error}\n`);
});

test('a closed pipe ends a command quietly: partition --dry-run exits 0 without a stack trace', async () => {
	const result = await labwatch(['partition', '--dry-run'], {closeStdout: true});
	assert.equal(result.stderr, '');
	assert.equal(result.code, 0);
});

test('a closed pipe ends --help and drills quietly too', async () => {
	for (const args of [['--help'], ['drills']]) {
		const result = await labwatch(args, {closeStdout: true});
		assert.equal(result.stderr, '', args.join(' '));
		assert.equal(result.code, 0, args.join(' '));
	}
});
