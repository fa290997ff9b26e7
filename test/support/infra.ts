// Integration tests need real things (root, iptables, prometheus, kubectl, tmux). In CI a missing piece
// is a failure, since CI installs them; on a developer machine the test skips and says why.
import type {TestContext} from 'node:test';
import {execFileSync} from 'node:child_process';

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** Returns true when the test may go on; otherwise skips it (or fails it in CI) with the reason. */
export function needs(t: TestContext, ok: boolean, reason: string): boolean {
	if (ok) return true;
	if (inCI) throw new Error(`missing test infrastructure in CI: ${reason}`);
	t.skip(reason);
	return false;
}

export function hasCommand(command: string): boolean {
	try {
		execFileSync('sh', ['-c', 'command -v "$1"', 'sh', command], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
