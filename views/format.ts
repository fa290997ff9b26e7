// Pure text helpers for the views: fixed-width cells and the wording of states. No React here, so the
// wording is tested without rendering.
import type {ClusterSnapshot, Level, PodInfo} from '../source/store/types.js';
import {clockTime} from '../source/store/clock-time.js';
import {formatAge} from '../source/config/duration.js';

export const levelWords: Record<Level, string> = {ok: 'OK', warn: 'WARNING', crit: 'CRITICAL', unknown: 'UNKNOWN'};

/** Cut to width with an ellipsis; never wider than width. */
export function clip(text: string, width: number, ellipsis = '…'): string {
	if (width <= 0) return '';
	if (text.length <= width) return text;
	if (width <= ellipsis.length) return text.slice(0, width);
	return text.slice(0, width - ellipsis.length) + ellipsis;
}

/** Exactly width characters: clipped or padded on the right. */
export function cell(text: string, width: number, ellipsis = '…'): string {
	return clip(text, width, ellipsis).padEnd(Math.max(0, width));
}

/** Exactly width characters, right-aligned (numbers). */
export function cellRight(text: string, width: number): string {
	return clip(text, width, '').padStart(Math.max(0, width));
}

/** "live", "connecting", "reconnecting 4s: reason", "unreachable since 20:14:03: timeout". */
export function connectionText(cluster: ClusterSnapshot, nowMs: number): string {
	const {phase, sinceMs, reason} = cluster.connection;
	const why = reason ? `: ${reason}` : '';
	switch (phase) {
		case 'live':
			return 'live';
		case 'connecting':
			return `connecting ${formatAge(nowMs - sinceMs)}${why}`;
		case 'reconnecting':
			return `reconnecting ${formatAge(nowMs - sinceMs)}${why}`;
		case 'unreachable':
			return `unreachable since ${clockTime(sinceMs)}${why}`;
	}
}

export function connectionLevel(cluster: ClusterSnapshot): Level {
	switch (cluster.connection.phase) {
		case 'live':
			return 'ok';
		case 'connecting':
			return 'unknown';
		case 'reconnecting':
			return 'warn';
		case 'unreachable':
			return 'crit';
	}
}

/** "STALE 12s" since the cluster last answered; "NO DATA" when it never did; undefined when fresh. */
export function staleMarker(cluster: ClusterSnapshot, nowMs: number): string | undefined {
	if (!cluster.stale) return undefined;
	const {lastLiveMs} = cluster.connection;
	if (lastLiveMs === undefined) return cluster.connection.phase === 'connecting' ? undefined : 'NO DATA';
	return `STALE ${formatAge(nowMs - lastLiveMs)}`;
}

export function podMatches(pod: PodInfo, filter: string): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return `${pod.namespace}/${pod.name}`.toLowerCase().includes(needle);
}

/** The pods a panel lists: all of them (attention first, as the store orders them), or those matching the filter. */
export function visiblePods(cluster: ClusterSnapshot, filter: string): PodInfo[] {
	return filter ? cluster.pods.filter(pod => podMatches(pod, filter)) : cluster.pods;
}
