// The one place views touch the store: subscribe, and hand React a new snapshot at most every
// minIntervalMs. A burst of watch events becomes one frame; nothing renders while nothing changes, except
// the clock tick (ages and the header clock move with snapshot.atMs): once a second while something on
// screen counts seconds, else once a minute.
import {useEffect, useState} from 'react';
import type {LabSnapshot} from '../../source/store/types.js';
import {secondsOnScreen} from './seconds-on-screen.js';

/** What a view needs from the store (LabStore satisfies it). */
export interface SnapshotSource {
	subscribe(listener: () => void): () => void;
	snapshot(): LabSnapshot;
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
}

export function useSnapshot(source: SnapshotSource, options: RefreshOptions = {}): LabSnapshot {
	const {minIntervalMs = 250, gatherMs = 40, tickMs = 1000, slowTickMs = 60_000} = options;
	const [snapshot, setSnapshot] = useState(() => source.snapshot());
	useEffect(() => {
		let pending: NodeJS.Timeout | undefined;
		let tick: NodeJS.Timeout | undefined;
		let lastMs = 0;
		let fast = true;
		const publish = () => {
			pending = undefined;
			lastMs = Date.now();
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
			if (pending) return;
			pending = setTimeout(publish, Math.max(gatherMs, lastMs + minIntervalMs - Date.now()));
		});
		const scheduleTick = () => {
			// Aligned to the wall-clock second (or minute), so the header clock does not lag behind.
			const everyMs = fast ? tickMs : slowTickMs;
			tick = setTimeout(() => {
				if (!pending) publish();
				scheduleTick();
			}, everyMs - (Date.now() % everyMs) + 5);
		};
		if (tickMs > 0) scheduleTick();
		publish(); // anything that changed between the first render and this effect
		return () => {
			unsubscribe();
			clearTimeout(pending);
			clearTimeout(tick);
		};
	}, [source, minIntervalMs, gatherMs, tickMs, slowTickMs]);
	return snapshot;
}
