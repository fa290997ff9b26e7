// Two network namespaces joined by a veth pair, for real-iptables drill tests. Names are unique per run and
// everything is removed by dispose(), which tests call in after()/finally even on failure.
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {configSchema, type Config} from '../../source/config/schema.js';

export interface NetnsLab {
	nsA: string;
	nsB: string;
	/** A's main address (and the one sshd sessions come from). */
	addressA: string;
	/** A second address on A: the drill tests that cut sessions from it, leaving the first for control. */
	addressA2: string;
	addressB: string;
	port: number;
	sh(ns: string, args: string[], options?: {allowFail?: boolean}): string;
	iptablesSave(ns: string): string;
	/** True when an HTTP GET from A (from `from`, default addressA) to B's server answers within 1 s. */
	reachable(from?: string): boolean;
	config(points: unknown[]): Config;
	/** The config input (before parsing), for child processes. */
	rawConfig(points: unknown[]): unknown;
	dispose(): void;
}

export function run(file: string, args: string[], allowFail = false): string {
	try {
		return execFileSync(file, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
	} catch (error) {
		if (allowFail) return '';
		const stderr = (error as {stderr?: string}).stderr ?? '';
		throw new Error(`${file} ${args.join(' ')} failed: ${stderr.trim()}`);
	}
}

/**
 * iptables-save without the timestamp comments and packet counters, which change by themselves. With
 * iptables-nft (this machine's default) a namespace has no filter table until the first iptables command creates
 * it, and nothing removes it again: an empty table with ACCEPT policies is dropped here, as it filters nothing.
 */
export function normalizeSave(text: string): string {
	const lines = text
		.split('\n')
		.filter(line => !line.startsWith('#') && line.trim() !== '')
		.map(line => line.replace(/\[\d+:\d+\]/g, '[]'));
	const tables: string[][] = [];
	for (const line of lines) {
		if (line.startsWith('*')) tables.push([line]);
		else tables.at(-1)?.push(line);
	}
	const empty = (table: string[]): boolean => table.slice(1).every(line => line === 'COMMIT' || /^:[A-Z]+ ACCEPT \[\]$/.test(line));
	return tables
		.filter(table => !empty(table))
		.map(table => table.join('\n'))
		.join('\n');
}

export function createLab(tag: string): NetnsLab {
	const id = `${process.pid % 100000}${tag}`;
	const nsA = `lw-${id}-a`;
	const nsB = `lw-${id}-b`;
	const vethA = `lw${id}a`.slice(0, 15);
	const vethB = `lw${id}b`.slice(0, 15);
	const octet = (process.pid + tag.charCodeAt(0)) % 250;
	const addressA = `10.231.${octet}.1`;
	const addressA2 = `10.231.${octet}.3`;
	const addressB = `10.231.${octet}.2`;
	const port = 18080;
	const children: ChildProcess[] = [];
	const dispose = (): void => {
		for (const child of children) {
			if (child.pid && child.exitCode === null) {
				try {
					process.kill(child.pid, 'SIGKILL');
				} catch {
					// gone
				}
			}
		}
		// Any process left inside (a heal timer, sshd) dies with its namespace's processes.
		for (const ns of [nsA, nsB]) {
			const pids = run('ip', ['netns', 'pids', ns], true).split('\n').filter(Boolean);
			for (const pid of pids) {
				try {
					process.kill(Number(pid), 'SIGKILL');
				} catch {
					// gone
				}
			}
			run('ip', ['netns', 'del', ns], true);
		}
		run('ip', ['link', 'del', vethA], true);
	};
	try {
		run('ip', ['netns', 'add', nsA]);
		run('ip', ['netns', 'add', nsB]);
		run('ip', ['link', 'add', vethA, 'type', 'veth', 'peer', 'name', vethB]);
		run('ip', ['link', 'set', vethA, 'netns', nsA]);
		run('ip', ['link', 'set', vethB, 'netns', nsB]);
		run('ip', ['-n', nsA, 'addr', 'add', `${addressA}/29`, 'dev', vethA]);
		run('ip', ['-n', nsA, 'addr', 'add', `${addressA2}/29`, 'dev', vethA]);
		run('ip', ['-n', nsB, 'addr', 'add', `${addressB}/29`, 'dev', vethB]);
		for (const [ns, dev] of [[nsA, vethA], [nsB, vethB]] as const) {
			run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
			run('ip', ['-n', ns, 'link', 'set', dev, 'up']);
		}
		const server = spawn(
			'ip',
			['netns', 'exec', nsB, process.execPath, '-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '${addressB}')`],
			{stdio: 'ignore'},
		);
		children.push(server);
	} catch (error) {
		dispose();
		throw error;
	}
	const lab: NetnsLab = {
		nsA,
		nsB,
		addressA,
		addressA2,
		addressB,
		port,
		sh: (ns, args, options) => run('ip', ['netns', 'exec', ns, ...args], options?.allowFail),
		iptablesSave: ns => normalizeSave(run('ip', ['netns', 'exec', ns, 'iptables-save'])),
		reachable: (from = addressA) => {
			try {
				execFileSync('ip', ['netns', 'exec', nsA, 'curl', '-s', '-o', '/dev/null', '--interface', from, '--max-time', '1', `http://${addressB}:${port}/`], {stdio: 'ignore'});
				return true;
			} catch {
				return false;
			}
		},
		rawConfig: points => ({
			clusters: {a: {context: 'ctx-a', host: 'a'}, b: {context: 'ctx-b', host: 'b'}},
			hosts: {a: {memory: '1GiB', address: addressA}, b: {memory: '1GiB', address: addressB}},
			drill: {points},
		}),
		config: points => configSchema.parse(lab.rawConfig(points)),
		dispose,
	};
	return lab;
}

/** Waits until check() holds, polling every 100 ms, or throws after timeoutMs. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (check()) return;
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
