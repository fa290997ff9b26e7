// The drill journal and reports in $XDG_STATE_HOME/labwatch/ (default ~/.local/state/labwatch/).
// The journal is append-only JSON lines, each write flushed to disk, so a crash loses at most the line in flight.
import {mkdir, open, readFile, readdir, rename} from 'node:fs/promises';
import {homedir} from 'node:os';
import {join} from 'node:path';
import type {CommandRecord, HealTimer} from './types.js';
import {terminalSafeLines} from '../text/terminal-safe.js';

export function stateDirFrom(env: NodeJS.ProcessEnv = process.env): string {
	const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
	return join(base, 'labwatch');
}

export interface JournalPointEntry {
	point: string;
	ok: boolean;
	commands: CommandRecord[];
	error?: string;
	timer?: HealTimer;
}

export interface JournalEntry {
	type: 'cut' | 'heal' | 'rollback' | 'refused';
	atMs: number;
	drillId?: string;
	ttlMs?: number;
	/** Point labels this entry is about. */
	points: string[];
	ok: boolean;
	error?: string;
	results: JournalPointEntry[];
	/** Who did it: "labwatch heal", "ttl", "tui". */
	by?: string;
	pid: number;
}

export class Journal {
	constructor(readonly dir: string) {}

	get path(): string {
		return join(this.dir, 'journal.jsonl');
	}

	async append(entry: JournalEntry): Promise<void> {
		await mkdir(this.dir, {recursive: true});
		const handle = await open(this.path, 'a', 0o600);
		try {
			await handle.write(`${JSON.stringify(entry)}\n`);
			await handle.sync();
		} finally {
			await handle.close();
		}
	}

	/** Every readable line; a torn last line (a crash mid-write) is skipped. */
	async read(): Promise<JournalEntry[]> {
		let text: string;
		try {
			text = await readFile(this.path, 'utf8');
		} catch {
			return [];
		}
		const entries: JournalEntry[] = [];
		for (const line of text.split('\n')) {
			if (!line.trim()) continue;
			try {
				entries.push(JSON.parse(line) as JournalEntry);
			} catch {
				// skip
			}
		}
		return entries;
	}

	/** The latest successful cut of a drill, if it was not healed since. */
	async openCut(drillId: string): Promise<JournalEntry | undefined> {
		const entries = (await this.read()).filter(entry => entry.drillId === drillId);
		const cut = [...entries].reverse().find(entry => entry.type === 'cut' && entry.ok);
		if (!cut) return undefined;
		const healed = entries.some(entry => (entry.type === 'heal' || entry.type === 'rollback') && entry.ok && entry.atMs >= cut.atMs);
		return healed ? undefined : cut;
	}

	reportPath(drillId: string, extension: 'json' | 'md'): string {
		return join(this.dir, 'drills', `${drillId}.${extension}`);
	}

	async writeReport(drillId: string, json: unknown, markdown: string): Promise<string> {
		await mkdir(join(this.dir, 'drills'), {recursive: true});
		await writeAtomic(this.reportPath(drillId, 'json'), `${JSON.stringify(json, null, '\t')}\n`);
		// The report is read in a terminal (cat, less): no server string's escape sequence may reach it.
		await writeAtomic(this.reportPath(drillId, 'md'), terminalSafeLines(markdown));
		return this.reportPath(drillId, 'md');
	}

	async listReports(): Promise<string[]> {
		try {
			return (await readdir(join(this.dir, 'drills'))).filter(name => name.endsWith('.json')).map(name => name.slice(0, -5)).sort();
		} catch {
			return [];
		}
	}
}

/** temp file in the same directory, fsync, rename: a reader sees the old file or the new one, never half. */
export async function writeAtomic(path: string, text: string): Promise<void> {
	const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
	const handle = await open(temp, 'w', 0o600);
	try {
		await handle.write(text);
		await handle.sync();
	} finally {
		await handle.close();
	}
	await rename(temp, path);
}
