// `labwatch partition | heal | drills`: loads the config and hands over to the drill commands. A flag that does
// not apply to the subcommand is refused, never ignored.
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
	/** The command line's words (after the program), to tell which flags were given. */
	argv?: string[];
}

/** The long flags each drill subcommand takes. */
export const drillFlags: Record<DrillCommand, string[]> = {
	partition: ['config', 'ttl', 'dry-run', 'yes', 'force'],
	heal: ['config', 'dry-run'],
	// --config is accepted everywhere (aliases carry it); drills checks the file but its reports do not depend on it.
	drills: ['config', 'demo'],
};

/** The long flags present on a command line ("--ttl 5s", "--ttl=5s", "--no-life" → ttl, ttl, life). */
export function flagsGiven(argv: string[]): string[] {
	const names: string[] = [];
	for (const word of argv) {
		if (word === '--') break;
		if (!word.startsWith('--')) continue;
		const name = word.slice(2).split('=')[0]!;
		names.push(name.startsWith('no-') ? name.slice(3) : name);
	}
	return names;
}

function camelToKebab(name: string): string {
	return name.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

export function refuseInapplicableFlags(command: DrillCommand, argv: string[]): void {
	const allowed = drillFlags[command];
	const wrong = flagsGiven(argv).map(camelToKebab).find(name => !allowed.includes(name) && name !== 'help' && name !== 'version');
	if (wrong === undefined) return;
	if (wrong === 'demo')
		throw new ConfigError(`--demo: the demo homelab lives inside the TUI; run \`labwatch --demo\` and press p there, or point --config at \`labwatch sim --config-out FILE\``);
	throw new ConfigError(`--${wrong} does not apply to labwatch ${command} (it takes ${allowed.map(name => `--${name}`).join(', ')})`);
}

export async function runDrillCommand(command: DrillCommand, options: DrillCliOptions): Promise<number> {
	refuseInapplicableFlags(command, options.argv ?? []);
	const output = {stdout: process.stdout, stderr: process.stderr};
	// Demo drills keep their own state directory: `labwatch drills` lists the real ones, `--demo` the demo's.
	if (command === 'drills') {
		if (options.configFlag !== undefined) loadConfig(options.configFlag);
		return runDrillsCommand({...output, stateDir: options.demo ? demoStateDir(process.env) : stateDirFrom(process.env)});
	}
	if (options.demo) refuseInapplicableFlags(command, ['--demo']);
	const {config} = loadConfig(options.configFlag);
	if (command === 'heal') return runHealCommand({config, ...output, dryRun: options.dryRun});
	return runPartitionCommand({config, ...output, ttlMs: options.ttlMs, dryRun: options.dryRun, yes: options.yes, force: options.force});
}
