// What the TUI can ask for. Views never carry anything out themselves: they call these, and whatever
// happens comes back through the store as a new snapshot.
import type {DigIntents} from '../source/tui/dig-intents-types.js';

export type {DigIntents} from '../source/tui/dig-intents-types.js';

/** Matches the drill runner's Result values structurally: errors are one-line strings. */
export type IntentResult = {ok: true} | {ok: false; error: string};

export interface DrillIntents {
	/** TTL the dialog starts at (the config's drill.ttl). */
	defaultTtlMs?: number;
	/** Prepare a cut: the runner publishes the plan (points and exact commands) into snapshot.drill. */
	plan(ttlMs: number): IntentResult | Promise<IntentResult>;
	/** Cut now; the dead-man's switch heals after ttlMs whatever happens to labwatch. */
	cut(ttlMs: number): IntentResult | Promise<IntentResult>;
	/** Roll back every cut (and leftover) now. */
	heal(): IntentResult | Promise<IntentResult>;
}

/** The etcd drill (E): plan the next stop, stop, start what was stopped. */
export interface EtcdIntents {
	/** Publishes the next stop's plan (member, exact commands) into snapshot.etcdDrill. */
	plan(): IntentResult | Promise<IntentResult>;
	/** Stops the planned member (the current leader); its point starts it again after the TTL whatever happens. */
	stop(): IntentResult | Promise<IntentResult>;
	/** Starts every member an etcd drill stopped. */
	heal(): IntentResult | Promise<IntentResult>;
}

export interface Intents {
	/** Leave: stop watches, restore the terminal, exit 0. */
	quit(): void;
	/** Absent until a drill runner is wired in: the drill keys then say drills are not configured. */
	drill?: DrillIntents;
	/** Describe, YAML, logs, events, nodes and the pod actions; absent: those keys do nothing. */
	dig?: DigIntents;
	/** Absent without an etcd: section: E then says etcd is not configured. */
	etcd?: EtcdIntents;
}
