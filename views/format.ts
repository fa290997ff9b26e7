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

/** Cut in the middle: the start and the distinguishing end stay ("etcd-m1-c…ol-plane"). */
export function clipMiddle(text: string, width: number, ellipsis = '…'): string {
	if (width <= 0) return '';
	if (text.length <= width) return text;
	if (width <= ellipsis.length + 1) return text.slice(0, width);
	const room = width - ellipsis.length;
	// Names differ at their ends (pod hashes, node and ordinal suffixes): the end gets the larger share.
	const head = Math.max(1, Math.floor(room / 3));
	return text.slice(0, head) + ellipsis + text.slice(text.length - (room - head));
}

/**
 * "namespace/name" in width: the namespace gives way first (down to one letter), then the name is cut
 * in the middle, so "kube-system/etcd-m1-worker2" stays told apart from "…/etcd-m1-worker".
 */
export function podName(namespace: string, name: string, width: number, ellipsis = '…'): string {
	const full = `${namespace}/${name}`;
	if (full.length <= width) return full;
	const namespaceRoom = width - 1 - name.length;
	if (namespaceRoom >= namespace.length) return full;
	if (namespaceRoom >= 1 + ellipsis.length + 1) return `${clip(namespace, namespaceRoom, ellipsis)}/${name}`;
	const shortNamespace = clip(namespace, Math.min(namespace.length, 1 + ellipsis.length), ellipsis);
	const nameRoom = width - shortNamespace.length - 1;
	if (nameRoom < 4) return clipMiddle(full, width, ellipsis);
	return `${shortNamespace}/${clipMiddle(name, nameRoom, ellipsis)}`;
}

/** Word-wrapped lines of at most width characters; a word longer than a line is broken. */
export function wrapText(text: string, width: number): string[] {
	const lines: string[] = [];
	const size = Math.max(1, width);
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		let rest = word;
		while (rest.length > size) {
			if (line) {
				lines.push(line);
				line = '';
			}
			lines.push(rest.slice(0, size));
			rest = rest.slice(size);
		}
		if (!rest) continue;
		if (!line) line = rest;
		else if (line.length + 1 + rest.length <= size) line += ` ${rest}`;
		else {
			lines.push(line);
			line = rest;
		}
	}
	if (line || lines.length === 0) lines.push(line);
	return lines;
}
