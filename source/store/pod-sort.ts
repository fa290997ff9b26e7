// Sorting and namespace scoping of a cluster's pod list, applied to every cluster at once. Status
// severity is the store's own order (problems first); the others are stable re-sorts of it.
import type {PodInfo} from './types.js';

export const sortKeys = ['status', 'age', 'restarts', 'name', 'memory'] as const;
export type SortKey = (typeof sortKeys)[number];

export const sortWords: Record<SortKey, string> = {
	status: 'status severity',
	age: 'age (newest first)',
	restarts: 'restarts (most first)',
	name: 'name',
	memory: 'memory request (largest first)',
};

export function nextSortKey(key: SortKey): SortKey {
	return sortKeys[(sortKeys.indexOf(key) + 1) % sortKeys.length]!;
}

const byName = (a: PodInfo, b: PodInfo) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1);

export function sortPods(pods: PodInfo[], key: SortKey): PodInfo[] {
	switch (key) {
		case 'status':
			return pods;
		case 'age':
			return [...pods].sort((a, b) => b.createdMs - a.createdMs || byName(a, b));
		case 'restarts':
			return [...pods].sort((a, b) => b.restarts - a.restarts || byName(a, b));
		case 'name':
			return [...pods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : byName(a, b)));
		case 'memory':
			return [...pods].sort((a, b) => b.memoryRequestBytes - a.memoryRequestBytes || b.memoryLimitBytes - a.memoryLimitBytes || byName(a, b));
	}
}

export function scopePods(pods: PodInfo[], namespace: string | undefined): PodInfo[] {
	return namespace ? pods.filter(pod => pod.namespace === namespace) : pods;
}
