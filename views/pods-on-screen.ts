// What the pod lists of a frame show, as one string: the rows in view (every field labwatch keeps of a
// pod, and its age as drawn), the counts and the verdict they feed, and the newest feed line. Two
// snapshots with the same string draw the same pod lists, so a burst of changes to pods below the fold
// needs no frame. Built from the same functions the panels draw with.
import type {ClusterSnapshot, LabSnapshot, PodInfo} from '../source/store/types.js';
import {formatPodAge} from '../source/config/duration.js';
import type {PanelBox} from './layout.js';
import type {UiState} from './ui-state.js';
import {podWindow} from './PodRows.js';

export function podsOnScreen(
	snapshot: LabSnapshot,
	panels: PanelBox[],
	state: Pick<UiState, 'selected'>,
	/** The pods a panel lists, in its order (the filter, the sort and the namespace applied). */
	listing: (cluster: ClusterSnapshot) => PodInfo[],
	podRowsIn: (height: number) => number,
): string {
	const parts: unknown[] = [snapshot.verdict, snapshot.events.at(-1)];
	for (const panel of panels) {
		const cluster = snapshot.clusters[panel.index];
		if (!cluster) continue;
		const pods = listing(cluster);
		const rows = podRowsIn(panel.height);
		const {offset, shown} = pods.length > 0 && rows > 0 ? podWindow(pods, state.selected[cluster.name] ?? 0, rows) : {offset: 0, shown: []};
		parts.push(cluster.name, cluster.verdict, cluster.podCounts, cluster.synced.pods, pods.length, offset);
		for (const pod of shown) {
			const {stampMs: _stamp, ...drawn} = pod;
			parts.push(drawn, formatPodAge(snapshot.atMs - pod.createdMs));
		}
	}
	return JSON.stringify(parts);
}
