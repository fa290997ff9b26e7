// The one place views touch the store: subscribe, and hand React a new snapshot at most every
// minIntervalMs. A burst of watch events becomes one frame; nothing renders while nothing changes, except
// the clock tick (ages and the header clock move with snapshot.atMs): once a second while something on
// screen counts seconds, else once a minute.
import {useEffect, useMemo, useState} from 'react';
import type {LabSnapshot} from '../../source/store/types.js';
import {secondsOnScreen} from './seconds-on-screen.js';
import {gatewayStaleAfterMs} from '../../source/submariner/gateway.js';
import {terminalSafeDeep} from '../../source/text/terminal-safe.js';

/** What a view needs from the store (LabStore satisfies it). */
export interface SnapshotSource {
	subscribe(listener: () => void): () => void;
	snapshot(): LabSnapshot;
	/** Bumped only by changes worth a frame at once; without it every change is. */
	readonly urgentVersion?: number;
}

export interface RefreshOptions {
	/** Minimum time between two published snapshots (default 250 ms: at most 4 frames a second). */
	minIntervalMs?: number;
	/** Wait after the first change of a quiet period, so the rest of a burst joins it (default 40 ms). */
	gatherMs?: number;
	/** Clock tick while seconds are on screen; 0 turns it off (tests with fixed snapshots). Default 1000 ms. */
	tickMs?: number;
	/** Clock tick while nothing on screen counts seconds. Default 60 000 ms, on the minute. */
	slowTickMs?: number;
	/** How long changes that are not urgent (gateway heartbeats, budget drift) may wait. Default 30 s. */
	ambientMs?: number;
}

export function useSnapshot(source: SnapshotSource, options: RefreshOptions = {}): LabSnapshot {
	const {minIntervalMs = 250, gatherMs = 40, tickMs = 1000, slowTickMs = 60_000, ambientMs = 30_000} = options;
	const [snapshot, setSnapshot] = useState(() => source.snapshot());
	useEffect(() => {
		let pending: NodeJS.Timeout | undefined;
		let pendingAtMs = 0;
		let tick: NodeJS.Timeout | undefined;
		let lastMs = 0;
		let fast = true;
		let publishedUrgent = source.urgentVersion;
		const publish = () => {
			clearTimeout(pending);
			pending = undefined;
			lastMs = Date.now();
			publishedUrgent = source.urgentVersion;
			const next = source.snapshot();
			// Same object means the store saw no change and no new second: skip the render entirely.
			setSnapshot(previous => (previous === next ? previous : next));
			const wantFast = secondsOnScreen(next);
			if (wantFast !== fast && tickMs > 0) {
				fast = wantFast;
				clearTimeout(tick);
				scheduleTick();
			}
		};
		const unsubscribe = source.subscribe(() => {
			const urgent = source.urgentVersion === undefined || source.urgentVersion !== publishedUrgent;
			const dueMs = urgent ? Math.max(Date.now() + gatherMs, lastMs + minIntervalMs) : Date.now() + ambientMs;
			// A later urgent change pulls a waiting ambient frame forward; nothing pushes a frame back.
			if (pending && pendingAtMs <= dueMs) return;
			clearTimeout(pending);
			pendingAtMs = dueMs;
			pending = setTimeout(publish, dueMs - Date.now());
		});
		const scheduleTick = () => {
			// Aligned to the wall-clock second (or minute), so the header clock does not lag behind; and no
			// later than the moment a gateway that stopped syncing turns stale, which no event announces.
			const everyMs = fast ? tickMs : slowTickMs;
			const boundaryMs = everyMs - (Date.now() % everyMs) + 5;
			const staleInMs = nextStaleInMs(source.snapshot());
			tick = setTimeout(() => {
				publish();
				scheduleTick();
			}, Math.min(boundaryMs, staleInMs));
		};
		if (tickMs > 0) scheduleTick();
		publish(); // anything that changed between the first render and this effect
		return () => {
			unsubscribe();
			clearTimeout(pending);
			clearTimeout(tick);
		};
	}, [source, minIntervalMs, gatherMs, tickMs, slowTickMs, ambientMs]);
	// Every string a view draws comes from here: none may carry an escape sequence from a server.
	return useMemo(() => terminalSafeDeep(snapshot), [snapshot]);
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
