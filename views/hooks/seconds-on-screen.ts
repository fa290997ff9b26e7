// Whether anything on screen counts in seconds. When nothing does (every cluster live, no cut, no pod or
// outage younger than formatAge's seconds range), the clock ticks once a minute instead of once a second:
// every tick is a full Ink frame, and a pane left open for days should cost next to nothing.
import type {LabSnapshot} from '../../source/store/types.js';
import {secondsShownBelowMs} from '../../source/config/duration.js';
import {isGatewayStale} from '../../source/submariner/gateway.js';

const movingDrillPhases = new Set(['cutting', 'cut', 'healing']);

export function secondsOnScreen(snapshot: LabSnapshot): boolean {
	const nowMs = snapshot.atMs;
	if (snapshot.partition?.active || movingDrillPhases.has(snapshot.drill?.phase ?? 'idle')) return true;
	for (const cluster of snapshot.clusters) {
		if (cluster.connection.phase !== 'live') return true;
		if (cluster.gateways.some(gateway => isGatewayStale(gateway, nowMs))) return true;
		for (const pod of cluster.pods) if (nowMs - pod.createdMs < secondsShownBelowMs) return true;
	}
	return false;
}
