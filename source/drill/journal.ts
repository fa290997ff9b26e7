// The drill journal and reports in $XDG_STATE_HOME/labwatch/ (default ~/.local/state/labwatch/).
// The journal is append-only JSON lines, each write flushed to disk, so a crash loses at most the line in flight.
import {mkdir, open, readFile, readdir, rename} from 'node:fs/promises';
import {homedir} from 'node:os';
import {join} from 'node:path';
import type {CommandRecord, HealTimer} from './types.js';
import {terminalSafeLines} from '../text/terminal-safe.js';
import {errorLine} from '../text/error-line.js';

export function stateDirFrom(env: NodeJS.ProcessEnv = process.env): string {
	const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
	return join(base, 'labwatch');
}

/** The demo's drills (the TUI's --demo, the simulator's points) live apart from the real ones. */
export function demoStateDir(env: NodeJS.ProcessEnv = process.env): string {
	return join(stateDirFrom(env), 'demo');
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
	/** An etcd drill's entry (a "cut" stops members, a "heal" starts them); absent: a partition drill. */
	kind?: 'etcd';
}

export class Journal {
	constructor(readonly dir: string) {}

	get path(): string {
		return join(this.dir, 'journal.jsonl');
	}

	/**
	 * Appends, and says in words (naming the file) when it cannot: a journal that cannot be written must not
	 * stop a cut, a stop or a heal.
	 */
	async tryAppend(entry: JournalEntry): Promise<string | undefined> {
		try {
			await this.append(entry);
			return undefined;
		} catch (error) {
			return `journal not written: ${this.path}: ${errorLine(error)}`;
		}
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

	/** Lines skipped by the last read (torn, not JSON, not an entry), and why the file could not be read. */
	lastRead: {skipped: number; error?: string} = {skipped: 0};

	/** Every well-formed entry; anything else (a torn last line, `null`, a stray edit) is skipped and counted. */
	async read(): Promise<JournalEntry[]> {
		let text: string;
		try {
			text = await readFile(this.path, 'utf8');
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			this.lastRead = {skipped: 0, error: code === 'ENOENT' ? undefined : errorLine(error)};
			return [];
		}
		const entries: JournalEntry[] = [];
		let skipped = 0;
		for (const line of text.split('\n')) {
			if (!line.trim()) continue;
			let parsed: unknown;
			try {
				parsed = JSON.parse(line);
			} catch {
				skipped += 1;
				continue;
			}
			const entry = journalEntryFrom(parsed);
			if (entry) entries.push(entry);
			else skipped += 1;
		}
		this.lastRead = {skipped};
		return entries;
	}

	/** One line about the last read, when it was not clean. */
	readWarning(): string | undefined {
		if (this.lastRead.error) return `journal ${this.path} unreadable: ${this.lastRead.error}`;
		if (this.lastRead.skipped > 0) return `journal ${this.path}: skipped ${this.lastRead.skipped} unreadable line${this.lastRead.skipped === 1 ? '' : 's'}`;
		return undefined;
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

const entryTypes = new Set(['cut', 'heal', 'rollback', 'refused']);

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A journal line as an entry, or undefined when it is not one: every field that is read later is checked here. */
export function journalEntryFrom(value: unknown): JournalEntry | undefined {
	if (!isRecord(value) || typeof value.type !== 'string' || !entryTypes.has(value.type) || typeof value.atMs !== 'number') return undefined;
	if (value.drillId !== undefined && typeof value.drillId !== 'string') return undefined;
	const results = (Array.isArray(value.results) ? value.results : []).filter(isRecord).map(result => {
		const timer = isRecord(result.timer) ? result.timer : undefined;
		return {
			point: typeof result.point === 'string' ? result.point : '',
			ok: result.ok === true,
			commands: Array.isArray(result.commands) ? (result.commands as JournalPointEntry['commands']) : [],
			...(timer && typeof timer.dueMs === 'number'
				? {
						timer: {
							kind: typeof timer.kind === 'string' ? timer.kind : '',
							dueMs: timer.dueMs,
							...(typeof timer.pid === 'number' ? {pid: timer.pid} : {}),
							...(typeof timer.startTime === 'string' ? {startTime: timer.startTime} : {}),
						},
					}
				: {}),
		};
	});
	return {
		type: value.type as JournalEntry['type'],
		atMs: value.atMs,
		drillId: value.drillId as string | undefined,
		ttlMs: typeof value.ttlMs === 'number' ? value.ttlMs : undefined,
		points: Array.isArray(value.points) ? value.points.filter((point): point is string => typeof point === 'string') : [],
		ok: value.ok === true,
		error: typeof value.error === 'string' ? value.error : undefined,
		results,
		by: typeof value.by === 'string' ? value.by : undefined,
		pid: typeof value.pid === 'number' ? value.pid : 0,
		...(value.kind === 'etcd' ? {kind: 'etcd' as const} : {}),
	};
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
