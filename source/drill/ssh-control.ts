// One kept SSH connection per ssh point for a drill: every command of a cut or heal rides it, so each costs a
// round trip rather than a handshake. The heal never depends on it: the dead-man timer runs on the host itself.
import {createHash} from 'node:crypto';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';

/** Unix socket paths are at most 104 bytes on macOS (108 on Linux); ssh adds ".XXXXXXXXXXXXXXXX" while it binds. */
export const maxSocketPathBytes = 104 - 17;

/** The socket for this destination (and these extra options, which may change the port or identity). */
export function controlPath(stateDir: string, destination: string, sshExtra: string[] = []): string | undefined {
	const key = createHash('sha256').update([destination, ...sshExtra].join('\0')).digest('hex').slice(0, 12);
	const path = join(stateDir, 'ssh', key);
	return Buffer.byteLength(path) <= maxSocketPathBytes ? path : undefined;
}

/**
 * The ssh options that share one connection: ControlMaster=auto (the first command opens it), ControlPath under
 * the state directory (created 0700), ControlPersist so it outlives each command. Undefined when no socket can be
 * made there (too long a path, an unusable state directory): then every command connects on its own, as before.
 */
export function controlOptions(stateDir: string, destination: string, sshExtra: string[], persistSeconds: number): {options?: string[]; problem?: string} {
	const path = controlPath(stateDir, destination, sshExtra);
	if (!path) return {problem: `ssh connections not shared: ${join(stateDir, 'ssh')} is too long a path for a socket`};
	try {
		mkdirSync(join(stateDir, 'ssh'), {recursive: true, mode: 0o700});
	} catch (error) {
		return {problem: `ssh connections not shared: cannot create ${join(stateDir, 'ssh')}: ${(error as Error).message.split('\n')[0]}`};
	}
	return {options: ['-o', 'ControlMaster=auto', '-o', `ControlPath=${path}`, '-o', `ControlPersist=${Math.max(1, Math.round(persistSeconds))}s`]};
}
