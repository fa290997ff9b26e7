// Whether anything on screen counts in seconds. When nothing does (every cluster live, no cut, no outage
// younger than formatAge's seconds range), the clock ticks every 10 s while a young pod's age is listed
// (formatPodAge's steps), else once a minute instead of once a second:
// every tick is a full Ink frame, and a pane left open for days should cost next to nothing.
import type {LabSnapshot} from '../../source/store/types.js';
import {secondsShownBelowMs} from '../../source/config/duration.js';
import {isGatewayStale} from '../../source/submariner/gateway.js';

const movingDrillPhases = new Set(['cutting', 'cut', 'healing']);

export function secondsOnScreen(snapshot: LabSnapshot): boolean {
	const nowMs = snapshot.atMs;
	if (snapshot.partition?.active || movingDrillPhases.has(snapshot.drill?.phase ?? 'idle')) return true;
	const young = (sinceMs: number | undefined) => sinceMs !== undefined && nowMs - sinceMs < secondsShownBelowMs;
	for (const cluster of snapshot.clusters) {
		const {connection} = cluster;
		// An outage's ages ("reconnecting 4s", "STALE 12s") count seconds only at first: a laptop asleep
		// all night must not cost a frame a second.
		if (connection.phase !== 'live' && (young(connection.sinceMs) || young(connection.lastLiveMs))) return true;
		if (cluster.gateways.some(gateway => isGatewayStale(gateway, nowMs) && young(gateway.updatedMs))) return true;
	}
	return false;
}

/** Whether a pod young enough to show its age in seconds (10 s steps, formatPodAge) is listed. */
export function youngPodOnScreen(snapshot: LabSnapshot): boolean {
	const nowMs = snapshot.atMs;
	for (const cluster of snapshot.clusters) {
		for (const pod of cluster.pods) if (nowMs - pod.createdMs < secondsShownBelowMs) return true;
	}
	return false;
}
