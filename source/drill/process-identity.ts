// Who a process is, so that labwatch signals only its own heal timer: the start time (which changes when a pid is
// reused), the process group and the command line, read from /proc where it exists, else from ps (macOS).
import {readFileSync} from 'node:fs';
import {execFileSync} from 'node:child_process';

export interface ProcessIdentity {
	pid: number;
	/** /proc/<pid>/stat field 22 (clock ticks since boot), or ps's lstart where there is no /proc. */
	startTime: string;
	/** Process group id (undefined where ps cannot tell). */
	pgid?: number;
	/** argv of the process. */
	args: string[];
}

/** Only a plain pid above 1: 0 and -1 mean "my group" and "everyone" to kill(2), and 1 is init. */
export function signallablePid(pid: unknown): pid is number {
	return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 1;
}

function fromProc(pid: number): ProcessIdentity | undefined {
	let stat: string;
	let cmdline: string;
	try {
		stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
	} catch {
		return undefined;
	}
	// "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ")".
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const startTime = fields[19];
	const pgid = Number(fields[2]);
	if (!startTime) return undefined;
	return {pid, startTime, pgid: Number.isSafeInteger(pgid) ? pgid : undefined, args: cmdline.split('\0').filter((word, index, all) => word !== '' || index < all.length - 1)};
}

function fromPs(pid: number): ProcessIdentity | undefined {
	try {
		const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
		const pgid = execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
		const args = execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
		const startTime = started.trim().split(/\s+/).join(' ');
		if (!startTime) return undefined;
		const group = Number(pgid.trim());
		// ps prints the command line as one string: good enough for the "does it name our drill" check.
		return {pid, startTime, pgid: Number.isSafeInteger(group) ? group : undefined, args: [args.trim()]};
	} catch {
		return undefined;
	}
}

/** The identity of a live local process, or undefined when there is none with that pid. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
	if (!signallablePid(pid)) return undefined;
	try {
		readFileSync('/proc/self/stat');
	} catch {
		return fromPs(pid);
	}
	return fromProc(pid);
}
