// DrillRunner: what the TUI and the CLI use. It plans, cuts (with the dead-man's switch at every point),
// heals, journals, inspects for leftovers, and keeps the timeline. Errors come back as values.
import type {Config} from '../config/schema.js';
import type {LabSnapshot} from '../store/types.js';
import type {DrillProgress, EnforcementPoint, HealTimer, PartitionStatus, PointOutcome, Result} from './types.js';
import {orderForCut, planDrill, resolvePoints, type PointPlan} from './plan.js';
import {executorFor} from './executors.js';
import {iptablesDriver, type PointDriver} from './iptables-point.js';
import {simDriver} from './sim-point.js';
import {pfDriver} from './pf-point.js';
import {controlOptions} from './ssh-control.js';
import {cancelHeal, scheduleArgv, scheduleHeal} from './deadman.js';
import {Journal, stateDirFrom, type JournalEntry} from './journal.js';
import {localIpv4Addresses, refusal} from './safety.js';
import {TimelineRecorder, reportMarkdown, type TimelineScope} from './timeline.js';
import {join} from 'node:path';
import {stat} from 'node:fs/promises';
import {newDrillId, validDrillId} from './validate.js';
import {PointLocks} from './point-lock.js';
import {errorLine} from '../text/error-line.js';

export const defaultTtlMs = 60_000;
/** Pumba caps its cleanup too: a drill is a short experiment, never a standing firewall. */
export const maxTtlMs = 60 * 60_000;

export interface DrillRunnerOptions {
	config: Config;
	/** Default: $XDG_STATE_HOME/labwatch (tests pass a temp dir). */
	stateDir?: string;
	env?: NodeJS.ProcessEnv;
	now?: () => number;
	/** Extra ssh options (identity file, port) for every ssh point. */
	sshExtra?: string[];
	/** This machine's IPv4 addresses (default: from os.networkInterfaces()). */
	localAddresses?: string[];
	/** Who acts, for the journal: "tui", "labwatch partition". */
	by?: string;
	/**
	 * While a cut of this runner is live, how often to look for a heal made elsewhere (`labwatch heal` from a
	 * shell, rules removed by hand): the journal each time, the points every fifth time. Default 1 s; 0: never.
	 */
	watchHealMs?: number;
	/** The demo homelab's drills: reports say so (and the TUI keeps them in demoStateDir()). */
	demo?: boolean;
	/** Share one ssh connection per ssh point (ControlMaster); default true. */
	shareSsh?: boolean;
	/** Tests: awaited before every command at a point (the timer's too), to stop a cut between any two steps. */
	beforeCommand?: (argv: string[]) => Promise<void>;
}

export interface DrillPlan {
	drillId: string;
	ttlMs: number;
	chain: string;
	points: PointPlan[];
	/** Per point (same order), the command that schedules the heal on the point itself. */
	timers: string[][];
}

export interface CutOptions {
	ttlMs?: number;
	force?: boolean;
	dryRun?: boolean;
}

export interface CutSummary {
	drillId: string;
	dryRun: boolean;
	plan: DrillPlan;
	outcomes: PointOutcome[];
	/** A refusal that --force overrode, or that a dry run would hit. */
	warning?: string;
}

export interface HealOptions {
	/** Inspect only: say what would be removed at each point, change nothing, write nothing. */
	dryRun?: boolean;
}

export interface HealSummary {
	drillIds: string[];
	outcomes: PointOutcome[];
	reportPath?: string;
	dryRun?: boolean;
	/** Dry run: per point, the rules found and the commands a heal would run. */
	wouldRemove?: Array<{point: string; found: string[]; commands: string[][]; error?: string}>;
}

type Listener = () => void;


export class DrillRunner {
	readonly journal: Journal;
	private readonly config: Config;
	private readonly now: () => number;
	private readonly env: NodeJS.ProcessEnv;
	private readonly options: DrillRunnerOptions;
	private readonly listeners = new Set<Listener>();
	private partition: PartitionStatus = {active: false, points: [], leftover: false};
	private progress: DrillProgress = {phase: 'idle', timeline: []};
	private pendingDrillId?: string;
	private liveDrillId?: string;
	private liveTtlMs?: number;
	private liveTimers = new Map<string, HealTimer>();
	private ttlTimer?: NodeJS.Timeout;
	private healWatch?: NodeJS.Timeout;
	private healWatchTicks = 0;
	/** The report's outcome line once healed: "healed", "healed by labwatch heal". */
	private healOutcome = 'healed';
	private journalSeen?: string;
	private recorder?: TimelineRecorder;
	private recorderTtlMs?: number;
	private busy = false;
	private disposed = false;
	private readonly locks: PointLocks;
	/** Problems that did not stop the drill (journal or report not written, a timer left alone), for the CLI. */
	private warnings: string[] = [];

	constructor(options: DrillRunnerOptions) {
		this.options = options;
		this.config = options.config;
		this.env = options.env ?? process.env;
		this.now = options.now ?? Date.now;
		this.journal = new Journal(options.stateDir ?? stateDirFrom(this.env));
		this.locks = new PointLocks(join(this.journal.dir, 'locks'));
	}

	/** The warnings since the last call, each one line. */
	drainWarnings(): string[] {
		return this.warnings.splice(0);
	}

	private warn(text: string): void {
		if (!this.warnings.includes(text)) this.warnings.push(text);
	}

	private async readJournal(): Promise<JournalEntry[]> {
		const entries = await this.journal.read();
		const problem = this.journal.readWarning();
		if (problem) this.warn(problem);
		return entries;
	}

	private async openCut(drillId: string): Promise<JournalEntry | undefined> {
		const cut = await this.journal.openCut(drillId).catch(() => undefined);
		const problem = this.journal.readWarning();
		if (problem) this.warn(problem);
		return cut;
	}

	/** Every point's lock, or a one-line reason another command holds one. A lock that cannot be written at all is warned about. */
	private async lock(labels: string[]): Promise<Result<() => Promise<void>>> {
		const taken = await this.locks.acquire(labels, this.options.by);
		if (taken.ok) return taken;
		if ('unavailable' in taken) {
			this.warn(`${taken.error}; drill commands at these points are not serialized`);
			return {ok: true, value: async () => undefined};
		}
		return taken;
	}

	get chain(): string {
		return this.config.drill.chain;
	}

	points(): Result<EnforcementPoint[]> {
		return resolvePoints(this.config);
	}

	private driver(point: EnforcementPoint): PointDriver {
		if (point.via === 'sim') return simDriver(point);
		const plain = executorFor(point, {sshExtra: this.sshExtraFor(point)});
		const hook = this.options.beforeCommand;
		const executor = !hook
			? plain
			: {
					...plain,
					run: async (args: string[], input?: string) => {
						await hook(plain.argv(args));
						return plain.run(args, input);
					},
				};
		return point.firewall === 'pf' ? pfDriver(point, executor) : iptablesDriver(point, this.chain, executor);
	}

	/** ssh options for a point: the caller's extras, plus one kept connection (see ssh-control.ts) unless turned off. */
	private sshExtraFor(point: EnforcementPoint): string[] {
		const extra = this.options.sshExtra ?? [];
		if (point.via !== 'ssh' || this.options.shareSsh === false) return extra;
		// The connection lives as long as a drill could need it: the longest TTL and a minute for the heal.
		const shared = controlOptions(this.journal.dir, point.destination!, extra, (this.liveTtlMs ?? this.config.drill.ttl ?? defaultTtlMs) / 1000 + 60);
		if (shared.problem) this.warn(shared.problem);
		return [...extra, ...(shared.options ?? [])];
	}

	private checkTtl(ttlMs: number | undefined): Result<number> {
		const value = ttlMs ?? this.config.drill.ttl ?? defaultTtlMs;
		if (!Number.isFinite(value) || value < 1000) return {ok: false, error: 'the TTL must be at least 1s'};
		if (value > maxTtlMs) return {ok: false, error: `the TTL must be at most ${maxTtlMs / 60_000}m`};
		return {ok: true, value};
	}

	/** The plan for a cut with this TTL; the drill id shown is the one the next cut uses. */
	plan(ttlMs?: number): Result<DrillPlan> {
		const ttl = this.checkTtl(ttlMs);
		if (!ttl.ok) return ttl;
		const points = this.points();
		if (!points.ok) return points;
		this.pendingDrillId ??= newDrillId(this.now());
		const drillId = this.pendingDrillId;
		const plans = planDrill(points.value, this.chain, drillId, ttl.value);
		const plan: DrillPlan = {
			drillId,
			ttlMs: ttl.value,
			chain: this.chain,
			points: plans,
			timers: plans.map(entry =>
				entry.point.via === 'sim' ? [] : scheduleArgv(entry.point, this.chain, drillId, ttl.value, this.options.sshExtra),
			),
		};
		if (!this.partition.active && this.progress.phase !== 'cutting' && this.progress.phase !== 'healing') {
			this.setProgress({
				phase: 'planned',
				plan: plans.map((entry, index) => ({
					point: entry.point.label,
					commands: [...entry.cut, ...(plan.timers[index]!.length > 0 ? [plan.timers[index]!] : [])],
				})),
			});
		}
		return {ok: true, value: plan};
	}

	private safety(points: EnforcementPoint[]): string | undefined {
		return refusal({
			points,
			sshConnection: this.env.SSH_CONNECTION,
			localAddresses: this.options.localAddresses ?? localIpv4Addresses(),
			// Every ssh, docker, local, sudo and netns point gets a heal scheduled on itself.
			healScheduledAt: new Set(points.filter(point => point.via !== 'sim').map(point => point.label)),
		});
	}

	async cut(options: CutOptions = {}): Promise<Result<CutSummary>> {
		if (this.busy) return {ok: false, error: 'a drill command is already running'};
		if (this.partition.active && this.liveDrillId) return {ok: false, error: `a cut is already live (drill ${this.liveDrillId}): heal it first`};
		// The drill id carries the time the cut is made, not the time its plan was first shown.
		if (!options.dryRun) this.pendingDrillId = undefined;
		const planned = this.plan(options.ttlMs);
		if (!planned.ok) return planned;
		const plan = planned.value;
		const points = plan.points.map(entry => entry.point);
		const refused = this.safety(points);
		if (options.dryRun) return {ok: true, value: {drillId: plan.drillId, dryRun: true, plan, outcomes: [], warning: refused}};
		if (refused && !options.force) {
			await this.safeAppend({type: 'refused', atMs: this.now(), drillId: plan.drillId, points: points.map(point => point.label), ok: false, error: refused, results: [], by: this.options.by, pid: process.pid});
			return {ok: false, error: refused};
		}
		this.busy = true;
		let unlock: (() => Promise<void>) | undefined;
		try {
			// Held across the cut, its verification and any rollback: a second drill at these points refuses.
			const locked = await this.lock(points.map(point => point.label));
			if (!locked.ok) return locked;
			unlock = locked.value;
			const live = await this.liveElsewhere(points);
			if (live) return {ok: false, error: live};
			return await this.applyCut(plan, refused);
		} catch (error) {
			this.setProgress({phase: 'failed', error: errorLine(error)});
			return {ok: false, error: errorLine(error)};
		} finally {
			await unlock?.();
			this.busy = false;
		}
	}

	/** A cut another process made that is still within its TTL: cutting over it would re-tag it under our TTL. */
	private async liveElsewhere(points: EnforcementPoint[]): Promise<string | undefined> {
		for (const point of points) {
			const found = await this.driver(point).inspect();
			if (!found.ok || !found.value.present) continue;
			for (const id of found.value.drillIds) {
				if (!validDrillId(id).ok) continue;
				const cut = await this.openCut(id);
				if (cut?.ttlMs !== undefined && cut.atMs + cut.ttlMs > this.now())
					return `refusing to cut: drill ${id} is live at ${point.label} until ${new Date(cut.atMs + cut.ttlMs).toTimeString().slice(0, 8)} (heal it first: labwatch heal)`;
			}
		}
		return undefined;
	}

	private async applyCut(plan: DrillPlan, warning: string | undefined): Promise<Result<CutSummary>> {
		const {drillId, ttlMs} = plan;
		this.pendingDrillId = undefined;
		const startMs = this.now();
		this.recorder = new TimelineRecorder(drillId, this.timelineScope(plan.points.map(entry => entry.point)));
		this.recorder.cutStarted(startMs);
		this.recorderTtlMs = ttlMs;
		this.setProgress({phase: 'cutting', timeline: [], error: undefined, reportPath: undefined});
		const outcomes: PointOutcome[] = [];
		const attempted: PointDriver[] = [];
		for (const entry of plan.points) {
			const driver = this.driver(entry.point);
			attempted.push(driver);
			const outcome = await driver.cut(drillId, ttlMs, () => this.scheduleTimer(entry.point, drillId, ttlMs));
			outcomes.push(outcome);
			if (outcome.timer) this.liveTimers.set(entry.point.label, outcome.timer);
			if (!outcome.ok) break;
			this.recorder.cutApplied(entry.point.label, this.now());
			this.setProgress({timeline: this.recorder.timeline()});
		}
		const failed = outcomes.find(outcome => !outcome.ok);
		const labels = plan.points.map(entry => entry.point.label);
		if (failed) {
			// Half a cut is worse than none: undo every point touched, the failing one included, in reverse.
			const undone: PointOutcome[] = [];
			for (const [index, driver] of [...attempted.entries()].reverse()) {
				const outcome = outcomes[index]!;
				if (outcome.ok || outcome.applied) undone.push(await driver.heal());
				const left = await cancelHeal(driver.point, this.liveTimers.get(driver.point.label), drillId, this.sshExtraFor(driver.point));
				if (left) this.warn(left);
			}
			this.liveTimers.clear();
			const rolledBack = undone.every(outcome => outcome.ok);
			const error = `cut failed at ${failed.point}: ${failed.error ?? 'unknown error'}${rolledBack ? '; rolled back' : `; ROLLBACK INCOMPLETE: ${undone.find(outcome => !outcome.ok)?.error} (run labwatch heal)`}`;
			await this.safeAppend({type: 'cut', atMs: startMs, drillId, ttlMs, points: labels, ok: false, error, results: outcomes, by: this.options.by, pid: process.pid});
			await this.safeAppend({type: 'rollback', atMs: this.now(), drillId, points: undone.map(outcome => outcome.point), ok: rolledBack, results: undone, by: this.options.by, pid: process.pid});
			this.recorder = undefined;
			this.setProgress({phase: 'failed', error});
			if (!rolledBack) this.setPartition({active: false, points: undone.filter(outcome => !outcome.ok).map(outcome => outcome.point), leftover: true});
			return {ok: false, error};
		}
		await this.safeAppend({type: 'cut', atMs: startMs, drillId, ttlMs, points: labels, ok: true, results: outcomes, by: this.options.by, pid: process.pid});
		this.liveDrillId = drillId;
		this.liveTtlMs = ttlMs;
		this.setPartition({active: true, drillId, sinceMs: startMs, ttlMs, points: labels, leftover: false});
		this.setProgress({phase: 'cut', timeline: this.recorder.timeline()});
		// The in-process timer heals first and writes the report; the timers on the points are the safety net.
		this.ttlTimer = setTimeout(() => void this.heal('ttl'), ttlMs);
		this.ttlTimer.unref();
		this.watchForHeal();
		return {ok: true, value: {drillId, dryRun: false, plan, outcomes, warning}};
	}

	private async scheduleTimer(point: EnforcementPoint, drillId: string, ttlMs: number): Promise<Result<HealTimer>> {
		if (point.via === 'sim') return {ok: true, value: {kind: 'in-process', dueMs: this.now() + ttlMs}};
		await this.options.beforeCommand?.(scheduleArgv(point, this.chain, drillId, ttlMs, this.sshExtraFor(point)));
		return scheduleHeal(point, this.chain, drillId, ttlMs, {sshExtra: this.sshExtraFor(point), nowMs: this.now()});
	}

	/** Heals every point: removes every labwatch rule found there, from this drill or any crashed one. */
	async heal(by: string = this.options.by ?? 'heal', options: HealOptions = {}): Promise<Result<HealSummary>> {
		if (this.busy) return {ok: false, error: 'a drill command is already running'};
		const points = this.points();
		if (!points.ok) return points;
		if (options.dryRun) return this.healDryRun(points.value);
		this.busy = true;
		let unlock: (() => Promise<void>) | undefined;
		try {
			// Held across the whole heal: a cut cannot go live between our look and our "clean".
			const locked = await this.lock(points.value.map(point => point.label));
			if (!locked.ok) return locked;
			unlock = locked.value;
			clearTimeout(this.ttlTimer);
			this.ttlTimer = undefined;
			this.stopWatchingForHeal();
			this.setProgress({phase: 'healing'});
			const drillIds = new Set<string>(this.liveDrillId ? [this.liveDrillId] : []);
			const outcomes: PointOutcome[] = [];
			// Reverse of the cut order: this machine's cuts go first, so remote points are reachable again.
			for (const point of orderForCut(points.value).reverse()) {
				const driver = this.driver(point);
				const found = await driver.inspect();
				if (found.ok) for (const id of found.value.drillIds) drillIds.add(id);
				outcomes.push(await driver.heal());
			}
			// Cuts made by another process (`labwatch partition`, a crashed TUI): read before the heal is journaled.
			const foreignCuts: JournalEntry[] = [];
			for (const id of drillIds) {
				if (this.recorder?.drillId === id || !validDrillId(id).ok) continue;
				const cut = await this.openCut(id);
				if (cut) foreignCuts.push(cut);
			}
			await this.cancelTimers(points.value, [...drillIds]);
			const ok = outcomes.every(outcome => outcome.ok);
			const atMs = this.now();
			const error = ok ? undefined : outcomes.filter(outcome => !outcome.ok).map(outcome => `${outcome.point}: ${outcome.error}`).join('; ');
			await this.safeAppend({
				type: 'heal',
				atMs,
				drillId: [...drillIds][0],
				points: outcomes.map(outcome => outcome.point),
				ok,
				error,
				results: outcomes,
				by,
				pid: process.pid,
			});
			for (const id of [...drillIds].slice(1)) await this.safeAppend({type: 'heal', atMs, drillId: id, points: [], ok, results: [], by, pid: process.pid});
			if (!ok) {
				this.setProgress({phase: 'failed', error: `heal incomplete: ${error}`});
				this.setPartition({...this.partition, leftover: !this.partition.active, points: outcomes.filter(outcome => !outcome.ok).map(outcome => outcome.point)});
				return {ok: false, error: `heal incomplete: ${error}`};
			}
			// The timeline and report belong to the drill this runner cut; healing a leftover does not touch them.
			const ownDrill = this.recorder !== undefined && drillIds.has(this.recorder.drillId);
			if (ownDrill) this.recorder!.healApplied(atMs);
			this.liveDrillId = undefined;
			this.liveTtlMs = undefined;
			this.setPartition({active: false, points: [], leftover: false});
			this.healOutcome = 'healed';
			let reportPath = ownDrill ? await this.writeReport(this.healedOutcome()) : undefined;
			for (const cut of foreignCuts) reportPath ??= await this.writeShellReport(cut, atMs);
			this.setProgress({phase: 'healed', timeline: this.recorder?.timeline() ?? [], reportPath});
			return {ok: true, value: {drillIds: [...drillIds], outcomes, reportPath}};
		} catch (error) {
			this.setProgress({phase: 'failed', error: errorLine(error)});
			return {ok: false, error: errorLine(error)};
		} finally {
			await unlock?.();
			this.busy = false;
		}
	}

	/** What a heal would remove at each point, from a listing only: no command that changes anything, no file written. */
	private async healDryRun(points: EnforcementPoint[]): Promise<Result<HealSummary>> {
		const wouldRemove: NonNullable<HealSummary['wouldRemove']> = [];
		const drillIds = new Set<string>();
		for (const point of orderForCut(points).reverse()) {
			const preview = await this.driver(point).preview();
			if (!preview.ok) {
				wouldRemove.push({point: point.label, found: [], commands: [], error: preview.error});
				continue;
			}
			for (const id of preview.value.drillIds) drillIds.add(id);
			wouldRemove.push({point: point.label, found: preview.value.found, commands: preview.value.commands});
		}
		return {ok: true, value: {drillIds: [...drillIds], outcomes: [], dryRun: true, wouldRemove}};
	}

	private watchForHeal(): void {
		const every = this.options.watchHealMs ?? 1000;
		if (every <= 0 || this.disposed) return;
		this.stopWatchingForHeal();
		this.healWatchTicks = 0;
		this.healWatch = setInterval(() => void this.checkExternalHeal().catch(() => undefined), every);
		this.healWatch.unref();
	}

	private stopWatchingForHeal(): void {
		clearInterval(this.healWatch);
		this.healWatch = undefined;
	}

	/**
	 * Has the live cut been healed by someone else? A heal journaled by another process gives the real time; a
	 * point that no longer carries the drill (rules removed by hand) gives "now". Either stops the timing at once.
	 */
	async checkExternalHeal(): Promise<boolean> {
		const drillId = this.liveDrillId;
		const since = this.partition.sinceMs ?? 0;
		if (!drillId || this.busy) return false;
		this.healWatchTicks += 1;
		let healedAt: number | undefined;
		let by = 'by hand';
		const stamp = await stat(this.journal.path).then(info => `${info.size}:${info.mtimeMs}`, () => undefined);
		if (stamp !== undefined && stamp !== this.journalSeen) {
			this.journalSeen = stamp;
			const heal = (await this.readJournal()).find(entry => entry.type === 'heal' && entry.ok && entry.drillId === drillId && entry.atMs >= since);
			if (heal) {
				healedAt = heal.atMs;
				by = heal.by ?? 'another labwatch';
			}
		}
		if (healedAt === undefined && this.healWatchTicks % 5 === 0) {
			const points = this.points();
			if (!points.ok) return false;
			const labels = new Set(this.partition.points);
			let carries = false;
			for (const point of points.value.filter(entry => labels.has(entry.label))) {
				const found = await this.driver(point).inspect();
				if (!found.ok || found.value.drillIds.includes(drillId)) carries = true;
			}
			if (!carries) healedAt = this.now();
		}
		if (healedAt === undefined || this.liveDrillId !== drillId || this.busy) return false;
		this.healedElsewhere(drillId, healedAt, by);
		return true;
	}

	private healedElsewhere(drillId: string, atMs: number, by: string): void {
		clearTimeout(this.ttlTimer);
		this.ttlTimer = undefined;
		this.stopWatchingForHeal();
		// Whoever healed also cancelled the timers on the points (or they fire harmlessly: the chain is gone).
		this.liveTimers.clear();
		this.liveDrillId = undefined;
		this.liveTtlMs = undefined;
		const own = this.recorder?.drillId === drillId;
		if (own) this.recorder!.healApplied(atMs);
		this.setPartition({active: false, points: [], leftover: false});
		this.setProgress({phase: 'healed', timeline: this.recorder?.timeline() ?? []});
		if (own) {
			this.healOutcome = `healed by ${by}`;
			void this.writeReport(this.healedOutcome()).then(reportPath => {
				if (reportPath) this.setProgress({reportPath});
			});
		}
	}

	private async cancelTimers(points: EnforcementPoint[], drillIds: string[]): Promise<void> {
		const byLabel = new Map(points.map(point => [point.label, point]));
		const timers: Array<[EnforcementPoint, HealTimer, string]> = [];
		for (const [label, timer] of this.liveTimers) {
			const point = byLabel.get(label);
			if (point && this.liveDrillId) timers.push([point, timer, this.liveDrillId]);
		}
		// Timers of crashed runs, from the journal.
		const entries = await this.readJournal();
		for (const entry of entries) {
			if (entry.type !== 'cut' || !entry.drillId || !drillIds.includes(entry.drillId)) continue;
			for (const result of entry.results) {
				const point = byLabel.get(result.point);
				if (point && result.timer && (result.timer.dueMs ?? 0) > this.now()) timers.push([point, result.timer, entry.drillId]);
			}
		}
		for (const [point, timer, drillId] of timers) {
			const left = await cancelHeal(point, timer, drillId, this.sshExtraFor(point));
			if (left) this.warn(left);
		}
		this.liveTimers.clear();
	}

	/** Looks for our chain at every point: a live cut (from the journal) or a leftover nobody here made. */
	async inspect(): Promise<Result<PartitionStatus>> {
		const points = this.points();
		if (!points.ok) return points;
		const found: string[] = [];
		const ids = new Set<string>();
		const unreachable: string[] = [];
		for (const point of points.value) {
			const state = await this.driver(point).inspect();
			if (!state.ok) {
				unreachable.push(`${point.label}: ${state.error}`);
				continue;
			}
			if (!state.value.present) continue;
			found.push(point.label);
			for (const id of state.value.drillIds) ids.add(id);
		}
		let status: PartitionStatus = {active: false, points: [], leftover: false};
		if (found.length > 0) {
			const id = [...ids][0];
			const cut = id && validDrillId(id).ok ? await this.openCut(id) : undefined;
			const live = cut !== undefined && cut.ttlMs !== undefined && cut.atMs + cut.ttlMs + 5000 > this.now();
			status = live
				? {active: true, drillId: id, sinceMs: cut.atMs, ttlMs: cut.ttlMs, points: found, leftover: false}
				: {active: false, drillId: id, points: found, leftover: true};
			if (live && !this.liveDrillId) {
				this.liveDrillId = id;
				this.liveTtlMs = cut.ttlMs;
			}
		}
		this.setPartition(status);
		if (unreachable.length > 0 && found.length === 0) return {ok: false, error: `cannot inspect ${unreachable.join('; ')}`};
		return {ok: true, value: status};
	}

	status(): {partition: PartitionStatus; progress: DrillProgress} {
		return {partition: {...this.partition}, progress: {...this.progress, timeline: [...this.progress.timeline]}};
	}

	onChange(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Whether a drill's timeline is still waiting for signals: only then is observe() worth a snapshot. */
	get observing(): boolean {
		return this.recorder !== undefined && !this.recorder.complete;
	}

	/** Feed every LabSnapshot: the timeline marks when each signal changed. */
	observe(snapshot: LabSnapshot): void {
		const recorder = this.recorder;
		if (!recorder || !recorder.observe(snapshot)) return;
		this.setProgress({timeline: recorder.timeline()});
		// Recovery marks arrive after the heal: keep the report current (atomic rewrite, cheap).
		if (this.progress.phase === 'healed') void this.writeReport(this.healedOutcome()).catch(() => undefined);
	}

	/** Stops the in-process timer. Cuts stay until their TTL: the timers on the points heal them. */
	dispose(): void {
		this.disposed = true;
		clearTimeout(this.ttlTimer);
		this.stopWatchingForHeal();
		this.listeners.clear();
	}

	private timelineScope(points: EnforcementPoint[]): TimelineScope {
		const dropped = new Set(points.flatMap(point => point.peers));
		const cutHosts = new Set(Object.entries(this.config.hosts).filter(([, host]) => dropped.has(host.address)).map(([name]) => name));
		const clusters = Object.entries(this.config.clusters);
		const cutClusters = clusters.filter(([, cluster]) => cutHosts.has(cluster.host)).map(([name]) => name);
		const otherClusters = clusters.filter(([, cluster]) => !cutHosts.has(cluster.host)).map(([name]) => name);
		const jobs = this.config.prometheus?.jobs ?? {};
		return {
			cutClusters,
			otherClusters,
			targetJobs: cutClusters.map(name => jobs[name]).filter((job): job is string => job !== undefined),
			probes: this.config.probes,
		};
	}

	/**
	 * A drill cut from the shell had nobody watching: its report holds what the journal knows (where, when
	 * cut, when healed) and says so, so `labwatch drills` still lists it.
	 */
	private async writeShellReport(cut: JournalEntry, healAtMs: number): Promise<string | undefined> {
		const drillId = cut.drillId!;
		const recorder = new TimelineRecorder(drillId, {cutClusters: [], otherClusters: [], targetJobs: []});
		recorder.cutStarted(cut.atMs);
		for (const point of cut.points) recorder.cutApplied(point, cut.atMs);
		recorder.healApplied(healAtMs);
		const report = recorder.report();
		const outcome = 'healed; signals not timed (cut from the shell: run the drill from the TUI, key p, to time them)';
		const context = {points: cut.points, ttlMs: cut.ttlMs, outcome, ...(this.options.demo ? {demo: true} : {})};
		try {
			return await this.journal.writeReport(drillId, {...report, ...context}, reportMarkdown(report, context));
		} catch (error) {
			this.warn(`report not written: ${this.journal.reportPath(drillId, 'json')}: ${errorLine(error)}`);
			return undefined;
		}
	}

	private healedOutcome(): string {
		return this.recorder?.complete ? `${this.healOutcome}, recovered` : this.healOutcome;
	}

	private async writeReport(outcome: string): Promise<string | undefined> {
		const recorder = this.recorder;
		if (!recorder) return undefined;
		const report = recorder.report();
		const points = this.progress.plan?.map(entry => entry.point) ?? [];
		const context = {points, ttlMs: this.recorderTtlMs, outcome, ...(this.options.demo ? {demo: true} : {})};
		try {
			return await this.journal.writeReport(recorder.drillId, {...report, ...context}, reportMarkdown(report, context));
		} catch (error) {
			this.warn(`report not written: ${this.journal.reportPath(recorder.drillId, 'json')}: ${errorLine(error)}`);
			return undefined;
		}
	}

	private async safeAppend(entry: JournalEntry): Promise<void> {
		const text = await this.journal.tryAppend(entry);
		if (!text) return;
		this.warn(text);
		this.setProgress({error: text});
	}

	private setPartition(partition: PartitionStatus): void {
		this.partition = partition;
		this.emit();
	}

	private setProgress(change: Partial<DrillProgress>): void {
		this.progress = {...this.progress, ...change, timeline: change.timeline ?? this.progress.timeline};
		this.emit();
	}

	private emit(): void {
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
