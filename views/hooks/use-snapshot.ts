// The one place views touch the store: subscribe, and hand React a new snapshot at most every
// minIntervalMs. A burst of watch events becomes one frame; nothing renders while nothing changes, except
// the clock tick once a second (ages and the header clock move with snapshot.atMs).
import {useEffect, useState} from 'react';
import type {LabSnapshot} from '../../source/store/types.js';

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
	/** Clock tick; 0 turns it off (tests with fixed snapshots). Default 1000 ms, on the second. */
	tickMs?: number;
}

export function useSnapshot(source: SnapshotSource, options: RefreshOptions = {}): LabSnapshot {
	const {minIntervalMs = 250, gatherMs = 40, tickMs = 1000} = options;
	const [snapshot, setSnapshot] = useState(() => source.snapshot());
	useEffect(() => {
		let pending: NodeJS.Timeout | undefined;
		let tick: NodeJS.Timeout | undefined;
		let lastMs = 0;
		const publish = () => {
			pending = undefined;
			lastMs = Date.now();
			const next = source.snapshot();
			// Same object means the store saw no change and no new second: skip the render entirely.
			setSnapshot(previous => (previous === next ? previous : next));
		};
		const unsubscribe = source.subscribe(() => {
			if (pending) return;
			pending = setTimeout(publish, Math.max(gatherMs, lastMs + minIntervalMs - Date.now()));
		});
		const scheduleTick = () => {
			// Aligned to the wall-clock second, so the header clock does not lag up to a second behind.
			tick = setTimeout(() => {
				if (!pending) publish();
				scheduleTick();
			}, tickMs - (Date.now() % tickMs) + 5);
		};
		if (tickMs > 0) scheduleTick();
		publish(); // anything that changed between the first render and this effect
		return () => {
			unsubscribe();
			clearTimeout(pending);
			clearTimeout(tick);
		};
	}, [source, minIntervalMs, gatherMs, tickMs]);
	return snapshot;
}
