// What the dig views can ask for. Answers arrive in the dig store (`source`), never as return values,
// except for the two actions, whose outcome the router shows as a notice.
import type {DigSource, DigTarget, WorkloadRef} from '../store/dig-store.js';

export type DigResult = {ok: true; text?: string} | {ok: false; error: string};

export interface DigIntents {
	/** Where the answers appear. */
	source: DigSource;
	describe(target: DigTarget): void;
	yaml(target: DigTarget): void;
	closeDoc(): void;
	logs(target: DigTarget, options: {previous: boolean; container?: string}): void;
	closeLogs(): void;
	openEvents(): void;
	closeEvents(): void;
	openNodes(): void;
	closeNodes(): void;
	/** Delete a pod (its controller, if any, replaces it); written to the action log. */
	deletePod(target: DigTarget): Promise<DigResult>;
	/** `kubectl rollout restart`: the restartedAt annotation on the pod template; written to the action log. */
	restart(workload: WorkloadRef): Promise<DigResult>;
}
