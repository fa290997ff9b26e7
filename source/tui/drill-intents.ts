// Adapts a drill runner (source/drill/runner.ts) to the TUI's DrillIntents. Structural, so this file does
// not depend on the runner's internals: anything with plan/cut/heal returning Result values fits.
import type {Result} from '../drill/types.js';
import type {DrillIntents} from '../../views/intents.js';

export interface DrillRunnerLike {
	plan(ttlMs?: number): Result<unknown>;
	cut(options: {ttlMs?: number}): Promise<Result<unknown>>;
	heal(by?: string): Promise<Result<unknown>>;
}

export function drillIntentsFrom(runner: DrillRunnerLike, defaultTtlMs?: number): DrillIntents {
	return {
		defaultTtlMs,
		plan: ttlMs => runner.plan(ttlMs),
		cut: ttlMs => runner.cut({ttlMs}),
		heal: () => runner.heal('tui'),
	};
}
