// Three real Debian etcd members on loopback for the etcd drill's tests: distinct ports, a temp dir each, the
// kind defaults for timing (heartbeat 100 ms, election 1 s). Stopped and started through member.sh by the drill's
// `via: local` commands; t.after kills every process whose command line names the temp dir (members and timers).
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createServer} from 'node:net';
import {execFileSync} from 'node:child_process';
import type {TestContext} from 'node:test';
import {validateConfig} from '../../source/config/load.js';
import {readMember} from '../../source/etcd/read.js';

export const memberScript = new URL('member.sh', import.meta.url).pathname;

export interface TestMember {
	name: string;
	url: string;
	via: 'local';
	stop: string[];
	start: string[];
}

export interface TestEtcd {
	dir: string;
	members: TestMember[];
	pid(name: string): number | undefined;
	/** Every process whose command line names the temp dir (members, timers), by pid. */
	ours(): number[];
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as {port: number}).port;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

function oursIn(dir: string): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		try {
			if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
		} catch {
			// gone
		}
	}
	return pids;
}

export async function startTestEtcd(t: TestContext, options: {count?: number; stopSignal?: string} = {}): Promise<TestEtcd> {
	const dir = mkdtempSync(join(tmpdir(), 'labwatch-etcd-'));
	const count = options.count ?? 3;
	const ports: Array<{client: number; peer: number}> = [];
	for (let index = 0; index < count; index++) ports.push({client: await freePort(), peer: await freePort()});
	const names = ports.map((_, index) => `etcd-${index}`);
	const cluster = names.map((name, index) => `${name}=http://127.0.0.1:${ports[index]!.peer}`).join(',');
	const members: TestMember[] = names.map((name, index) => ({
		name,
		url: `http://127.0.0.1:${ports[index]!.client}`,
		via: 'local',
		stop: [memberScript, 'stop', join(dir, name), ...(options.stopSignal ? [options.stopSignal] : [])],
		start: [memberScript, 'start', join(dir, name), name, String(ports[index]!.client), String(ports[index]!.peer), cluster],
	}));
	t.after(() => {
		// Timers first (a sleeping timer would start a member after the test), then the members.
		for (let round = 0; round < 3; round++) {
			for (const pid of oursIn(dir)) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {
					// gone already
				}
			}
		}
		rmSync(dir, {recursive: true, force: true});
	});
	for (const member of members) execFileSync(member.start[0]!, member.start.slice(1), {stdio: 'ignore'});
	// Ready: every member answers and names the same leader.
	await until('the test etcd cluster to elect a leader', async () => {
		const states = await Promise.all(members.map(member => readMember(member, {timeoutMs: 1000})));
		const leaders = new Set(states.map(state => state.leaderId));
		return states.every(state => state.up && state.hasLeader) && leaders.size === 1 ? true : undefined;
	}, 30_000);
	return {
		dir,
		members,
		pid(name) {
			try {
				return Number(readFileSync(join(dir, name, 'pid'), 'utf8').trim());
			} catch {
				return undefined;
			}
		},
		ours: () => oursIn(dir),
	};
}

export function etcdConfig(members: TestMember[], extra: Record<string, unknown> = {}) {
	return validateConfig(
		{
			clusters: {m1: {context: 'kind-m1-cluster', host: 'm1'}},
			hosts: {m1: {memory: '16GiB', address: '127.0.0.1'}},
			etcd: {interval: '500ms', timeout: '1s', ttl: '60s', members, ...extra},
		},
		'test.yaml',
	);
}

export async function until<T>(what: string, read: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 100));
	}
}

