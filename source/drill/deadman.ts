// The dead-man's switch: when a cut is made, a heal is scheduled on the enforcement point itself, so the link
// heals even if labwatch is killed, its SSH session drops or the Mac sleeps. The script is constant text; the TTL,
// chain, drill id and the iptables program are passed as positional arguments, never spliced into it.
import {spawn} from 'node:child_process';
import type {EnforcementPoint, HealTimer, Result} from './types.js';
import {iptablesPrefix, shellQuote, sshArgv} from './argv.js';
import {runArgv} from './executors.js';

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
	switch (point.via) {
		case 'ssh':
			// nohup + background + no stdio: the remote shell returns at once and the timer outlives the session.
			return sshArgv(point.destination!, [], sshExtra).slice(0, -1).concat(
				`nohup sh -c ${shellQuote(healScript)} sh ${[...data, 'iptables'].map(shellQuote).join(' ')} >/dev/null 2>&1 </dev/null & echo $!`,
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

/** Schedules the heal at the point. Returns the timer (pid where known). */
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
	if (point.via === 'ssh' || point.via === 'docker') {
		const result = await runArgv(argv);
		if (result.exitCode !== 0) return {ok: false, error: `could not schedule the heal at ${point.label}: ${oneLine(result.stderr)}`};
		const pid = Number.parseInt(result.stdout.trim(), 10);
		const kind = point.via === 'ssh' ? 'remote nohup sh' : 'docker exec -d sh';
		return {ok: true, value: {kind, pid: Number.isFinite(pid) ? pid : undefined, dueMs}};
	}
	// local, sudo, netns: a detached process in its own session (a process group leader), stdio ignored, unref'd.
	return new Promise(resolve => {
		const [file, ...args] = argv;
		const child = spawn(file!, args, {detached: true, stdio: 'ignore'});
		child.once('error', error => resolve({ok: false, error: `could not schedule the heal at ${point.label}: ${error.message}`}));
		child.once('spawn', () => {
			child.unref();
			resolve({ok: true, value: {kind: 'detached sh', pid: child.pid, dueMs}});
		});
	});
}

/** Best effort: stop a timer after a manual heal. Its drill-id check makes a missed kill harmless. */
export async function cancelHeal(point: EnforcementPoint, timer: HealTimer | undefined, sshExtra: string[] = []): Promise<void> {
	if (!timer?.pid) return;
	if (point.via === 'ssh') {
		await runArgv(sshArgv(point.destination!, ['kill', String(timer.pid)], sshExtra), 8000);
		return;
	}
	if (point.via === 'docker') return;
	try {
		// The detached sh leads its own process group: kill the group so its sleep goes too.
		process.kill(-timer.pid, 'SIGTERM');
	} catch {
		// already gone, or (sudo) not ours to signal
	}
}

function oneLine(text: string): string {
	return text.trim().split('\n').pop() || 'failed';
}
