// `labwatch partition | heal | drills`: loads the config and hands over to the drill commands. Which flags
// each takes is cli-commands.ts's business (a flag that does not apply is refused there).
import {loadConfig} from './config/load.js';
import {ConfigError} from './config/errors.js';
import {runDrillsCommand, runHealCommand, runPartitionCommand} from './drill/commands.js';
import {demoStateDir, stateDirFrom} from './drill/journal.js';

export type DrillCommand = 'partition' | 'heal' | 'drills';

export interface DrillCliOptions {
	configFlag?: string;
	demo: boolean;
	ttlMs?: number;
	dryRun: boolean;
	yes: boolean;
	force: boolean;
}

export async function runDrillCommand(command: DrillCommand, options: DrillCliOptions): Promise<number> {
	const output = {stdout: process.stdout, stderr: process.stderr};
	// Demo drills keep their own state directory: `labwatch drills` lists the real ones, `--demo` the demo's.
	if (command === 'drills') {
		if (options.configFlag !== undefined) loadConfig(options.configFlag);
		return runDrillsCommand({...output, stateDir: options.demo ? demoStateDir(process.env) : stateDirFrom(process.env)});
	}
	if (options.demo) {
		throw new ConfigError(
			`--demo: the demo homelab lives inside the TUI; run \`labwatch --demo\` and press ${command === 'heal' ? 'r' : 'p'} there, or point --config at \`labwatch sim --config-out FILE\``,
		);
	}
	const {config} = loadConfig(options.configFlag);
	if (command === 'heal') return runHealCommand({config, ...output, dryRun: options.dryRun});
	return runPartitionCommand({config, ...output, ttlMs: options.ttlMs, dryRun: options.dryRun, yes: options.yes, force: options.force});
}
