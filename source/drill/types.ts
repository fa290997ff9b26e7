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
