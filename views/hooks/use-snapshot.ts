// The one place views touch the store: a FramePacer decides when a new snapshot reaches React, and every
// string a view draws leaves here stripped of what a server could use to drive the terminal.
import {useEffect, useMemo, useState, type RefObject} from 'react';
import type {LabSnapshot} from '../../source/store/types.js';
import {terminalSafeDeep} from '../../source/text/terminal-safe.js';
import {FramePacer, type RefreshOptions, type SameScreen, type SnapshotSource} from './frame-pacer.js';

export type {RefreshOptions, SameScreen, SnapshotSource};

/** `sameScreen` holds the App's current idea of what it draws (it changes with the layout and the keys). */
export function useSnapshot(source: SnapshotSource, options: RefreshOptions = {}, sameScreen?: RefObject<SameScreen | undefined>): LabSnapshot {
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
		if (sameScreen) pacer.sameScreen = (drawn, next) => sameScreen.current?.(drawn, next) ?? false;
		pacer.start();
		return () => pacer.stop();
	}, [source, minIntervalMs, gatherMs, tickMs, podTickMs, slowTickMs, ambientMs, sameScreen]);
	// Every string a view draws comes from here: none may carry an escape sequence from a server.
	return useMemo(() => terminalSafeDeep(snapshot), [snapshot]);
}
