// The running lab's state file (<state>/state.json): what the supervisor started, where, and which files it
// wrote, so `status` can report and `down` (or the next `up` after a crash) can remove exactly that.
// Processes are recorded with their kernel start time, so a recycled pid is never signalled.
import {createHash} from 'node:crypto';
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import type {LabNamespace} from './netns.js';

export interface LabProcess {
	/** What it is, e.g. "m1 apiserver", "prometheus", "m2 node-exporter". */
	name: string;
	pid: number;
	/** /proc/<pid>/stat field 22 (clock ticks since boot) when recorded. */
	startTime: string;
	/** The namespace it runs in; absent: the host's. */
	netns?: string;
}

export interface LabClusterState {
	name: string;
	netns: string;
	address: string;
	server: string;
	context: string;
	readonlyContext: string;
	dir: string;
}

export interface WrittenFile {
	path: string;
	sha256: string;
}

export interface LabState {
	version: 1;
	phase: 'starting' | 'ready' | 'failed';
	error?: string;
	prefix: string;
	stateDir: string;
	startedAt: string;
	readyAt?: string;
	/** Start to ready, without building the binary (`up` builds it first). */
	readyMs?: number;
	supervisor: LabProcess;
	network: LabNamespace[];
	clusters: LabClusterState[];
	processes: LabProcess[];
	prometheusUrl?: string;
	configPath?: string;
	kubeconfigPath?: string;
	/** Files written outside the state directory; removed by `down` only if unchanged. */
	files: WrittenFile[];
	/** What made the clusters' nodes and pods: the life writer, or the seed when it is not there. */
	writer?: string;
	log: string;
}

export function defaultStateDir(): string {
	const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
	return join(base, 'labwatch', 'lab');
}

export const statePath = (stateDir: string) => join(stateDir, 'state.json');

export function readState(stateDir: string): LabState | undefined {
	const path = statePath(stateDir);
	if (!existsSync(path)) return undefined;
	try {
		const state = JSON.parse(readFileSync(path, 'utf8')) as LabState;
		return state.version === 1 ? state : undefined;
	} catch {
		return undefined;
	}
}

/** Written to a temporary file, then renamed: a reader never sees half a state. */
export function writeState(state: LabState): void {
	const path = statePath(state.stateDir);
	const temporary = `${path}.${process.pid}.tmp`;
	writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, {mode: 0o600});
	renameSync(temporary, path);
}

/** The kernel's start time of a process, or undefined when there is none (or it is a zombie). */
export function processStartTime(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// fields[0] is field 3 (state); field 22 (starttime) is fields[19].
		if (fields[0] === 'Z') return undefined;
		return fields[19];
	} catch {
		return undefined;
	}
}

export function recordProcess(name: string, pid: number, netns?: string): LabProcess {
	return {name, pid, startTime: processStartTime(pid) ?? '?', ...(netns ? {netns} : {})};
}

/** The recorded process is still that process (same pid, same start time). */
export function isRunning(process_: LabProcess): boolean {
	return processStartTime(process_.pid) === process_.startTime;
}

export function killRecorded(process_: LabProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
	if (!isRunning(process_)) return;
	try {
		process.kill(process_.pid, signal);
	} catch {
		// gone meanwhile
	}
}

/** Resident memory of a process in bytes (VmRSS), or undefined. */
export function residentBytes(pid: number): number | undefined {
	try {
		const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

export function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

/** Writes a file atomically and returns its record for the state's `files`. */
export function writeOwnedFile(path: string, text: string, mode = 0o600): WrittenFile {
	const temporary = `${path}.${process.pid}.tmp`;
	writeFileSync(temporary, text, {mode});
	renameSync(temporary, path);
	return {path, sha256: sha256(text)};
}
