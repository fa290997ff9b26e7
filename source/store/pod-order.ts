// The pods that need a person first: failing before not ready before pending before restart-happy,
// newest problem first within a kind; healthy pods after, by namespace and name.
import type {PodInfo} from './types.js';

const severity: Record<string, number> = {
	CrashLoopBackOff: 0,
	OOMKilled: 0,
	ImagePullBackOff: 1,
	ErrImagePull: 1,
	CreateContainerConfigError: 1,
	Failed: 1,
	Error: 1,
	Unknown: 2,
	NotReady: 3,
	Pending: 4,
	Restarts: 5,
};

export function problemRank(pod: PodInfo): number {
	if (!pod.problem) return 99;
	return severity[pod.problem] ?? 2;
}

export function comparePods(a: PodInfo, b: PodInfo, _nowMs: number): number {
	const rank = problemRank(a) - problemRank(b);
	if (rank !== 0) return rank;
	if (a.problem && b.problem && a.createdMs !== b.createdMs) return b.createdMs - a.createdMs;
	return a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1;
}
