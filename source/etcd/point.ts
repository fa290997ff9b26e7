// Where an etcd member's stop and start commands run, and the dead-man's timer that starts it again after the
// TTL even if labwatch dies. A member's point is an EnforcementPoint of the partition drill's kind (local,
// sudo, ssh, docker), so the drill's own executors, ssh quoting and timer cancel (verified identity) serve it.
import {spawn} from 'node:child_process';
import type {EtcdMemberConfig} from '../config/schema.js';
import type {EnforcementPoint, HealTimer, Result} from '../drill/types.js';
import {sshArgv, shellQuote} from '../drill/argv.js';
import {remoteIdentify} from '../drill/deadman.js';
import {runArgv} from '../drill/executors.js';
import {processIdentity} from '../drill/process-identity.js';
import {validContainer, validSshDestination} from '../drill/validate.js';
import {startScript} from './start-script.js';

export {startScript};

export interface MemberPoint extends EnforcementPoint {
	member: string;
	stop: string[];
	start: string[];
}

export function memberPoint(member: EtcdMemberConfig): Result<MemberPoint> {
	const where = (() => {
		switch (member.via) {
			case 'ssh':
				return `ssh ${member.destination}`;
			case 'docker':
				return `docker ${member.container}`;
			default:
				return member.via;
		}
	})();
	if (member.via === 'ssh') {
		const valid = validSshDestination(member.destination);
		if (!valid.ok) return {ok: false, error: `etcd member ${member.name}: ${valid.error}`};
	}
	if (member.via === 'docker') {
		const valid = validContainer(member.container);
		if (!valid.ok) return {ok: false, error: `etcd member ${member.name}: ${valid.error}`};
	}
	// A leading dash would be read as an option by sudo, docker or ssh's remote shell.
	for (const [key, argv] of [['stop', member.stop], ['start', member.start]] as const) {
		if (argv[0]!.startsWith('-')) return {ok: false, error: `etcd member ${member.name}: ${key} must start with a program, not ${JSON.stringify(argv[0])}`};
	}
	return {
		ok: true,
		value: {
			host: member.name,
			via: member.via,
			label: `etcd ${member.name} (${where})`,
			peers: [],
			...(member.destination ? {destination: member.destination} : {}),
			...(member.container ? {container: member.container} : {}),
			member: member.name,
			stop: member.stop,
			start: member.start,
		},
	};
}

/** A command (the member's stop or start words) as it runs from here at the point. */
export function commandArgv(point: MemberPoint, words: string[], sshExtra: string[] = []): string[] {
	switch (point.via) {
		case 'sudo':
			return ['sudo', '-n', ...words];
		case 'ssh':
			return sshArgv(point.destination!, words, sshExtra);
		case 'docker':
			return ['docker', 'exec', point.container!, ...words];
		default:
			return [...words];
	}
}


function seconds(ttlMs: number): string {
	return String(Math.max(1, Math.ceil(ttlMs / 1000)));
}

export function timerArgv(point: MemberPoint, drillId: string, ttlMs: number, sshExtra: string[] = []): string[] {
	const data = [seconds(ttlMs), drillId, ...point.start];
	switch (point.via) {
		case 'ssh':
			// nohup + background + no stdio: the timer outlives the session; it prints its pid and start time.
			return sshArgv(point.destination!, [], sshExtra).slice(0, -1).concat(
				`nohup sh -c ${shellQuote(startScript)} sh ${data.map(shellQuote).join(' ')} >/dev/null 2>&1 </dev/null & ${remoteIdentify}`,
			);
		case 'docker':
			return ['docker', 'exec', '-d', point.container!, 'sh', '-c', startScript, 'sh', ...data];
		case 'sudo':
			return ['sudo', '-n', 'sh', '-c', startScript, 'sh', ...data];
		default:
			return ['sh', '-c', startScript, 'sh', ...data];
	}
}

/** Schedules the start on the point itself, before the stop. */
export async function scheduleStart(point: MemberPoint, drillId: string, ttlMs: number, options: {sshExtra?: string[]; nowMs?: number} = {}): Promise<Result<HealTimer>> {
	const dueMs = (options.nowMs ?? Date.now()) + Number(seconds(ttlMs)) * 1000;
	const argv = timerArgv(point, drillId, ttlMs, options.sshExtra);
	if (point.via === 'ssh' || point.via === 'docker') {
		const result = await runArgv(argv);
		if (result.exitCode !== 0) return {ok: false, error: `could not schedule the start at ${point.label}: ${result.stderr.trim().split('\n').pop() || 'failed'}`};
		if (point.via === 'docker') return {ok: true, value: {kind: 'docker exec -d sh', dueMs}};
		const [pidLine, startLine] = result.stdout.trim().split('\n');
		const pid = Number.parseInt(pidLine ?? '', 10);
		return {ok: true, value: {kind: 'remote nohup sh', ...(Number.isFinite(pid) ? {pid} : {}), ...(startLine?.trim() ? {startTime: startLine.trim()} : {}), dueMs}};
	}
	// local, sudo: a detached process in its own session (its group leader), stdio ignored, unref'd.
	return new Promise(resolve => {
		const [file, ...args] = argv;
		const child = spawn(file!, args, {detached: true, stdio: 'ignore'});
		child.once('error', error => resolve({ok: false, error: `could not schedule the start at ${point.label}: ${error.message}`}));
		child.once('spawn', () => {
			child.unref();
			const identity = child.pid === undefined ? undefined : processIdentity(child.pid);
			resolve({ok: true, value: {kind: 'detached sh', pid: child.pid, startTime: identity?.startTime, dueMs}});
		});
	});
}
