// Polls every configured etcd member on an interval (faster while a drill is live, so the timeline's times
// are that fine), and hands the cluster's status to a listener (the store). A poll never overlaps the last.
import type {EtcdConfig} from '../config/schema.js';
import type {EtcdMemberState, EtcdStatus} from './types.js';
import {readMember, readWorks, tlsFiles, type TlsFiles} from './read.js';
import {etcdStatusFrom, etcdVerdict} from './verdict.js';

/** While a drill is live the members are read this often: the timeline's resolution. */
export const drillPollMs = 200;

export interface EtcdPollerOptions {
	config: EtcdConfig;
	onChange: (status: EtcdStatus) => void;
	now?: () => number;
	/** Members stopped by a live drill, marked in the status. */
	stopped?: () => readonly string[];
	/** Whether to poll at drill speed now. */
	fast?: () => boolean;
}

export class EtcdPoller {
	private timer?: NodeJS.Timeout;
	private running = false;
	private stoppedPolling = true;
	private last?: EtcdStatus;
	private lastRead?: {ok: boolean; error?: string; atMs: number};
	private readonly tls?: TlsFiles;
	private readonly now: () => number;

	constructor(private readonly options: EtcdPollerOptions) {
		this.now = options.now ?? Date.now;
		this.tls = tlsFiles(options.config.tls);
	}

	get status(): EtcdStatus | undefined {
		return this.last;
	}

	start(): void {
		if (!this.stoppedPolling) return;
		this.stoppedPolling = false;
		void this.loop();
	}

	stop(): void {
		this.stoppedPolling = true;
		clearTimeout(this.timer);
	}

	/** Poll now (a drill just stopped a member): the next look comes at once, not after the interval. */
	kick(): void {
		if (this.stoppedPolling || this.running) return;
		clearTimeout(this.timer);
		void this.loop();
	}

	/** Every member once, concurrently, each within timeoutMs. */
	async pollOnce(timeoutMs: number = this.options.config.timeout): Promise<EtcdStatus> {
		const stopped = new Set(this.options.stopped?.() ?? []);
		const members: EtcdMemberState[] = await Promise.all(
			this.options.config.members.map(async member => ({...(await readMember(member, {timeoutMs, tls: this.tls, nowMs: this.now})), ...(stopped.has(member.name) ? {stopped: true} : {})})),
		);
		// The members' facts go out at once: a read that times out (no quorum) must not hold them back.
		const status = this.withRead(etcdStatusFrom(members, this.now()));
		this.last = status;
		this.options.onChange(status);
		// Through the leader if one answers (a follower forwards the read to it anyway).
		const via = members.find(member => member.up && member.isLeader) ?? members.find(member => member.up);
		if (!via) return status;
		const read = await readWorks(via.url, {timeoutMs, tls: this.tls});
		this.lastRead = {ok: read.ok, error: read.error, atMs: this.now()};
		const next = this.withRead(status);
		this.last = next;
		this.options.onChange(next);
		return next;
	}

	/** The status with the latest read's outcome (and its own time), and the verdict that follows. */
	private withRead(status: EtcdStatus): EtcdStatus {
		const read = this.lastRead;
		if (!read) return status;
		const next: EtcdStatus = {...status, readable: read.ok, readAtMs: read.atMs};
		if (read.error) next.readError = read.error;
		else delete next.readError;
		next.verdict = etcdVerdict(next);
		return next;
	}

	private async loop(): Promise<void> {
		if (this.stoppedPolling) return;
		this.running = true;
		try {
			// During a drill a stopped member's refusal comes at once; a hung one must not slow the others' reads.
			const fast = this.options.fast?.() === true;
			await this.pollOnce(fast ? Math.min(this.options.config.timeout, 1000) : this.options.config.timeout);
		} catch {
			// a poll's failure is in its members' errors; nothing else can throw here
		} finally {
			this.running = false;
		}
		if (this.stoppedPolling) return;
		const every = this.options.fast?.() ? drillPollMs : this.options.config.interval;
		this.timer = setTimeout(() => void this.loop(), every);
		this.timer.unref?.();
	}
}
