// What the drill source reports (issue: partition drills).

export type DrillPhase = 'idle' | 'planned' | 'cutting' | 'cut' | 'healing' | 'healed' | 'failed';

export interface PartitionStatus {
	active: boolean;
	drillId?: string;
	sinceMs?: number;
	ttlMs?: number;
	/** Enforcement points holding a cut: "m1 (local)". */
	points: string[];
	/** A chain found that no live drill of this process made (a crashed run, another labwatch). */
	leftover: boolean;
}

export interface TimelineMark {
	signal: string;
	atMs: number;
	/** Milliseconds since the cut (or heal) this mark follows. */
	afterMs: number;
}

export interface DrillProgress {
	phase: DrillPhase;
	/** The exact commands per point, shown before a cut. */
	plan?: Array<{point: string; commands: string[][]}>;
	timeline: TimelineMark[];
	error?: string;
	reportPath?: string;
}

// Below: the drill's internal vocabulary, shared by its files (not read by the store).

/** Errors are values: a one-line message, never a stack trace at the user. */
export type Result<T> = {ok: true; value: T} | {ok: false; error: string};

export type Via = 'local' | 'sudo' | 'ssh' | 'docker' | 'netns' | 'sim' | 'pf';

/** One place where rules go, resolved from config and validated. */
export interface EnforcementPoint {
	host: string;
	via: Via;
	/** "m1 (local)", "m2 (ssh root@192.168.1.20)". */
	label: string;
	/** IPv4 addresses dropped in both directions. */
	peers: string[];
	destination?: string;
	container?: string;
	netns?: string;
	url?: string;
	/** pf points (via pf, or ssh to a Mac): the anchor holding the rules. */
	anchor?: string;
	/** The point's packet filter: pf for via pf and ssh with os darwin, else iptables. */
	firewall?: 'iptables' | 'pf';
}

export interface CommandResult {
	exitCode: number;
	stdout: string;
	stderr: string;
}

/** One command as run at a point and what came back, for the journal. */
export interface CommandRecord {
	argv: string[];
	exitCode: number;
	stderr?: string;
}

/** The dead-man's switch scheduled at a point. */
export interface HealTimer {
	/** How it was scheduled: "detached sh (pid 1234)", "remote nohup sh (pid 99)", "in-process". */
	kind: string;
	pid?: number;
	/** The timer process's start time as read when it was scheduled: a heal signals it only if it still matches. */
	startTime?: string;
	/** pf: the enable reference `pfctl -E` gave; released with `pfctl -X` on heal, so a pf enabled by others stays on. */
	token?: string;
	/** When the timer fires (ms since epoch). */
	dueMs: number;
}

export interface PointOutcome {
	point: string;
	ok: boolean;
	commands: CommandRecord[];
	error?: string;
	/** Whether anything was changed at the point (a failed cut that changed nothing needs no rollback there). */
	applied?: boolean;
	/** Rules still present when verification failed (iptables -S lines). */
	left?: string[];
	timer?: HealTimer;
}
