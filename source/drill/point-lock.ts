// One drill command at a time per enforcement point: a lock file per point in the state directory, held across a
// cut (with its verification and rollback) or a heal. A lock whose holder is gone, or whose pid now belongs to
// another process (its start time differs), is stale and taken over.
import {mkdir, open, readFile, unlink} from 'node:fs/promises';
import {createHash} from 'node:crypto';
import {join} from 'node:path';
import type {Result} from './types.js';
import {processIdentity, signallablePid} from './process-identity.js';

interface LockHolder {
	pid: number;
	startTime?: string;
	by?: string;
	atMs: number;
}

function fileName(label: string): string {
	const readable = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
	return `${readable}-${createHash('sha256').update(label).digest('hex').slice(0, 8)}.lock`;
}

function clock(ms: number): string {
	return new Date(ms).toTimeString().slice(0, 8);
}

export class PointLocks {
	constructor(readonly dir: string) {}

	path(label: string): string {
		return join(this.dir, fileName(label));
	}

	/** Whether the holder recorded in a lock file is still that same live process. */
	private static alive(holder: LockHolder | undefined): boolean {
		if (!holder || !signallablePid(holder.pid)) return false;
		const identity = processIdentity(holder.pid);
		if (!identity) return false;
		return holder.startTime === undefined || identity.startTime === holder.startTime;
	}

	private async holder(path: string): Promise<LockHolder | undefined> {
		try {
			const parsed = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
			return typeof parsed === 'object' && parsed !== null && typeof parsed.pid === 'number' ? parsed : undefined;
		} catch {
			return undefined;
		}
	}

	/**
	 * Takes every point's lock or none. ok=false with a one-line reason when another live command holds one;
	 * the error value "unavailable: ..." when the directory cannot be used at all (the caller warns and goes on).
	 */
	async acquire(labels: string[], by: string | undefined): Promise<Result<() => Promise<void>> | {ok: false; error: string; unavailable: true}> {
		try {
			await mkdir(this.dir, {recursive: true});
		} catch (error) {
			return {ok: false, unavailable: true, error: `cannot lock in ${this.dir}: ${(error as Error).message.split('\n')[0]}`};
		}
		const me: LockHolder = {pid: process.pid, startTime: processIdentity(process.pid)?.startTime, by, atMs: Date.now()};
		const held: string[] = [];
		const release = async (): Promise<void> => {
			for (const path of held.splice(0)) await unlink(path).catch(() => undefined);
		};
		for (const label of [...new Set(labels)].sort()) {
			const path = this.path(label);
			let taken = false;
			for (let attempt = 0; attempt < 2 && !taken; attempt++) {
				try {
					const handle = await open(path, 'wx', 0o600);
					try {
						await handle.write(JSON.stringify(me));
					} finally {
						await handle.close();
					}
					taken = true;
				} catch (error) {
					if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
						await release();
						return {ok: false, unavailable: true, error: `cannot lock ${path}: ${(error as Error).message.split('\n')[0]}`};
					}
					const holder = await this.holder(path);
					if (holder === undefined && attempt === 0) {
						// Created a moment ago and not yet written, or garbage: look once more before calling it stale.
						await new Promise(resolve => setTimeout(resolve, 50));
						if ((await this.holder(path)) !== undefined) {
							attempt -= 1;
							continue;
						}
					}
					if (PointLocks.alive(holder)) {
						await release();
						return {
							ok: false,
							error: `another drill command is running at ${label} (pid ${holder!.pid}${holder!.by ? `, ${holder!.by}` : ''}, since ${clock(holder!.atMs)}): try again when it is done`,
						};
					}
					await unlink(path).catch(() => undefined); // stale: its holder is gone
				}
			}
			if (!taken) {
				await release();
				return {ok: false, error: `could not take the lock ${path}`};
			}
			held.push(path);
		}
		return {ok: true, value: release};
	}
}
