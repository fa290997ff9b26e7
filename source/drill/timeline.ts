// The drill timeline: fed successive LabSnapshots, it records when each signal changed after the cut (detection)
// and after the heal (recovery). No timers: it only reacts to observe(), so synthetic snapshots test it fully.
import type {LabSnapshot} from '../store/types.js';
import type {TimelineMark} from './types.js';
import type {ProbeTargetConfig} from '../config/schema.js';
import {probeSignals} from '../probes/timeline-signals.js';

/** The homelab's goal: a partition is detected within 3 s (and a cluster is live again within 3 s of the heal). */
export const detectGoalMs = 3000;
export const recoverGoalMs = 3000;

export interface TimelineScope {
	/** Clusters whose host the cut isolates (their API turns unreachable from here). */
	cutClusters: string[];
	/** Clusters whose Submariner gateway should report the connection to a cut cluster as error. */
	otherClusters: string[];
	/** Prometheus jobs scraping the cut side; empty: any target that goes down counts. */
	targetJobs: string[];
	/** The configured probes: each one's failure and recovery, and a failover probe's shares, are signals. */
	probes?: ProbeTargetConfig[];
}

/** The drill's moments so far, for signals that must tell a failure the cut caused from an older one. */
export interface DrillTimes {
	cutAtMs: number;
	healAtMs?: number;
}

type Probe = (snapshot: LabSnapshot, times: DrillTimes) => boolean | undefined;

export interface Signal {
	detect: string;
	recover: string;
	/** True while the failure shows; undefined when the snapshot cannot tell. */
	failing: Probe;
	/** Whether recovery is held to recoverGoalMs. */
	recoverGoal: boolean;
	/** When the change happened, if the snapshot knows better than its own time (a share window's first answer). */
	detectAt?: (snapshot: LabSnapshot) => number | undefined;
	recoverAt?: (snapshot: LabSnapshot) => number | undefined;
	/** Further marks after the recovery, each timed from the heal once reached (the failover's return steps). */
	steps?: Array<{recover: string; reached: (snapshot: LabSnapshot) => boolean; at?: (snapshot: LabSnapshot) => number | undefined}>;
}

export interface SignalReport {
	signal: string;
	recovery: string;
	detectMs?: number;
	recoverMs?: number;
	detectOk?: boolean;
	recoverOk?: boolean;
}

export interface TimelineReport {
	drillId: string;
	cutAtMs?: number;
	healAtMs?: number;
	goalDetectMs: number;
	goalRecoverMs: number;
	marks: TimelineMark[];
	signals: SignalReport[];
}

function signalsFor(scope: TimelineScope): Signal[] {
	const signals: Signal[] = [];
	for (const cluster of scope.cutClusters) {
		signals.push({
			detect: `${cluster} unreachable`,
			recover: `${cluster} live`,
			recoverGoal: true,
			failing: snapshot => {
				const found = snapshot.clusters.find(entry => entry.name === cluster);
				if (!found) return undefined;
				if (found.connection.phase === 'unreachable') return true;
				if (found.connection.phase === 'live') return false;
				return undefined;
			},
		});
	}
	for (const cluster of scope.otherClusters) {
		signals.push({
			detect: `${cluster} gateway connection error`,
			recover: `${cluster} connection connected`,
			recoverGoal: false,
			failing: snapshot => {
				const found = snapshot.clusters.find(entry => entry.name === cluster);
				const connections = (found?.gateways ?? [])
					.flatMap(gateway => gateway.connections)
					.filter(connection => scope.cutClusters.length === 0 || scope.cutClusters.includes(connection.remoteCluster));
				if (connections.length === 0) return undefined;
				if (connections.some(connection => connection.status === 'error')) return true;
				if (connections.every(connection => connection.status === 'connected')) return false;
				return undefined;
			},
		});
	}
	signals.push({
		detect: 'prometheus target down',
		recover: 'target up',
		recoverGoal: false,
		failing: snapshot => {
			const targets = snapshot.prometheus?.targets;
			if (!targets || targets.length === 0) return undefined;
			const relevant = scope.targetJobs.length > 0 ? targets.filter(target => scope.targetJobs.includes(target.job)) : targets;
			if (relevant.length === 0) return undefined;
			return relevant.some(target => !target.up);
		},
	});
	signals.push(...probeSignals(scope.probes ?? []));
	return signals;
}

export class TimelineRecorder {
	private readonly signals: Signal[];
	private readonly marks: TimelineMark[] = [];
	private readonly detected = new Map<string, number>();
	private readonly recovered = new Map<string, number>();
	/** Signals seen failing and then fine again before the heal was known (a heal noticed late), since when. */
	private readonly fineSince = new Map<string, number>();
	private cutAtMs?: number;
	private healAtMs?: number;

	constructor(
		readonly drillId: string,
		scope: TimelineScope,
	) {
		this.signals = signalsFor(scope);
	}

	/** The moment the first point was cut: detection times count from here. */
	cutStarted(atMs: number): void {
		this.cutAtMs ??= atMs;
	}

	cutApplied(point: string, atMs: number): void {
		this.cutStarted(atMs);
		this.push(`cut applied ${point}`, atMs, this.cutAtMs!);
	}

	healApplied(atMs: number): void {
		if (this.healAtMs !== undefined || this.cutAtMs === undefined) return;
		this.healAtMs = atMs;
		this.push('heal applied', atMs, this.cutAtMs);
		// Recoveries seen between the real heal and the moment it was known count from the real heal.
		for (const signal of this.signals) {
			const since = this.fineSince.get(signal.detect);
			if (since === undefined || since < atMs || this.recovered.has(signal.recover)) continue;
			this.recovered.set(signal.recover, since);
			this.push(signal.recover, since, atMs);
		}
	}

	observe(snapshot: LabSnapshot): boolean {
		if (this.cutAtMs === undefined) return false;
		const before = this.marks.length;
		const times: DrillTimes = {cutAtMs: this.cutAtMs, ...(this.healAtMs !== undefined ? {healAtMs: this.healAtMs} : {})};
		for (const signal of this.signals) {
			const failing = signal.failing(snapshot, times);
			if (failing === true && !this.detected.has(signal.detect) && this.healAtMs === undefined) {
				const atMs = Math.max(this.cutAtMs, Math.min(snapshot.atMs, signal.detectAt?.(snapshot) ?? snapshot.atMs));
				this.detected.set(signal.detect, atMs);
				this.push(signal.detect, atMs, this.cutAtMs);
			}
			if (failing === true) this.fineSince.delete(signal.detect);
			else if (failing === false && this.healAtMs === undefined && this.detected.has(signal.detect) && !this.fineSince.has(signal.detect))
				this.fineSince.set(signal.detect, snapshot.atMs);
			// Recovery counts only after the heal, and only for a signal that was seen failing.
			if (failing === false && this.healAtMs !== undefined && this.detected.has(signal.detect) && !this.recovered.has(signal.recover)) {
				const atMs = Math.max(this.healAtMs, Math.min(snapshot.atMs, signal.recoverAt?.(snapshot) ?? snapshot.atMs));
				this.recovered.set(signal.recover, atMs);
				this.push(signal.recover, atMs, this.healAtMs);
			}
			if (this.healAtMs === undefined || !this.detected.has(signal.detect)) continue;
			for (const step of signal.steps ?? []) {
				if (this.recovered.has(step.recover) || !step.reached(snapshot)) continue;
				const atMs = Math.max(this.healAtMs, Math.min(snapshot.atMs, step.at?.(snapshot) ?? snapshot.atMs));
				this.recovered.set(step.recover, atMs);
				this.push(step.recover, atMs, this.healAtMs);
			}
		}
		return this.marks.length !== before;
	}

	/** True once every signal seen failing has recovered after the heal. */
	get complete(): boolean {
		return (
			this.healAtMs !== undefined &&
			[...this.detected.keys()].every(detect => {
				const signal = this.signals.find(entry => entry.detect === detect)!;
				return this.recovered.has(signal.recover) && (signal.steps ?? []).every(step => this.recovered.has(step.recover));
			})
		);
	}

	timeline(): TimelineMark[] {
		// In time order: a share window's mark is timed at its first answer, before marks pushed earlier.
		return [...this.marks].sort((a, b) => a.atMs - b.atMs);
	}

	report(): TimelineReport {
		return {
			drillId: this.drillId,
			cutAtMs: this.cutAtMs,
			healAtMs: this.healAtMs,
			goalDetectMs: detectGoalMs,
			goalRecoverMs: recoverGoalMs,
			marks: this.timeline(),
			signals: this.signals.flatMap(signal => {
				const detectAt = this.detected.get(signal.detect);
				const recoverAt = this.recovered.get(signal.recover);
				const detectMs = detectAt !== undefined && this.cutAtMs !== undefined ? detectAt - this.cutAtMs : undefined;
				const recoverMs = recoverAt !== undefined && this.healAtMs !== undefined ? recoverAt - this.healAtMs : undefined;
				const since = (atMs: number | undefined) => (atMs !== undefined && this.healAtMs !== undefined ? atMs - this.healAtMs : undefined);
				return [
					{
						signal: signal.detect,
						recovery: signal.recover,
						detectMs,
						recoverMs,
						detectOk: detectMs === undefined ? undefined : detectMs <= detectGoalMs,
						recoverOk: recoverMs === undefined || !signal.recoverGoal ? undefined : recoverMs <= recoverGoalMs,
					},
					// A step of the same signal's return: a row with its recovery only.
					...(signal.steps ?? []).map(step => ({signal: '', recovery: step.recover, recoverMs: since(this.recovered.get(step.recover))})),
				];
			}),
		};
	}

	private push(signal: string, atMs: number, fromMs: number): void {
		this.marks.push({signal, atMs, afterMs: Math.max(0, atMs - fromMs)});
	}
}

function seconds(ms: number | undefined): string {
	return ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;
}

function verdict(ok: boolean | undefined, ms: number | undefined, what = 'x'): string {
	if (!what) return '';
	if (ms === undefined) return 'not seen';
	if (ok === undefined) return '';
	return ok ? 'ok' : 'over goal';
}

export function reportMarkdown(report: TimelineReport, extra: {points: string[]; ttlMs?: number; outcome: string; demo?: boolean}): string {
	const iso = (ms: number | undefined): string => (ms === undefined ? '—' : new Date(ms).toISOString());
	const lines = [
		`# Partition drill ${report.drillId}${extra.demo ? ' (demo: simulated homelab)' : ''}`,
		'',
		`- Points: ${extra.points.join(', ') || '—'}`,
		`- Cut: ${iso(report.cutAtMs)}`,
		`- Heal: ${iso(report.healAtMs)}`,
		...(extra.ttlMs !== undefined ? [`- TTL: ${Math.round(extra.ttlMs / 1000)} s`] : []),
		`- Outcome: ${extra.outcome}`,
		'',
		`| signal | time to detect | goal ≤ ${report.goalDetectMs / 1000} s | recovery | time to recover | goal |`,
		'|---|---|---|---|---|---|',
		...report.signals.map(
			signal =>
				`| ${signal.signal} | ${signal.signal ? seconds(signal.detectMs) : ''} | ${verdict(signal.detectOk, signal.detectMs, signal.signal)} | ${signal.recovery} | ${seconds(signal.recoverMs)} | ${verdict(signal.recoverOk, signal.recoverMs)} |`,
		),
		'',
		'## Timeline',
		'',
		...report.marks.map(mark => `- +${(mark.afterMs / 1000).toFixed(1)} s ${mark.signal} (${iso(mark.atMs)})`),
		'',
	];
	return lines.join('\n');
}
