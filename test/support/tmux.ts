// What the tests that drive the built program in tmux share: the binary, a tmux call, waiting for a screen,
// and whether a process is still there.
import {execFileSync} from 'node:child_process';
import {join, resolve} from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
// LABWATCH_BIN lets a developer point at another build; `npm test` builds dist/labwatch.js first.
export const bin = process.env.LABWATCH_BIN ?? join(root, 'dist', 'labwatch.js');

/** One argument for the shell command tmux runs in its pane. */
export const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
export const sleep = (ms: number) => new Promise(done => setTimeout(done, ms));

export function tmux(...args: string[]): string {
	return execFileSync('tmux', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

/** Polls `probe` every 100 ms until it gives a value; on timeout the error names what, the probe's last
 * error, and the screen when given. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | false, screen?: () => string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = probe();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${String(last)})` : ''}${screen ? `; screen:\n${screen()}` : ''}`);
		}
		await sleep(100);
	}
}

export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
