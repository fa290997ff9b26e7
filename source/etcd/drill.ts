// The etcd / Raft drill: stop the current leader at its point (a second stop takes another member: quorum
// lost), start what was stopped on heal. The partition drill's safety, reused rather than copied: the dead-man
// timer on the point (it starts the member after the TTL even if labwatch is kill -9ed), one command at a time
// per point (PointLocks), every command journaled (Journal, the same journal.jsonl), a dry run that shows the
// exact argv and runs nothing, timers cancelled only when verifiably theirs (deadman.cancelHeal).
import type {Config, EtcdMemberConfig} from '../config/schema.js';
import type {LabSnapshot} from '../store/types.js';
import type {CommandRecord, HealTimer, Result} from '../drill/types.js';
import {Journal, stateDirFrom, type JournalEntry} from '../drill/journal.js';
import {PointLocks} from '../drill/point-lock.js';
import {cancelHeal} from '../drill/deadman.js';
import {runArgv} from '../drill/executors.js';
import {validDrillId} from '../drill/validate.js';
import {join} from 'node:path';
import {stat} from 'node:fs/promises';
import type {EtcdDrillStatus, EtcdStatus} from './types.js';
import {commandArgv, memberPoint, scheduleStart, timerArgv, type MemberPoint} from './point.js';
import {EtcdTimeline, etcdReportMarkdown} from './timeline.js';
import {errorLine} from '../text/error-line.js';

export const defaultEtcdTtlMs = 60_000;
export const maxEtcdTtlMs = 60 * 60_000;

export interface EtcdDrillOptions {
	config: Config;
	/** Default: $XDG_STATE_HOME/labwatch (the partition drill's: one journal, one lock directory). */
	stateDir?: string;
	env?: NodeJS.ProcessEnv;
	now?: () => number;
	/** Who acts, for the journal: "tui", "labwatch etcd-drill". */
	by?: string;
	sshExtra?: string[];
	/** The latest etcd status (the poller's): which member leads now. */
	status: () => EtcdStatus | undefined;
	/** Read every member once now: to verify a stop or a start took. */
	poll: () => Promise<EtcdStatus>;
	/** How long a stop or start may take to show on the member's endpoint (default 20 s). */
	verifyMs?: number;
	/** Kubernetes clusters whose API availability the timeline records beside etcd's. */
	clusters?: string[];
	/** Tests: awaited before every command (the timer's too), to stop a drill between any two steps. */
	beforeCommand?: (argv: string[]) => Promise<void>;
}

export interface EtcdStopPlan {
	drillId: string;
	/** The member to stop and what it is now ("leader", "follower"). */
	member: string;
	role: string;
	label: string;
	ttlMs: number;
	/** In the order they run: the timer on the point first, then the stop. */
	commands: string[][];
	/** What the heal (and the timer, after the TTL) runs. */
	start: string[];
	/** Quorum after this stop: "2/3 up: quorum kept", "1/3 up: quorum lost". */
	effect: string;
}

interface StoppedMember {
	member: string;
	point: MemberPoint;
	timer?: HealTimer;
	atMs: number;
}

interface LiveDrill {
	drillId: string;
	sinceMs: number;
	ttlMs: number;
	stopped: StoppedMember[];
}

export interface EtcdHealSummary {
	drillIds: string[];
	started: string[];
	commands: CommandRecord[];
	reportPath?: string;
	dryRun?: boolean;
	/** Dry run: the commands a heal would run. */
	wouldRun?: Array<{member: string; commands: string[][]}>;
}

type Listener = () => void;


/** "e20261202-213355-k3f9": an etcd drill's id (the partition drill's start with d). */
export function newEtcdDrillId(nowMs: number): string {
	const iso = new Date(nowMs).toISOString();
	return `e${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${Math.random().toString(36).slice(2, 6)}`;
}

export class EtcdDrill {
	readonly journal: Journal;
	private readonly locks: PointLocks;
	private readonly now: () => number;
	private readonly members: EtcdMemberConfig[];
	private readonly listeners = new Set<Listener>();
	private live?: LiveDrill;
	private progress: EtcdDrillStatus = {phase: 'idle', stopped: [], timeline: []};
	private recorder?: EtcdTimeline;
	private recorderTtlMs?: number;
	private outcome = 'healed';
	private ttlTimer?: NodeJS.Timeout;
	private busy = false;
	private disposed = false;
	private warnings: string[] = [];

	constructor(private readonly options: EtcdDrillOptions) {
		this.now = options.now ?? Date.now;
		this.journal = new Journal(options.stateDir ?? stateDirFrom(options.env ?? process.env));
		this.locks = new PointLocks(join(this.journal.dir, 'locks'));
		this.members = options.config.etcd?.members ?? [];
	}

	get configured(): boolean {
		return this.members.length > 0;
	}

	drainWarnings(): string[] {
		return this.warnings.splice(0);
	}

	private warn(text: string): void {
		if (!this.warnings.includes(text)) this.warnings.push(text);
	}

	status(): EtcdDrillStatus {
		return {...this.progress, stopped: this.live ? this.live.stopped.map(entry => entry.member) : [], timeline: [...this.progress.timeline]};
	}

	/** Members stopped by the live drill (the poller marks them). */
	stoppedMembers(): string[] {
		return this.live?.stopped.map(entry => entry.member) ?? [];
	}

	get isLive(): boolean {
		return this.live !== undefined;
	}

	onChange(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private point(name: string): Result<MemberPoint> {
		const member = this.members.find(entry => entry.name === name);
		if (!member) return {ok: false, error: `no etcd member named ${name}`};
		return memberPoint(member);
	}

	private ttl(ttlMs: number | undefined): Result<number> {
		const value = ttlMs ?? this.options.config.etcd?.ttl ?? defaultEtcdTtlMs;
		if (!Number.isFinite(value) || value < 1000) return {ok: false, error: 'the TTL must be at least 1s'};
		if (value > maxEtcdTtlMs) return {ok: false, error: `the TTL must be at most ${maxEtcdTtlMs / 60_000}m`};
		return {ok: true, value};
	}

	/** Which member the next stop takes: the current leader; with none (quorum lost, mid-election), a running member. */
	private target(): Result<{member: string; role: string}> {
		if (!this.configured) return {ok: false, error: 'etcd is not configured: add an etcd: section with members'};
		const status = this.options.status();
		if (!status?.polled) return {ok: false, error: 'etcd not polled yet: try again in a moment'};
		const stopped = new Set(this.stoppedMembers());
		const running = status.members.filter(member => member.up && !stopped.has(member.name));
		if (status.leader && !stopped.has(status.leader)) return {ok: true, value: {member: status.leader, role: 'leader'}};
		if (running.length === 0) return {ok: false, error: 'no etcd member is running to stop'};
		return {ok: true, value: {member: running[0]!.name, role: 'follower'}};
	}

	/** The next stop's exact commands. Shown before any stop; runs nothing. */
	plan(ttlMs?: number, member?: string): Result<EtcdStopPlan> {
		const chosen = member === undefined ? this.target() : {ok: true as const, value: {member, role: this.options.status()?.leader === member ? 'leader' : 'follower'}};
		if (!chosen.ok) return chosen;
		const point = this.point(chosen.value.member);
		if (!point.ok) return point;
		let ttl: Result<number>;
		const drillId = this.live?.drillId ?? newEtcdDrillId(this.now());
		// A second stop joins the live drill: its timer fires when the first one's does.
		if (this.live) ttl = {ok: true, value: Math.max(1000, this.live.sinceMs + this.live.ttlMs - this.now())};
		else ttl = this.ttl(ttlMs);
		if (!ttl.ok) return ttl;
		const status = this.options.status();
		const total = this.members.length;
		const upAfter = (status?.members.filter(entry => entry.up && entry.name !== chosen.value.member && !this.stoppedMembers().includes(entry.name)).length ?? 0);
		const quorum = Math.floor(total / 2) + 1;
		const plan: EtcdStopPlan = {
			drillId,
			member: chosen.value.member,
			role: chosen.value.role,
			label: point.value.label,
			ttlMs: ttl.value,
			commands: [timerArgv(point.value, drillId, ttl.value, this.options.sshExtra), commandArgv(point.value, point.value.stop, this.options.sshExtra)],
			start: commandArgv(point.value, point.value.start, this.options.sshExtra),
			effect: `${upAfter}/${total} up after the stop: ${upAfter >= quorum ? 'quorum kept' : 'QUORUM LOST'}`,
		};
		if (!this.live && this.progress.phase !== 'stopping' && this.progress.phase !== 'healing')
			this.setProgress({phase: 'planned', plan: {member: plan.member, role: plan.role, commands: plan.commands, start: plan.start, effect: plan.effect}});
		else this.setProgress({plan: {member: plan.member, role: plan.role, commands: plan.commands, start: plan.start, effect: plan.effect}});
		return {ok: true, value: plan};
	}

	/** Stops one member (the planned one, or the current leader): timer on the point first, then the stop, then a look that it went. */
	async stop(options: {ttlMs?: number; member?: string; dryRun?: boolean} = {}): Promise<Result<EtcdStopPlan>> {
		if (this.busy) return {ok: false, error: 'an etcd drill command is already running'};
		const planned = this.plan(options.ttlMs, options.member);
		if (!planned.ok) return planned;
		const plan = planned.value;
		if (options.dryRun) return planned;
		const point = this.point(plan.member);
		if (!point.ok) return point;
		if (this.stoppedMembers().includes(plan.member)) return {ok: false, error: `${plan.member} is already stopped by drill ${this.live!.drillId}`};
		this.busy = true;
		const taken = await this.locks.acquire([point.value.label], this.options.by);
		let release: () => Promise<void> = async () => undefined;
		if (taken.ok) release = taken.value;
		else if ('unavailable' in taken) this.warn(`${taken.error}; etcd drill commands are not serialized`);
		else {
			this.busy = false;
			return {ok: false, error: taken.error};
		}
		try {
			const leaderBefore = this.options.status()?.leader;
			const startedMs = this.now();
			this.setProgress({phase: 'stopping', error: undefined});
			if (!this.live) {
				this.recorder = new EtcdTimeline(plan.drillId, this.options.clusters ?? []);
				this.recorder.baseline(this.options.status());
				this.recorderTtlMs = plan.ttlMs;
				this.outcome = 'healed';
			}
			const commands: CommandRecord[] = [];
			await this.options.beforeCommand?.(plan.commands[0]!);
			const timer = await scheduleStart(point.value, plan.drillId, plan.ttlMs, {sshExtra: this.options.sshExtra, nowMs: this.now()});
			commands.push({argv: plan.commands[0]!, exitCode: timer.ok ? 0 : -1, ...(timer.ok ? {} : {stderr: timer.error})});
			if (!timer.ok) return await this.failStop(plan, point.value, commands, undefined, timer.error, startedMs);
			await this.options.beforeCommand?.(plan.commands[1]!);
			const stopped = await runArgv(plan.commands[1]!, 30_000);
			commands.push({argv: plan.commands[1]!, exitCode: stopped.exitCode, ...(stopped.exitCode !== 0 && stopped.stderr.trim() ? {stderr: stopped.stderr.trim().split('\n')[0]} : {})});
			if (stopped.exitCode !== 0) return await this.failStop(plan, point.value, commands, timer.value, `stop failed at ${point.value.label} (exit ${stopped.exitCode}): ${stopped.stderr.trim().split('\n')[0] || 'no message'}`, startedMs);
			const atMs = this.now();
			await this.append({type: 'cut', kind: 'etcd', atMs: startedMs, drillId: plan.drillId, ttlMs: plan.ttlMs, points: [point.value.label], ok: true, results: [{point: point.value.label, ok: true, commands, timer: timer.value}], by: this.options.by, pid: process.pid});
			if (!this.live) {
				this.live = {drillId: plan.drillId, sinceMs: startedMs, ttlMs: plan.ttlMs, stopped: []};
				// The in-process heal comes first and writes the report; the timers on the points are the safety net.
				this.armTtl(plan.ttlMs);
			}
			this.live.stopped.push({member: plan.member, point: point.value, timer: timer.value, atMs});
			this.recorder?.stopApplied(plan.member, plan.role, atMs, leaderBefore);
			this.setProgress({phase: 'stopped', drillId: plan.drillId, sinceMs: this.live.sinceMs, ttlMs: this.live.ttlMs, plan: undefined, timeline: this.recorder?.timeline() ?? []});
			return {ok: true, value: plan};
		} catch (error) {
			this.setProgress({phase: 'failed', error: errorLine(error)});
			return {ok: false, error: errorLine(error)};
		} finally {
			await release();
			this.busy = false;
		}
	}

	/** The in-process heal at the TTL; a drill command running then (a second stop) delays it by a second, not forever. */
	private armTtl(inMs: number): void {
		clearTimeout(this.ttlTimer);
		const fire = async (): Promise<void> => {
			this.ttlTimer = undefined;
			if (!this.live || this.disposed) return;
			const healed = await this.heal('ttl');
			if (!healed.ok && this.live && !this.disposed) {
				this.ttlTimer = setTimeout(() => void fire(), 1000);
				this.ttlTimer.unref();
			}
		};
		this.ttlTimer = setTimeout(() => void fire(), Math.max(0, inMs));
		this.ttlTimer.unref();
	}

	private get verifyMs(): number {
		return this.options.verifyMs ?? 20_000;
	}

	/**
	 * After a stop: does the member stop answering within verifyMs? Not under the drill's lock, so a second stop
	 * (E again) or a heal can follow at once; the CLI waits for it, the TUI shows the members anyway.
	 */
	async verifyDown(member: string): Promise<boolean> {
		const gone = await this.waitFor(status => status.members.some(entry => entry.name === member && !entry.up));
		if (!gone) this.warn(`the stop ran, but ${member} still answers at ${this.members.find(entry => entry.name === member)?.url} after ${Math.round(this.verifyMs / 1000)} s`);
		return gone;
	}

	/** After a heal: do the started members answer within verifyMs? */
	async verifyUp(members: string[]): Promise<boolean> {
		const back = await this.waitFor(status => members.every(name => status.members.find(entry => entry.name === name)?.up));
		if (!back) this.warn(`started ${members.join(', ')}, but not all answer after ${Math.round(this.verifyMs / 1000)} s`);
		return back;
	}

	/** Polls until the condition holds, at most verifyMs. */
	private async waitFor(condition: (status: EtcdStatus) => boolean): Promise<boolean> {
		const until = Date.now() + this.verifyMs;
		while (Date.now() < until) {
			const status = await this.options.poll().catch(() => undefined);
			if (status && condition(status)) return true;
			await new Promise(resolve => setTimeout(resolve, 100));
		}
		return false;
	}

	/** A stop that failed half-way: its timer cancelled, the member started again (start is idempotent), both journaled. */
	private async failStop(plan: EtcdStopPlan, point: MemberPoint, commands: CommandRecord[], timer: HealTimer | undefined, error: string, startedMs: number): Promise<Result<EtcdStopPlan>> {
		const left = await cancelHeal(point, timer, plan.drillId, this.options.sshExtra);
		if (left) this.warn(left);
		const started = timer ? await runArgv(plan.start, 30_000) : undefined;
		await this.append({type: 'cut', kind: 'etcd', atMs: startedMs, drillId: plan.drillId, ttlMs: plan.ttlMs, points: [point.label], ok: false, error, results: [{point: point.label, ok: false, commands, ...(timer ? {timer} : {})}], by: this.options.by, pid: process.pid});
		if (started) {
			await this.append({type: 'rollback', kind: 'etcd', atMs: this.now(), drillId: plan.drillId, points: [point.label], ok: started.exitCode === 0, results: [{point: point.label, ok: started.exitCode === 0, commands: [{argv: plan.start, exitCode: started.exitCode}]}], by: this.options.by, pid: process.pid});
		}
		if (!this.live) this.recorder = undefined;
		const message = started && started.exitCode !== 0 ? `${error}; START FAILED too (exit ${started.exitCode}): run labwatch etcd-heal` : error;
		this.setProgress({phase: this.live ? 'stopped' : 'failed', error: message});
		return {ok: false, error: message};
	}

	/** Stops the journal shows that were never healed: a crashed run's, or another labwatch's. */
	async openStops(): Promise<Array<{drillId: string; atMs: number; ttlMs?: number; label: string; member?: string; timer?: HealTimer}>> {
		const entries = (await this.journal.read()).filter(entry => entry.kind === 'etcd');
		const problem = this.journal.readWarning();
		if (problem) this.warn(problem);
		const open: Array<{drillId: string; atMs: number; ttlMs?: number; label: string; member?: string; timer?: HealTimer}> = [];
		for (const entry of entries) {
			if (entry.type !== 'cut' || !entry.ok || !entry.drillId || !validDrillId(entry.drillId).ok) continue;
			const healed = entries.some(other => other.drillId === entry.drillId && other.type === 'heal' && other.ok && other.atMs >= entry.atMs);
			if (healed) continue;
			for (const result of entry.results) {
				const member = this.members.find(each => memberPoint(each).ok && (memberPoint(each) as {value: MemberPoint}).value.label === result.point);
				open.push({drillId: entry.drillId, atMs: entry.atMs, ttlMs: entry.ttlMs, label: result.point, member: member?.name, timer: result.timer});
			}
		}
		return open;
	}

	/** On start: a stop still within its TTL is taken over (shown live, healed by r); older ones are leftovers. */
	async inspect(): Promise<EtcdDrillStatus> {
		const open = await this.openStops();
		const nowMs = this.now();
		const leftover: string[] = [];
		for (const stop of open) {
			if (!stop.member) continue;
			const live = stop.ttlMs !== undefined && stop.atMs + stop.ttlMs + 5000 > nowMs;
			if (live && !this.live) this.live = {drillId: stop.drillId, sinceMs: stop.atMs, ttlMs: stop.ttlMs!, stopped: []};
			if (live && this.live?.drillId === stop.drillId) {
				const point = this.point(stop.member);
				if (point.ok && !this.live.stopped.some(entry => entry.member === stop.member)) this.live.stopped.push({member: stop.member, point: point.value, timer: stop.timer, atMs: stop.atMs});
			} else if (!leftover.includes(stop.member)) leftover.push(stop.member);
		}
		if (this.live) {
			// Taken over from a run that died: this process heals it at its TTL too (the point timers first, or us).
			if (!this.ttlTimer) this.armTtl(this.live.sinceMs + this.live.ttlMs - nowMs);
			this.setProgress({phase: 'stopped', drillId: this.live.drillId, sinceMs: this.live.sinceMs, ttlMs: this.live.ttlMs, leftover});
		}
		else this.setProgress({leftover});
		return this.status();
	}

	/** What heal would start: the live drill's members and every unhealed stop in the journal. */
	private async toStart(): Promise<Array<{member: string; point: MemberPoint; drillId: string; timer?: HealTimer}>> {
		const list: Array<{member: string; point: MemberPoint; drillId: string; timer?: HealTimer}> = [];
		for (const entry of this.live?.stopped ?? []) list.push({member: entry.member, point: entry.point, drillId: this.live!.drillId, timer: entry.timer});
		for (const stop of await this.openStops()) {
			if (!stop.member || list.some(entry => entry.member === stop.member && entry.drillId === stop.drillId)) continue;
			const point = this.point(stop.member);
			if (point.ok) list.push({member: stop.member, point: point.value, drillId: stop.drillId, timer: stop.timer});
		}
		return list;
	}

	/** Starts every member an etcd drill stopped (this one's and any crashed run's), cancels their timers, writes the report. */
	async heal(by: string = this.options.by ?? 'heal', options: {dryRun?: boolean} = {}): Promise<Result<EtcdHealSummary>> {
		if (this.busy) return {ok: false, error: 'an etcd drill command is already running'};
		if (options.dryRun) {
			const list = await this.toStart();
			const byMember = new Map<string, string[][]>();
			for (const entry of list) byMember.set(entry.member, [commandArgv(entry.point, entry.point.start, this.options.sshExtra)]);
			return {ok: true, value: {drillIds: [...new Set(list.map(entry => entry.drillId))], started: [], commands: [], dryRun: true, wouldRun: [...byMember].map(([member, commands]) => ({member, commands}))}};
		}
		this.busy = true;
		let release: () => Promise<void> = async () => undefined;
		try {
			const list = await this.toStart();
			if (list.length === 0) return {ok: true, value: {drillIds: [], started: [], commands: []}};
			// Stops made by another process (the shell, a crashed TUI): read before this heal is journaled.
			const foreign = (await this.openStops()).filter(stop => stop.drillId !== this.recorder?.drillId);
			const labels = [...new Set(list.map(entry => entry.point.label))];
			const taken = await this.locks.acquire(labels, this.options.by);
			if (taken.ok) release = taken.value;
			else if ('unavailable' in taken) this.warn(`${taken.error}; etcd drill commands are not serialized`);
			else return {ok: false, error: taken.error};
			clearTimeout(this.ttlTimer);
			this.ttlTimer = undefined;
			this.setProgress({phase: 'healing'});
			const commands: CommandRecord[] = [];
			const results: JournalEntry['results'] = [];
			const started: string[] = [];
			const failures: string[] = [];
			// Once per member, even if two crashed drills both stopped it.
			const done = new Set<string>();
			for (const entry of list) {
				// The timer first: verifiably its own, else left alone (its start is idempotent).
				const left = await cancelHeal(entry.point, entry.timer, entry.drillId, this.options.sshExtra);
				if (left) this.warn(left);
				if (done.has(entry.member)) continue;
				done.add(entry.member);
				const argv = commandArgv(entry.point, entry.point.start, this.options.sshExtra);
				await this.options.beforeCommand?.(argv);
				const result = await runArgv(argv, 30_000);
				const record: CommandRecord = {argv, exitCode: result.exitCode, ...(result.exitCode !== 0 && result.stderr.trim() ? {stderr: result.stderr.trim().split('\n')[0]} : {})};
				commands.push(record);
				results.push({point: entry.point.label, ok: result.exitCode === 0, commands: [record]});
				if (result.exitCode === 0) started.push(entry.member);
				else failures.push(`${entry.member}: start exited ${result.exitCode}${record.stderr ? `: ${record.stderr}` : ''}`);
			}
			const atMs = this.now();
			const ok = failures.length === 0;
			const drillIds = [...new Set(list.map(entry => entry.drillId))];
			for (const [index, drillId] of drillIds.entries()) {
				await this.append({type: 'heal', kind: 'etcd', atMs, drillId, points: index === 0 ? labels : [], ok, ...(ok ? {} : {error: failures.join('; ')}), results: index === 0 ? results : [], by, pid: process.pid});
			}
			if (!ok) {
				this.setProgress({phase: 'failed', error: `heal incomplete: ${failures.join('; ')}`});
				return {ok: false, error: `heal incomplete: ${failures.join('; ')}`};
			}
			const own = this.recorder !== undefined && this.live?.drillId === this.recorder.drillId;
			if (own) this.recorder!.healApplied(atMs, started);
			this.live = undefined;
			this.outcome = by === 'ttl' ? 'healed when the TTL ran out' : `healed (${by})`;
			let reportPath = own ? await this.writeReport() : undefined;
			for (const drillId of new Set(foreign.map(stop => stop.drillId))) reportPath ??= await this.writeShellReport(drillId, foreign.filter(stop => stop.drillId === drillId), atMs, started);
			this.setProgress({phase: 'healed', leftover: [], reportPath, timeline: this.recorder?.timeline() ?? [], plan: undefined});
			return {ok: true, value: {drillIds, started, commands, reportPath}};
		} catch (error) {
			this.setProgress({phase: 'failed', error: errorLine(error)});
			return {ok: false, error: errorLine(error)};
		} finally {
			await release();
			this.busy = false;
		}
	}

	private journalSeen?: string;

	/**
	 * Has the live drill been healed by another process (`labwatch etcd-heal` from a shell)? Then stop timing at
	 * its heal's time, cancel the in-process TTL heal, and write the report. Cheap when nothing changed: the
	 * journal is read only when its size or time moved.
	 */
	async checkExternalHeal(): Promise<boolean> {
		const live = this.live;
		if (!live || this.busy) return false;
		const stamp = await stat(this.journal.path).then(info => `${info.size}:${info.mtimeMs}`, () => undefined);
		if (stamp === undefined || stamp === this.journalSeen) return false;
		this.journalSeen = stamp;
		const heal = (await this.journal.read()).find(entry => entry.kind === 'etcd' && entry.type === 'heal' && entry.ok && entry.drillId === live.drillId && entry.atMs >= live.sinceMs);
		if (!heal || this.live !== live || this.busy) return false;
		clearTimeout(this.ttlTimer);
		this.ttlTimer = undefined;
		this.live = undefined;
		const own = this.recorder?.drillId === live.drillId;
		if (own) this.recorder!.healApplied(heal.atMs, live.stopped.map(entry => entry.member));
		this.outcome = `healed by ${heal.by ?? 'another labwatch'}`;
		const reportPath = own ? await this.writeReport() : undefined;
		this.setProgress({phase: 'healed', leftover: [], reportPath, timeline: this.recorder?.timeline() ?? [], plan: undefined});
		return true;
	}

	/** Whether the timeline still waits for signals: only then is observe() worth calling. */
	get observing(): boolean {
		return this.recorder !== undefined && !this.recorder.complete;
	}

	/** Feed every etcd status (and the lab's snapshot, for the API beside it). */
	observe(status: EtcdStatus, lab?: LabSnapshot): void {
		const recorder = this.recorder;
		if (!recorder || !recorder.observe(status, lab)) return;
		this.setProgress({timeline: recorder.timeline()});
		// Recovery marks arrive after the heal: keep the report current.
		if (this.progress.phase === 'healed') void this.writeReport().then(reportPath => reportPath && this.setProgress({reportPath}));
	}

	private reportWrites: Promise<unknown> = Promise.resolve();

	/** One report write at a time, each with the timeline as it is when its turn comes. */
	private writeReport(): Promise<string | undefined> {
		const next = this.reportWrites.then(() => this.writeReportNow());
		this.reportWrites = next.catch(() => undefined);
		return next;
	}

	private async writeReportNow(): Promise<string | undefined> {
		const recorder = this.recorder;
		if (!recorder) return undefined;
		const report = recorder.report();
		const members = report.stopped.map(stop => stop.member);
		const outcome = recorder.complete ? `${this.outcome}, recovered` : this.outcome;
		const points = report.stopped.map(stop => this.point(stop.member)).filter(point => point.ok).map(point => (point as {value: MemberPoint}).value.label);
		try {
			return await this.journal.writeReport(recorder.drillId, {...report, points, ttlMs: this.recorderTtlMs, outcome}, etcdReportMarkdown(report, {members, ttlMs: this.recorderTtlMs, outcome}));
		} catch (error) {
			this.warn(`report not written: ${this.journal.reportPath(recorder.drillId, 'json')}: ${errorLine(error)}`);
			return undefined;
		}
	}

	/**
	 * A drill stopped from the shell had nobody watching: its report holds what the journal knows (who was
	 * stopped when, when they were started) and says so, so `labwatch drills` still lists it.
	 */
	private async writeShellReport(drillId: string, stops: Array<{atMs: number; member?: string; ttlMs?: number}>, healAtMs: number, started: string[]): Promise<string | undefined> {
		const recorder = new EtcdTimeline(drillId);
		for (const stop of [...stops].sort((a, b) => a.atMs - b.atMs)) if (stop.member) recorder.stopApplied(stop.member, 'not timed here', stop.atMs, undefined);
		recorder.healApplied(healAtMs, started);
		const report = recorder.report();
		const outcome = 'healed; signals not timed (stopped by another labwatch, from the shell or a run that died: run the drill from the TUI, key E, to time them)';
		const ttlMs = stops[0]?.ttlMs;
		try {
			return await this.journal.writeReport(drillId, {...report, points: stops.map(stop => stop.member), ttlMs, outcome}, etcdReportMarkdown(report, {members: report.stopped.map(stop => stop.member), ttlMs, outcome}));
		} catch (error) {
			this.warn(`report not written: ${this.journal.reportPath(drillId, 'json')}: ${errorLine(error)}`);
			return undefined;
		}
	}

	private async append(entry: JournalEntry): Promise<void> {
		const text = await this.journal.tryAppend(entry);
		if (!text) return;
		this.warn(text);
		this.setProgress({error: text});
	}

	/** Stops the in-process timer. Stopped members stay stopped until their TTL: the timers on the points start them. */
	dispose(): void {
		this.disposed = true;
		clearTimeout(this.ttlTimer);
		this.listeners.clear();
	}

	private setProgress(change: Partial<EtcdDrillStatus>): void {
		this.progress = {...this.progress, ...change, timeline: change.timeline ?? this.progress.timeline};
		if (this.disposed) return;
		for (const listener of this.listeners) {
			try {
				listener();
			} catch {
				// a listener's failure is its own
			}
		}
	}
}
