// What the dig views show and the watches do not keep: a describe or YAML document, a log pane, the
// events of both clusters, node details. Filled on demand by the dig intents, read by the views as
// immutable snapshots, emptied when a view closes (nothing here outlives the pane that asked for it).
// Notifications are coalesced to one per event-loop turn; the log pane publishes at most four times a
// second (dig-intents), like the lab's own snapshots, so a log at 1,000 lines/s is four frames a second.
import type {DocLine} from '../kube/describe.js';
import type {EventInfo} from '../kube/events.js';

export type DigKind = 'pod' | 'node' | 'gateway';

export interface DigTarget {
	cluster: string;
	kind: DigKind;
	namespace?: string;
	name: string;
}

export interface WorkloadRef {
	cluster: string;
	kind: 'Deployment' | 'StatefulSet';
	namespace: string;
	name: string;
}

export interface TextDoc {
	kind: 'describe' | 'yaml';
	target: DigTarget;
	state: 'loading' | 'ready' | 'error';
	error?: string;
	lines: DocLine[];
	/** The pod's Deployment or StatefulSet (describe of a pod): what `r` restarts. */
	workload?: WorkloadRef;
	/** The pod's containers (logs ask for the first unless one is named). */
	containers?: string[];
}

export interface LogPane {
	target: DigTarget;
	container?: string;
	previous: boolean;
	state: 'connecting' | 'streaming' | 'ended' | 'error';
	error?: string;
	/** What is held (bounded), oldest first. */
	lines: string[];
	/** Lines dropped off the front to stay within the bounds. */
	dropped: number;
	bytes: number;
}

export interface EventsData {
	state: 'loading' | 'ready';
	items: EventInfo[];
	/** Per cluster: why its events could not be read now (what is shown for it is from before). */
	errors: Record<string, string>;
	atMs: number;
}

export interface NodeDetail {
	cluster: string;
	name: string;
	roles: string[];
	kubeletVersion: string;
}

export interface NodesData {
	state: 'loading' | 'ready';
	items: NodeDetail[];
	errors: Record<string, string>;
}

export interface DigSnapshot {
	version: number;
	doc?: TextDoc;
	logs?: LogPane;
	events?: EventsData;
	nodes?: NodesData;
}

export interface DigSource {
	subscribe(listener: () => void): () => void;
	snapshot(): DigSnapshot;
}

export class DigStore implements DigSource {
	private current: DigSnapshot = {version: 0};
	private readonly listeners = new Set<() => void>();
	private pending: NodeJS.Timeout | undefined;
	private lastNotifyMs = 0;

	/** minIntervalMs: at most one notification per this many ms (default 0: the next turn, so an answer is drawn at once). */
	constructor(private readonly minIntervalMs = 0) {}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	snapshot(): DigSnapshot {
		return this.current;
	}

	/** Replaces parts of the snapshot (undefined removes a part). */
	update(parts: Partial<Omit<DigSnapshot, 'version'>>): void {
		this.current = {...this.current, ...parts, version: this.current.version + 1};
		for (const key of Object.keys(parts) as Array<keyof typeof parts>) if (parts[key] === undefined) delete this.current[key];
		this.schedule();
	}

	private schedule(): void {
		if (this.pending) return;
		const waitMs = Math.max(0, this.lastNotifyMs + this.minIntervalMs - Date.now());
		this.pending = setTimeout(() => {
			this.pending = undefined;
			this.lastNotifyMs = Date.now();
			for (const listener of this.listeners) listener();
		}, waitMs);
	}

	dispose(): void {
		clearTimeout(this.pending);
		this.listeners.clear();
	}
}
