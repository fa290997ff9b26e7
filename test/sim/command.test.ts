// `labwatch sim` as a process: writes the kubeconfig and config atomically, prints its endpoints, serves
// until SIGTERM, then stops cleanly with exit code 0.
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parse} from 'yaml';
import {configSchema} from '../../source/config/schema.js';
import {waitFor} from './helpers.js';
import {parseHostOsFlag, runSimCommand, simPorts} from '../../source/sim/command.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('labwatch sim command', () => {
	it('--port 0 lets the kernel pick every port (it used to put m2 on port 1); a port past 65535 is refused', () => {
		assert.equal(simPorts(0, ['m1', 'm2']), undefined);
		assert.equal(simPorts(undefined, ['m1', 'm2']), undefined);
		assert.deepEqual(simPorts(7001, ['m1', 'm2']), {m1: 7001, m2: 7002});
		assert.throws(() => simPorts(65_535, ['m1', 'm2']), /--port 65535: expected 0 \(any free port\) or a port from 1 to 65534/);
		assert.throws(() => simPorts(-3, ['m1']), /--port -3/);
	});

	it('runs in the foreground and exits 0 on SIGTERM', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'labwatch-sim-command-'));
		const kubeconfig = join(dir, 'kubeconfig');
		const configOut = join(dir, 'config.yaml');
		const flags = JSON.stringify({kubeconfig, configOut, pods: 10});
		const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import {runSimCommand} from './source/sim/command.ts'; await runSimCommand(${flags});`], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.on('data', chunk => (output += chunk));
		child.stderr.on('data', chunk => (output += chunk));
		const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
		try {
			await waitFor(() => output.includes('Ctrl-C'), 20_000, 'the sim to print its endpoints');
			const m1 = /^\s+m1\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(output)?.[1];
			assert.ok(m1, output);
			assert.match(output, /^\s+m2\s+http:\/\/127\.0\.0\.1:\d+/m);
			assert.match(output, new RegExp(`control\\s+${m1!.replace(/[.]/g, '\\.')}`));
			assert.match(output, /kubectl --kubeconfig .* --context sim-m1 get pods -A/);
			const kube = parse(readFileSync(kubeconfig, 'utf8'));
			assert.equal(kube.clusters[0].cluster.server, m1);
			const config = configSchema.parse(parse(readFileSync(configOut, 'utf8')));
			assert.equal(config.kubeconfig, kubeconfig);
			assert.equal(config.drill.points![0]!.url, m1);
			assert.deepEqual(readdirSync(dir).sort(), ['config.yaml', 'kubeconfig'], 'no temp files left');
			const pods = (await (await fetch(`${m1}/api/v1/namespaces/load/pods`)).json()) as any;
			assert.equal(pods.items.length, 10);
			child.kill('SIGTERM');
			assert.equal(await exited, 0);
			assert.match(output, /stopped/);
		} finally {
			child.kill('SIGKILL');
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('--host-os m2=linux: m2 serves the Linux dialect, m1 stays a Mac; a bad value is one line', async () => {
		const flags = JSON.stringify({hostOs: 'm2=linux', life: false});
		const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import {runSimCommand} from './source/sim/command.ts'; await runSimCommand(${flags});`], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.on('data', chunk => (output += chunk));
		child.stderr.on('data', chunk => (output += chunk));
		const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
		try {
			await waitFor(() => output.includes('Ctrl-C'), 20_000, 'the sim to print its endpoints');
			assert.match(output, /^\s+m1\s+\S+\s+\(host m1 darwin,/m);
			assert.match(output, /^\s+m2\s+\S+\s+\(host m2 linux,/m);
			const m2 = /^\s+m2\s+(http:\S+)/m.exec(output)![1]!;
			const m1 = /^\s+m1\s+(http:\S+)/m.exec(output)![1]!;
			assert.match(await (await fetch(`${m2}/metrics`)).text(), /^node_memory_MemTotal_bytes\{host="m2"\} 8589934592$/m);
			assert.match(await (await fetch(`${m1}/metrics`)).text(), /^node_memory_total_bytes\{host="m1"\} 17179869184$/m);
			child.kill('SIGTERM');
			assert.equal(await exited, 0);
		} finally {
			child.kill('SIGKILL');
		}
		assert.deepEqual(parseHostOsFlag('m1=darwin, m2=linux'), {m1: 'darwin', m2: 'linux'});
		assert.throws(() => parseHostOsFlag('m2=windows'), /^ConfigError: --host-os: expected HOST=linux or HOST=darwin \(comma-separated\), got "m2=windows"$/);
		await assert.rejects(runSimCommand({hostOs: 'm9=linux'}), /--host-os: no simulated host "m9"/);
	});
});
