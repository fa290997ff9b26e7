// How an iptables argument array becomes a full command at each kind of point.
import type {EnforcementPoint} from './types.js';

export const sshBaseOptions = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5'];

/** POSIX single quoting: the remote sshd hands our words to a shell, so each (already validated) word is quoted. */
export function shellQuote(word: string): string {
	return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The program prefix that runs iptables at a point (before any ssh). */
export function iptablesPrefix(point: EnforcementPoint): string[] {
	switch (point.via) {
		case 'sudo':
			// -n: fail at once rather than wait on a password prompt the TUI cannot show.
			return ['sudo', '-n', 'iptables'];
		case 'docker':
			return ['docker', 'exec', point.container!, 'iptables'];
		case 'netns':
			return ['ip', 'netns', 'exec', point.netns!, 'iptables'];
		default:
			return ['iptables'];
	}
}

/** The full argv as run from here: for ssh, the remote command line is one quoted string after "--". */
export function programArgv(point: EnforcementPoint, args: string[], sshExtra: string[] = []): string[] {
	if (point.via === 'ssh') return sshArgv(point.destination!, ['iptables', ...args], sshExtra);
	return [...iptablesPrefix(point), ...args];
}

export function sshArgv(destination: string, remoteWords: string[], sshExtra: string[] = []): string[] {
	return ['ssh', ...sshBaseOptions, ...sshExtra, destination, '--', remoteWords.map(shellQuote).join(' ')];
}
