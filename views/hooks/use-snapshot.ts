// The one place views touch the store: a FramePacer decides when a new snapshot reaches React.
import {useEffect, useState} from 'react';
import type {LabSnapshot} from '../../source/store/types.js';
import {FramePacer, type RefreshOptions, type SnapshotSource} from './frame-pacer.js';

export type {RefreshOptions, SnapshotSource};

export function useSnapshot(source: SnapshotSource, options: RefreshOptions = {}): LabSnapshot {
	const {minIntervalMs, gatherMs, tickMs, podTickMs, slowTickMs, ambientMs} = options;
	const [snapshot, setSnapshot] = useState(() => source.snapshot());
	useEffect(() => {
		// Same object means the store saw no change and no new second: skip the render entirely.
		const pacer = new FramePacer(source, next => setSnapshot(previous => (previous === next ? previous : next)), {
			minIntervalMs,
			gatherMs,
			tickMs,
			podTickMs,
			slowTickMs,
			ambientMs,
		});
		pacer.start();
		return () => pacer.stop();
	}, [source, minIntervalMs, gatherMs, tickMs, podTickMs, slowTickMs, ambientMs]);
	return snapshot;
}
