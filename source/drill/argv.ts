// How an iptables argument array becomes a full command at each kind of point.
import type {EnforcementPoint} from './types.js';

export const sshBaseOptions = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5'];

/** POSIX single quoting: the remote sshd hands our words to a shell, so each (already validated) word is quoted. */
export function shellQuote(word: string): string {
	return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** pfctl as run at a pf point: as root it runs itself, else through sudo -n (a NOPASSWD rule for pfctl and sh). */
export function pfctlPrefix(point: EnforcementPoint, uid: number | undefined = process.getuid?.()): string[] {
	if (point.via === 'ssh') return point.destination!.startsWith('root@') ? ['pfctl'] : ['sudo', '-n', 'pfctl'];
	return uid === 0 ? ['pfctl'] : ['sudo', '-n', 'pfctl'];
}

/** The program prefix that runs the point's filter command (iptables, or pfctl at a pf point) before any ssh. */
export function iptablesPrefix(point: EnforcementPoint): string[] {
	if (point.firewall === 'pf') return pfctlPrefix(point);
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
	if (point.via === 'ssh') return sshArgv(point.destination!, [...(point.firewall === 'pf' ? pfctlPrefix(point) : ['iptables']), ...args], sshExtra);
	return [...iptablesPrefix(point), ...args];
}

export function sshArgv(destination: string, remoteWords: string[], sshExtra: string[] = []): string[] {
	return ['ssh', ...sshBaseOptions, ...sshExtra, destination, '--', remoteWords.map(shellQuote).join(' ')];
}
