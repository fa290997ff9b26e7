// When a new snapshot is handed to React, i.e. when a frame is drawn. A burst of watch events becomes one
// frame; changes that merely drift (gateway heartbeats, memory use) wait up to ambientMs; the clock ticks
// once a second while something on screen counts seconds, else once a minute. Nothing else draws: a pane
// left open for days must cost next to nothing. Plain TypeScript (no React) so its timing can be tested.
import type {LabSnapshot} from '../../source/store/types.js';
import {secondsOnScreen, youngPodOnScreen} from './seconds-on-screen.js';
import {gatewayStaleAfterMs, isGatewayStale} from '../../source/submariner/gateway.js';

/** What a view needs from the store (LabStore satisfies it). */
export interface SnapshotSource {
	subscribe(listener: () => void): () => void;
	snapshot(): LabSnapshot;
	/** Bumped only by changes worth a frame at once; without it every change is. */
	readonly urgentVersion?: number;
	/** Like urgentVersion but not bumped by a single pod's change (LabStore.otherUrgentVersion). */
	readonly otherUrgentVersion?: number;
	/** Told when the snapshot it just gave was not drawn (benchmarks drop its stamps: nothing showed them). */
	skipped?(): void;
}

/** Whether two snapshots draw the same screen, as far as pods go (the App knows what it shows). */
export type SameScreen = (drawn: LabSnapshot, next: LabSnapshot) => boolean;

export interface RefreshOptions {
	/** Minimum time between two published snapshots (default 250 ms: at most 4 frames a second). */
	minIntervalMs?: number;
	/** Wait after the first change of a quiet period, so the rest of a burst joins it (default 40 ms). */
	gatherMs?: number;
	/** Clock tick while seconds are on screen; 0 turns it off (tests with fixed snapshots). Default 1000 ms. */
	tickMs?: number;
	/** Clock tick while only young pods' ages move (10 s steps). Default 10 000 ms. */
	podTickMs?: number;
	/** Clock tick while nothing on screen counts seconds. Default 60 000 ms, on the minute. */
	slowTickMs?: number;
	/** How long changes that are not urgent (gateway heartbeats, budget drift) may wait. Default 30 s. */
	ambientMs?: number;
}

export class FramePacer {
	private readonly minIntervalMs: number;
	private readonly gatherMs: number;
	private readonly tickMs: number;
	private readonly podTickMs: number;
	private readonly slowTickMs: number;
	private readonly ambientMs: number;
	private pending: NodeJS.Timeout | undefined;
	private pendingAtMs = 0;
	private tick: NodeJS.Timeout | undefined;
	private lastMs = 0;
	/** The clock tick in force (tickMs, podTickMs or slowTickMs). */
	private everyMs: number;
	private publishedUrgent: number | undefined;
	/** Which gateways were stale in the last published snapshot. */
	private publishedStale = '';
	private unsubscribe: (() => void) | undefined;
	private publishedOtherUrgent: number | undefined;
	/** A change that may wait (heartbeats, drift) arrived since the last frame. */
	private ambientWaiting = false;
	private published: LabSnapshot | undefined;
	/** Set by the App: lets a burst of changes to pods nobody sees skip its frame. */
	sameScreen: SameScreen | undefined;

	constructor(
		private readonly source: SnapshotSource,
		private readonly onPublish: (snapshot: LabSnapshot) => void,
		options: RefreshOptions = {},
	) {
		this.minIntervalMs = options.minIntervalMs ?? 250;
		this.gatherMs = options.gatherMs ?? 40;
		this.tickMs = options.tickMs ?? 1000;
		this.podTickMs = options.podTickMs ?? 10_000;
		this.slowTickMs = options.slowTickMs ?? 60_000;
		this.everyMs = this.tickMs;
		this.ambientMs = options.ambientMs ?? 30_000;
	}

	start(): void {
		this.publishedUrgent = this.source.urgentVersion;
		this.unsubscribe = this.source.subscribe(() => this.changed());
		if (this.tickMs > 0) this.scheduleTick();
		this.publish(); // anything that changed between the first render and now
	}

	stop(): void {
		this.unsubscribe?.();
		clearTimeout(this.pending);
		clearTimeout(this.tick);
	}

	private changed(): void {
		const urgent = this.source.urgentVersion === undefined || this.source.urgentVersion !== this.publishedUrgent;
		if (!urgent) this.ambientWaiting = true;
		const nowMs = Date.now();
		const dueMs = urgent ? Math.max(nowMs + this.gatherMs, this.lastMs + this.minIntervalMs) : nowMs + this.ambientMs;
		// A later urgent change pulls a waiting ambient frame forward; nothing pushes a frame back.
		if (this.pending && this.pendingAtMs <= dueMs) return;
		clearTimeout(this.pending);
		this.pendingAtMs = dueMs;
		this.pending = setTimeout(() => this.publish(true), dueMs - nowMs);
	}

	/** Only pods changed since the last frame, and none of them on screen: drawing would change nothing. */
	private drawsNothingNew(next: LabSnapshot): boolean {
		if (!this.sameScreen || !this.published || this.ambientWaiting) return false;
		if (this.source.otherUrgentVersion === undefined || this.source.otherUrgentVersion !== this.publishedOtherUrgent) return false;
		// The header clock and every age move with the minute; the clock ticks decide those frames.
		if (Math.floor(next.atMs / 60_000) !== Math.floor(this.published.atMs / 60_000)) return false;
		return this.sameScreen(this.published, next);
	}

	private publish(fromChange = false): void {
		clearTimeout(this.pending);
		this.pending = undefined;
		this.publishedUrgent = this.source.urgentVersion;
		const next = this.source.snapshot();
		if (fromChange && this.drawsNothingNew(next)) {
			this.source.skipped?.();
			return;
		}
		this.lastMs = Date.now();
		this.publishedOtherUrgent = this.source.otherUrgentVersion;
		this.ambientWaiting = false;
		this.published = next;
		this.publishedStale = staleGateways(next);
		this.onPublish(next);
		const everyMs = secondsOnScreen(next) ? this.tickMs : youngPodOnScreen(next) ? this.podTickMs : this.slowTickMs;
		if (everyMs !== this.everyMs && this.tickMs > 0) {
			this.everyMs = everyMs;
			clearTimeout(this.tick);
			this.scheduleTick();
		}
	}

	private scheduleTick(): void {
		// One chain of ticks: publish() may have rescheduled from inside a tick.
		clearTimeout(this.tick);
		// Aligned to the wall-clock second (10 s, minute), so the header clock does not lag behind; and no
		// later than the moment a gateway that stopped syncing turns stale, which no event announces.
		const everyMs = this.everyMs;
		const boundaryMs = everyMs - (Date.now() % everyMs) + 5;
		const staleInMs = nextStaleInMs(this.source.snapshot());
		const forStaleness = staleInMs < boundaryMs;
		this.tick = setTimeout(
			() => {
				// Gateways are rewritten every 5 s, so the one this wake was armed for has usually synced
				// since: then nothing turned stale and there is nothing to draw.
				if (forStaleness && staleGateways(this.source.snapshot()) === this.publishedStale) {
					this.scheduleTick();
					return;
				}
				this.publish();
				this.scheduleTick();
			},
			Math.min(boundaryMs, staleInMs),
		);
	}
}

function staleGateways(snapshot: LabSnapshot): string {
	const stale: string[] = [];
	for (const cluster of snapshot.clusters) {
		if (cluster.stale) continue;
		for (const gateway of cluster.gateways) if (isGatewayStale(gateway, snapshot.atMs)) stale.push(`${cluster.name}/${gateway.name}`);
	}
	return stale.join(' ');
}

/** Milliseconds until the next gateway of a live cluster passes the stale threshold (Infinity if none). */
function nextStaleInMs(snapshot: LabSnapshot): number {
	let soonest = Number.POSITIVE_INFINITY;
	const nowMs = Date.now();
	for (const cluster of snapshot.clusters) {
		if (cluster.stale) continue;
		for (const gateway of cluster.gateways) {
			if (gateway.updatedMs === undefined) continue;
			const inMs = gateway.updatedMs + gatewayStaleAfterMs + 50 - nowMs;
			if (inMs > 0) soonest = Math.min(soonest, inMs);
		}
	}
	return soonest;
}
