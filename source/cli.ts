// The only place that reads argv: picks the subcommand (cli-commands.ts knows each one's flags and help),
// and turns errors into one line and an exit code. Heavy faces (Ink, the simulator) are imported only by
// the subcommands that use them.
import {ConfigError} from './config/errors.js';
import {parseDurationIn, parseDurationMs} from './config/duration.js';
import {commandHelp, parseCommand, type CommandName} from './cli-commands.js';
import {quietOnClosedPipe} from './closed-pipe.js';

// meow renames the process to the bin name, which wipes the arguments from `ps` and `pkill -f`; keep
// them, so a user can tell `labwatch sim` from the TUI.
const title = ['labwatch', ...process.argv.slice(2)].join(' ');
quietOnClosedPipe(process.stdout);

function durationFlag(name: 'timeout' | 'ttl', value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(value) ? `${value}s` : value);
	if (ms === undefined) throw new ConfigError(`--${name} "${value}": not a duration (write it like 5s, 1m30s or 500ms)`);
	if (ms <= 0) throw new ConfigError(`--${name} ${value}: must be longer than zero`);
	// The same ranges as the config's durations (source/config/duration.ts).
	const parsed = parseDurationIn(`--${name}`, value);
	if ('error' in parsed) throw new ConfigError(`--${name}: ${parsed.error}`);
	return parsed.ms;
}

/** --demo brings its own clusters and config: a --config or --kubeconfig beside it would be silently unused. */
function refuseDemoWith(flags: Record<string, any>): void {
	if (!flags.demo) return;
	for (const name of ['config', 'kubeconfig'] as const) {
		if (flags[name] !== undefined) throw new ConfigError(`--demo and --${name} do not go together: the demo brings its own clusters and config`);
	}
}

let command: CommandName = 'tui';
let json = false;

async function main(): Promise<number> {
	const parsed = parseCommand(process.argv.slice(2));
	process.title = title;
	command = parsed.command;
	if (parsed.action === 'help') {
		process.stdout.write(commandHelp(parsed.command));
		return 0;
	}
	if (parsed.action === 'version') {
		process.stdout.write(`${parsed.version}\n`);
		return 0;
	}
	const {flags} = parsed;
	json = command === 'check' && flags.json === true;
	switch (command) {
		case 'tui': {
			refuseDemoWith(flags);
			if (!process.stdout.isTTY || !process.stdin.isTTY) {
				process.stderr.write('labwatch: the TUI needs a terminal (over SSH use -t). For a one-shot health check run: labwatch check\n');
				return 3;
			}
			const {runTui} = await import('./tui/run-tui.js');
			const {wireSources} = await import('./tui/wire-sources.js');
			return runTui({configFlag: flags.config, kubeconfig: flags.kubeconfig, demo: flags.demo, readOnly: flags.readOnly, ascii: flags.ascii, wire: wireSources});
		}
		case 'check': {
			refuseDemoWith(flags);
			const timeoutMs = durationFlag('timeout', flags.timeout) ?? 5000;
			const {runCheck} = await import('./check.js');
			// A slow Prometheus or iptables call past the deadline must not hold the process open.
			const code = await runCheck({configFlag: flags.config, kubeconfig: flags.kubeconfig, demo: flags.demo, json: flags.json, timeoutMs});
			process.exit(code);
		}
		case 'init': {
			const {runInit} = await import('./init/run-init.js');
			return runInit({configFlag: flags.config, kubeconfigFlag: flags.kubeconfig, prometheusFlag: flags.prometheus, yes: flags.yes, force: flags.force});
		}
		case 'sim': {
			const {runSimCommand} = await import('./sim/command.js');
			await runSimCommand({
				bind: flags.bind,
				port: flags.port,
				only: flags.only,
				pods: flags.pods,
				churn: flags.churn,
				peer: flags.peer,
				kubeconfig: flags.kubeconfig,
				configOut: flags.configOut,
				life: flags.life,
				hostOs: flags.hostOs,
			});
			return 0;
		}
		case 'etcd-drill':
		case 'etcd-heal': {
			const {loadConfig} = await import('./config/load.js');
			const {runEtcdDrillCommand, runEtcdHealCommand} = await import('./etcd/commands.js');
			const {config} = loadConfig(flags.config);
			const options = {config, stdout: process.stdout, stderr: process.stderr, ttlMs: durationFlag('ttl', flags.ttl), member: flags.member, dryRun: flags.dryRun ?? false, yes: flags.yes ?? false};
			return command === 'etcd-drill' ? runEtcdDrillCommand(options) : runEtcdHealCommand(options);
		}
		case 'partition':
		case 'heal':
		case 'drills': {
			const {runDrillCommand} = await import('./drill-cli.js');
			return runDrillCommand(command, {
				configFlag: flags.config,
				demo: flags.demo ?? false,
				ttlMs: durationFlag('ttl', flags.ttl),
				dryRun: flags.dryRun ?? false,
				yes: flags.yes ?? false,
				force: flags.force ?? false,
			});
		}
	}
}

/** `check --json` answers in JSON even when it cannot start: scripts read stdout, not stderr. */
function jsonError(message: string, exitCode: number): string {
	return `${JSON.stringify({status: 'UNKNOWN', exitCode, error: message, checkedAt: new Date().toISOString()}, null, 2)}\n`;
}

main().then(
	code => {
		process.exitCode = code;
	},
	(error: unknown) => {
		const message = (error as Error)?.message ?? String(error);
		const exitCode = error instanceof ConfigError ? error.exitCode : 3;
		if (json) process.stdout.write(jsonError(message, exitCode));
		process.stderr.write(`labwatch: ${message}\n`);
		if (!(error instanceof ConfigError) && process.env.LABWATCH_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
		process.exitCode = exitCode;
	},
);
