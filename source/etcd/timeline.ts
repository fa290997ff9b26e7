// The etcd drill's timeline: fed successive etcd statuses (and the lab's snapshots, for the Kubernetes APIs
// beside it), it records when the leader went, when a new one was elected, when quorum went and came back,
// and when reads failed and worked again. No timers: it only reacts to what it is fed, so tests can feed it.
import type {LabSnapshot} from '../store/types.js';
import type {TimelineMark} from '../drill/types.js';
import type {EtcdStatus} from './types.js';

/** The homelab's goal: a new leader within 2–3 s of the old one going. */
export const electionGoalMs = 3000;

export interface EtcdSignalReport {
	signal: string;
	/** From the stop (or the heal) it follows. */
	afterMs?: number;
	goalMs?: number;
	ok?: boolean;
}

export interface EtcdTimelineReport {
	kind: 'etcd';
	drillId: string;
	/** The first stop: what every detection time counts from (the report's "cut"). */
	cutAtMs?: number;
	healAtMs?: number;
	stopped: Array<{member: string; role: string; atMs: number}>;
	goalElectionMs: number;
	marks: TimelineMark[];
	/** Summary lines: election time, quorum lost and regained, reads back, per API. */
	signals: EtcdSignalReport[];
}

interface Flip {
	/** Failing now? undefined: cannot tell from this status. */
	failing: (status: EtcdStatus, lab?: LabSnapshot) => boolean | undefined;
	/** When what `failing` reads was true: the read's own time, the API's phase change (default: the poll). */
	at?: (status: EtcdStatus, lab?: LabSnapshot) => number | undefined;
	down: string;
	up: string;
}

export class EtcdTimeline {
	private readonly marks: TimelineMark[] = [];
	private readonly stops: Array<{member: string; role: string; atMs: number; leaderBefore?: string}> = [];
	private readonly flips: Flip[];
	private readonly state = new Map<string, boolean>();
	private readonly seenDown = new Set<string>();
	private waitingForLeader?: {from: string; stopAtMs: number};
	private lostLeaderAtMs?: number;
	private cutAtMs?: number;
	private healAtMs?: number;
	private recoveredAtMs?: number;
	/** The leader in the last status observed (undefined: none). */
	private lastLeader?: string;

	constructor(
		readonly drillId: string,
		clusters: string[] = [],
	) {
		this.flips = [
			{down: 'quorum lost', up: 'quorum regained', failing: status => (status.polled ? !status.quorum : undefined)},
			{down: 'etcd reads fail', up: 'etcd reads work', failing: status => (status.readable === undefined ? undefined : !status.readable), at: status => status.readAtMs},
			...clusters.map(
				(cluster): Flip => ({
					down: `${cluster} API unreachable`,
					up: `${cluster} API live`,
					failing: (_status, lab) => {
						const phase = lab?.clusters.find(entry => entry.name === cluster)?.connection.phase;
						return phase === 'unreachable' ? true : phase === 'live' ? false : undefined;
					},
					at: (_status, lab) => lab?.clusters.find(entry => entry.name === cluster)?.connection.sinceMs,
				}),
			),
		];
	}

	get firstStopMs(): number | undefined {
		return this.cutAtMs;
	}

	/** The last status before the first stop: what "failing" starts from (an API already down is not news). */
	baseline(status: EtcdStatus | undefined, lab?: LabSnapshot): void {
		if (!status || this.cutAtMs !== undefined) return;
		for (const flip of this.flips) {
			const failing = flip.failing(status, lab);
			if (failing !== undefined) this.state.set(flip.down, failing);
		}
	}

	stopApplied(member: string, role: string, atMs: number, leaderBefore: string | undefined): void {
		this.cutAtMs ??= atMs;
		this.stops.push({member, role, atMs, leaderBefore});
		this.push(`stopped ${member} (${role})`, atMs, this.cutAtMs);
		// Stopping the leader starts the clock on an election.
		if (leaderBefore === member) {
			this.waitingForLeader = {from: member, stopAtMs: atMs};
			this.lostLeaderAtMs = undefined;
		}
	}

	healApplied(atMs: number, started: string[]): void {
		if (this.cutAtMs === undefined || this.healAtMs !== undefined) return;
		this.healAtMs = atMs;
		// An election still awaited is now the heal's: it is recorded as the leader coming back.
		this.waitingForLeader = undefined;
		this.push(`started ${started.join(', ') || 'nothing'}`, atMs, this.cutAtMs);
	}

	observe(status: EtcdStatus, lab?: LabSnapshot): boolean {
		if (this.cutAtMs === undefined) return false;
		const before = this.marks.length;
		const atMs = status.atMs;
		const from = this.healAtMs ?? this.cutAtMs;
		for (const member of status.members) {
			if (!member.up && !this.seenDown.has(member.name) && this.healAtMs === undefined && this.stops.some(stop => stop.member === member.name)) {
				this.seenDown.add(member.name);
				this.push(`${member.name} down`, atMs, this.cutAtMs);
			}
		}
		if (this.waitingForLeader) {
			if (status.leader === undefined && this.lostLeaderAtMs === undefined && status.up > 0) {
				this.lostLeaderAtMs = atMs;
				this.push('leader lost', atMs, this.waitingForLeader.stopAtMs);
			} else if (status.leader !== undefined && status.leader !== this.waitingForLeader.from) {
				this.push(`new leader ${status.leader} (term ${status.members.find(member => member.name === status.leader)?.term ?? '?'})`, atMs, this.waitingForLeader.stopAtMs);
				this.waitingForLeader = undefined;
			}
		} else if (this.healAtMs !== undefined && this.lastLeader === undefined && status.leader !== undefined) {
			this.push(`leader ${status.leader} elected after the heal`, atMs, this.healAtMs);
		}
		if (this.healAtMs !== undefined && this.recoveredAtMs === undefined && status.up === status.total && status.leader !== undefined) {
			this.recoveredAtMs = atMs;
			this.push(`all ${status.total} members up, leader ${status.leader}`, atMs, this.healAtMs);
		}
		if (status.polled) this.lastLeader = status.leader;
		for (const flip of this.flips) {
			const failing = flip.failing(status, lab);
			if (failing === undefined) continue;
			const was = this.state.get(flip.down) ?? false;
			if (failing !== was) {
				this.state.set(flip.down, failing);
				// Never before the stop it follows: a phase that began earlier is seen changed only now.
				const when = Math.max(flip.at?.(status, lab) ?? atMs, failing || this.healAtMs === undefined ? this.cutAtMs : from);
				this.push(failing ? flip.down : flip.up, when, failing || this.healAtMs === undefined ? this.cutAtMs : from);
			}
		}
		return this.marks.length !== before;
	}

	/** Healed, all members back with a leader, and nothing still failing. */
	get complete(): boolean {
		return this.healAtMs !== undefined && this.recoveredAtMs !== undefined && [...this.state.values()].every(failing => !failing);
	}

	/** In the order things happened (a late read's mark may be pushed after a later poll's). */
	timeline(): TimelineMark[] {
		return [...this.marks].sort((a, b) => a.atMs - b.atMs);
	}

	report(): EtcdTimelineReport {
		const marks = this.timeline();
		const find = (prefix: string) => marks.find(mark => mark.signal.startsWith(prefix));
		const signals: EtcdSignalReport[] = [];
		const leaderStop = this.stops.find(stop => stop.leaderBefore === stop.member);
		if (leaderStop) {
			const elected = find('new leader');
			const electedMs = elected ? elected.atMs - leaderStop.atMs : undefined;
			signals.push({signal: elected ? `${elected.signal.replace(/ \(term.*$/, '')} elected after the leader ${leaderStop.member} stopped` : `no new leader after ${leaderStop.member} stopped`, afterMs: electedMs, goalMs: electionGoalMs, ok: electedMs === undefined ? undefined : electedMs <= electionGoalMs});
		}
		for (const prefix of ['leader lost', 'quorum lost', 'etcd reads fail']) {
			const mark = find(prefix);
			if (mark) signals.push({signal: prefix, afterMs: mark.atMs - this.cutAtMs!});
		}
		for (const mark of marks.filter(entry => entry.signal.endsWith('API unreachable'))) signals.push({signal: mark.signal, afterMs: mark.atMs - this.cutAtMs!});
		if (this.healAtMs !== undefined) {
			for (const mark of marks.filter(entry => entry.atMs >= this.healAtMs! && (entry.signal === 'quorum regained' || entry.signal === 'etcd reads work' || entry.signal.endsWith('API live') || entry.signal.startsWith('all ') || entry.signal.endsWith('elected after the heal')))) {
				signals.push({signal: mark.signal.endsWith('after the heal') ? mark.signal : `${mark.signal} after the heal`, afterMs: mark.atMs - this.healAtMs});
			}
		}
		return {
			kind: 'etcd',
			drillId: this.drillId,
			cutAtMs: this.cutAtMs,
			healAtMs: this.healAtMs,
			stopped: this.stops.map(({member, role, atMs}) => ({member, role, atMs})),
			goalElectionMs: electionGoalMs,
			marks: this.timeline(),
			signals,
		};
	}

	private push(signal: string, atMs: number, fromMs: number): void {
		this.marks.push({signal, atMs, afterMs: Math.max(0, atMs - fromMs)});
	}
}

function seconds(ms: number | undefined): string {
	return ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;
}

export function etcdReportMarkdown(report: EtcdTimelineReport, extra: {members: string[]; ttlMs?: number; outcome: string}): string {
	const iso = (ms: number | undefined): string => (ms === undefined ? '—' : new Date(ms).toISOString());
	const first = report.cutAtMs;
	return [
		`# etcd drill ${report.drillId}`,
		'',
		`- Members: ${extra.members.join(', ') || '—'}`,
		...report.stopped.map(stop => `- Stopped ${stop.member} (${stop.role}): ${iso(stop.atMs)}`),
		`- Heal (start): ${iso(report.healAtMs)}`,
		...(extra.ttlMs !== undefined ? [`- TTL: ${Math.round(extra.ttlMs / 1000)} s`] : []),
		`- Outcome: ${extra.outcome}`,
		'',
		`| signal | after | goal |`,
		'|---|---|---|',
		...report.signals.map(signal => `| ${signal.signal} | ${seconds(signal.afterMs)} | ${signal.goalMs === undefined ? '' : `≤ ${signal.goalMs / 1000} s: ${signal.ok === undefined ? 'not seen' : signal.ok ? 'ok' : 'over goal'}`} |`),
		'',
		'## Timeline',
		'',
		...report.marks.map(mark => `- +${(((mark.atMs - (first ?? mark.atMs)) / 1000)).toFixed(1)} s ${mark.signal} (${iso(mark.atMs)})`),
		'',
	].join('\n');
}
