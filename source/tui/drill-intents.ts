// Adapts a drill runner (source/drill/runner.ts) to the TUI's DrillIntents. Structural, so this file does
// not depend on the runner's internals: anything with plan/cut/heal returning Result values fits.
import type {Result} from '../drill/types.js';
import type {DrillIntents} from '../../views/intents.js';
import type {Config} from '../config/schema.js';
import {demoStateDir} from '../drill/journal.js';

/** The TUI's runner options: the demo's drills go to their own state directory and say they are the demo's. */
export function drillRunnerOptions(lab: {config: Config; demo?: unknown}, env: NodeJS.ProcessEnv = process.env): {config: Config; by: string; stateDir?: string; demo?: boolean} {
	if (lab.demo) return {config: lab.config, by: 'tui', stateDir: demoStateDir(env), demo: true};
	return {config: lab.config, by: 'tui'};
}

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
