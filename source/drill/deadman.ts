// The dead-man's switch: when a cut is made, a heal is scheduled on the enforcement point itself, so the link
// heals even if labwatch is killed, its SSH session drops or the Mac sleeps. The script is constant text; the TTL,
// chain, drill id and the iptables program are passed as positional arguments, never spliced into it.
import {spawn} from 'node:child_process';
import type {EnforcementPoint, HealTimer, Result} from './types.js';
import {iptablesPrefix, pfctlPrefix, programArgv, shellQuote, sshArgv} from './argv.js';
import {parseArmOutput, pfArmScript, pfReleaseArgs} from './pf.js';
import {runArgv} from './executors.js';
import {processIdentity, signallablePid} from './process-identity.js';

/**
 * sh -c HEAL_SCRIPT sh SECONDS CHAIN DRILL_ID PROGRAM...
 * Heals only if the chain still carries this drill's tag (or no drill's tag yet), so an old timer never heals a
 * newer cut.
 */
export const healScript = [
	'sleep "$1" || exit 1',
	'chain=$2; id=$3; shift 3',
	'rules=$("$@" -w -S "$chain" 2>/dev/null) || exit 0',
	// A chain no drill has tagged yet is a cut interrupted before its first rule: ours to remove too.
	'if printf "%s\\n" "$rules" | grep -q -- "labwatch:"; then',
	'  printf "%s\\n" "$rules" | grep -q -E -- "labwatch:$id(\\"|[[:space:]]|\\$)" || exit 0',
	'fi',
	'for builtin in INPUT OUTPUT FORWARD; do',
	'  while "$@" -w -D "$builtin" -j "$chain" 2>/dev/null; do :; done',
	'done',
	'"$@" -w -F "$chain" && "$@" -w -X "$chain"',
].join('\n');

function seconds(ttlMs: number): string {
	return String(Math.max(1, Math.ceil(ttlMs / 1000)));
}

/** The argv that schedules the heal, for plans and dry runs. */
export function scheduleArgv(point: EnforcementPoint, chain: string, drillId: string, ttlMs: number, sshExtra: string[] = []): string[] {
	const data = [seconds(ttlMs), chain, drillId];
	if (point.firewall === 'pf') {
		// The timer's command is the first change at a pf point: it enables pf (with a reference) and arms the heal.
		const words = ['sh', '-c', pfArmScript, 'sh', seconds(ttlMs), point.anchor!, drillId, ...pfctlPrefix(point)];
		return point.via === 'ssh' ? sshArgv(point.destination!, words, sshExtra) : words;
	}
	switch (point.via) {
		case 'ssh':
			// nohup + background + no stdio: the remote shell returns at once and the timer outlives the session.
			// It prints the timer's pid and start time, so a manual heal signals that process and no other.
			return sshArgv(point.destination!, [], sshExtra).slice(0, -1).concat(
				`nohup sh -c ${shellQuote(healScript)} sh ${[...data, 'iptables'].map(shellQuote).join(' ')} >/dev/null 2>&1 </dev/null & ${remoteIdentify}`,
			);
		case 'docker':
			// docker exec -d: the timer lives inside the container, independent of this process and of docker's CLI.
			return ['docker', 'exec', '-d', point.container!, 'sh', '-c', healScript, 'sh', ...data, 'iptables'];
		case 'sudo':
			return ['sudo', '-n', 'sh', '-c', healScript, 'sh', ...data, 'iptables'];
		default:
			return ['sh', '-c', healScript, 'sh', ...data, ...iptablesPrefix(point)];
	}
}

/** After "cmd &": the pid and its start time (ps's lstart, spaces collapsed), one per line. */
export const remoteIdentify = 'echo $!; echo $(ps -o lstart= -p $!)';

/**
 * sh -c CANCEL_SCRIPT sh PID START_TIME DRILL_ID: signals PID only if it is above 1, started when the timer did,
 * and its command line names the drill (so a forged or reused pid is left alone). Exit 4: not our timer.
 */
export const remoteCancelScript = [
	'[ "$1" -gt 1 ] 2>/dev/null || exit 4',
	'[ "$(echo $(ps -o lstart= -p "$1" 2>/dev/null))" = "$2" ] || exit 4',
	'case " $(ps -ww -o args= -p "$1" 2>/dev/null) " in *" $3 "*) kill "$1" ;; *) exit 4 ;; esac',
].join('\n');

function parseRemoteTimer(stdout: string): {pid?: number; startTime?: string} {
	const [pidLine, startLine] = stdout.trim().split('\n');
	const pid = Number.parseInt(pidLine ?? '', 10);
	return {pid: Number.isFinite(pid) ? pid : undefined, startTime: startLine?.trim() || undefined};
}

/** Schedules the heal at the point. Returns the timer (pid and start time where known). */
export async function scheduleHeal(
	point: EnforcementPoint,
	chain: string,
	drillId: string,
	ttlMs: number,
	options: {sshExtra?: string[]; nowMs?: number} = {},
): Promise<Result<HealTimer>> {
	const dueMs = (options.nowMs ?? Date.now()) + Number(seconds(ttlMs)) * 1000;
	const argv = scheduleArgv(point, chain, drillId, ttlMs, options.sshExtra);
	if (point.via === 'sim') return {ok: false, error: 'sim points have no remote timer'};
	if (point.firewall === 'pf') {
		const result = await runArgv(argv);
		const armed = parseArmOutput(result.stdout);
		if (result.exitCode !== 0 || !armed.token) return {ok: false, error: `could not enable pf and schedule the heal at ${point.label}: ${oneLine(result.stderr || result.stdout)}`};
		if (point.via === 'ssh') return {ok: true, value: {kind: 'remote sh', ...armed, dueMs}};
		// Here, the identity is read the way a heal will check it (/proc where it exists, ps on macOS).
		const local = armed.pid === undefined ? undefined : processIdentity(armed.pid);
		return {ok: true, value: {kind: 'background sh', ...armed, startTime: local?.startTime ?? armed.startTime, dueMs}};
	}
	if (point.via === 'ssh' || point.via === 'docker') {
		const result = await runArgv(argv);
		if (result.exitCode !== 0) return {ok: false, error: `could not schedule the heal at ${point.label}: ${oneLine(result.stderr)}`};
		if (point.via === 'docker') return {ok: true, value: {kind: 'docker exec -d sh', dueMs}};
		return {ok: true, value: {kind: 'remote nohup sh', ...parseRemoteTimer(result.stdout), dueMs}};
	}
	// local, sudo, netns: a detached process in its own session (a process group leader), stdio ignored, unref'd.
	return new Promise(resolve => {
		const [file, ...args] = argv;
		const child = spawn(file!, args, {detached: true, stdio: 'ignore'});
		child.once('error', error => resolve({ok: false, error: `could not schedule the heal at ${point.label}: ${error.message}`}));
		child.once('spawn', () => {
			child.unref();
			// The spawn event follows the exec: the identity read now is the timer's own.
			const identity = child.pid === undefined ? undefined : processIdentity(child.pid);
			resolve({ok: true, value: {kind: 'detached sh', pid: child.pid, startTime: identity?.startTime, dueMs}});
		});
	});
}

/** Is this live local process the heal timer of this drill, as recorded at the cut? */
export function isOwnTimer(timer: HealTimer, drillId: string): {own: boolean; group: boolean; gone: boolean} {
	if (!signallablePid(timer.pid) || !timer.startTime) return {own: false, group: false, gone: false};
	const identity = processIdentity(timer.pid);
	if (!identity) return {own: false, group: false, gone: true};
	// /proc gives argv word by word; ps (macOS) one line: either way it must name a labwatch script and this drill.
	const text = identity.args.join(' ');
	const own = identity.startTime === timer.startTime && text.includes('labwatch:') && (identity.args.includes(drillId) || text.includes(` ${drillId} `));
	return {own, group: own && identity.pgid === timer.pid, gone: false};
}

/**
 * Best effort: stop a timer after a manual heal. Its drill-id check makes a missed kill harmless, so anything that
 * is not verifiably this drill's timer (a forged or reused pid, pid <= 1) is left alone: returns why, or undefined.
 */
export async function cancelHeal(point: EnforcementPoint, timer: HealTimer | undefined, drillId: string, sshExtra: string[] = []): Promise<string | undefined> {
	if (timer?.token !== undefined && point.firewall === 'pf') {
		// Our own enable reference: releasing it never turns off a pf that someone else enabled.
		if (/^\d+$/.test(timer.token)) await runArgv(programArgv(point, pfReleaseArgs(timer.token), sshExtra), 8000);
	}
	if (timer?.pid === undefined || point.via === 'docker' || point.via === 'sim') return undefined;
	const refuse = `not signalled: pid ${timer.pid} at ${point.label} is not verifiably the heal timer of drill ${drillId}`;
	if (!signallablePid(timer.pid) || !timer.startTime) return refuse;
	if (point.via === 'ssh') {
		const result = await runArgv(sshArgv(point.destination!, ['sh', '-c', remoteCancelScript, 'sh', String(timer.pid), timer.startTime, drillId], sshExtra), 8000);
		return result.exitCode === 4 ? refuse : undefined;
	}
	const check = isOwnTimer(timer, drillId);
	if (check.gone) return undefined;
	if (!check.own) return refuse;
	try {
		// The detached sh leads its own process group: kill the group so its sleep goes too.
		process.kill(check.group ? -timer.pid : timer.pid, 'SIGTERM');
	} catch {
		// already gone, or (sudo) not ours to signal
	}
	return undefined;
}

function oneLine(text: string): string {
	return text.trim().split('\n').pop() || 'failed';
}
