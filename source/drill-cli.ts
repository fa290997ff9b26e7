// `labwatch partition | heal | drills`: loads the config and hands over to the drill commands.
import {loadConfig} from './config/load.js';
import {ConfigError} from './config/errors.js';
import {runDrillsCommand, runHealCommand, runPartitionCommand} from './drill/commands.js';

export interface DrillCliOptions {
	configFlag?: string;
	demo: boolean;
	ttlMs?: number;
	dryRun: boolean;
	yes: boolean;
	force: boolean;
}

export async function runDrillCommand(command: 'partition' | 'heal' | 'drills', options: DrillCliOptions): Promise<number> {
	if (options.demo) {
		throw new ConfigError(`--demo: the demo homelab lives inside the TUI; run \`labwatch --demo\` and press p there, or point --config at \`labwatch sim --config-out FILE\``);
	}
	const output = {stdout: process.stdout, stderr: process.stderr};
	if (command === 'drills') return runDrillsCommand(output);
	const {config} = loadConfig(options.configFlag);
	if (command === 'heal') return runHealCommand({config, ...output});
	return runPartitionCommand({config, ...output, ttlMs: options.ttlMs, dryRun: options.dryRun, yes: options.yes, force: options.force});
}
