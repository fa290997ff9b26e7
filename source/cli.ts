// The only place that reads argv: picks the subcommand, maps flags, and turns errors into one line
// and an exit code. Heavy faces (Ink, the simulator) are imported only by the subcommands that use them.
import meow from 'meow';
import {ConfigError} from './config/errors.js';
import {parseDurationIn} from './config/duration.js';

const help = `
  Usage
    $ labwatch [--config FILE]          the live TUI (needs a terminal)
    $ labwatch --demo                   the TUI on a simulated homelab (no cluster needed)
    $ labwatch check [--json] [--timeout 5s]
    $ labwatch init [--yes] [--kubeconfig FILE] [--prometheus URL] [--force]
                                        find the homelab, propose a commented config
    $ labwatch sim [--kubeconfig FILE] [--config-out FILE]
    $ labwatch partition [--ttl 60s] [--dry-run] [--yes] [--force]
    $ labwatch heal [--dry-run]         remove every labwatch partition rule found
    $ labwatch drills [--demo]          list drill reports (--demo: the demo's)

  Options
    --config FILE     config file (default: $LABWATCH_CONFIG, then $XDG_CONFIG_HOME/labwatch/config.yaml)
    --demo            run against an in-process simulated homelab
    --json            check: one JSON document on stdout
    --timeout S       check: bound the whole run (default 5s)
    --read-only       TUI: hide every key that changes anything
    --ascii           TUI: plain ASCII borders
    --ttl D           partition: heal by itself after D (default drill.ttl, 60s)
    --dry-run         partition, heal: print the commands, change nothing
    --yes             init, partition: do not ask
    --prometheus URL  init: look for Prometheus only here
    --force           init: overwrite; partition: cut even if it severs labwatch's own path
    sim: --bind ADDR --port N --only m1|m2 --pods N --churn R --no-life --peer URL --kubeconfig FILE --config-out FILE
         --host-os m2=linux   a host's node_exporter dialect (default darwin: the Macs)

  Exit codes (check): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. A bad config or flag exits 2 with one line.
`;

const cli = meow(help, {
	importMeta: import.meta,
	allowUnknownFlags: false,
	flags: {
		config: {type: 'string'},
		demo: {type: 'boolean', default: false},
		json: {type: 'boolean', default: false},
		timeout: {type: 'string', default: '5s'},
		readOnly: {type: 'boolean', default: false},
		ascii: {type: 'boolean', default: false},
		ttl: {type: 'string'},
		dryRun: {type: 'boolean', default: false},
		yes: {type: 'boolean', default: false},
		force: {type: 'boolean', default: false},
		bind: {type: 'string'},
		port: {type: 'number'},
		only: {type: 'string'},
		pods: {type: 'number'},
		churn: {type: 'number'},
		peer: {type: 'string'},
		kubeconfig: {type: 'string'},
		configOut: {type: 'string'},
		prometheus: {type: 'string'},
		life: {type: 'boolean', default: true},
		hostOs: {type: 'string'},
	},
});

// meow renames the process to the bin name, which wipes the arguments from `ps` and `pkill -f`; keep
// them, so a user can tell `labwatch sim` from the TUI.
process.title = ['labwatch', ...process.argv.slice(2)].join(' ');

function durationFlag(name: 'timeout' | 'ttl', value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	// The same ranges as the config's durations (source/config/duration.ts).
	const parsed = parseDurationIn(`--${name}`, value);
	if ('error' in parsed) throw new ConfigError(`--${name}: ${parsed.error}`);
	return parsed.ms;
}

async function main(): Promise<number> {
	const [command = 'tui', ...rest] = cli.input;
	if (rest.length > 0) throw new ConfigError(`unexpected argument "${rest[0]}" (see labwatch --help)`);
	const flags = cli.flags;
	switch (command) {
		case 'tui': {
			if (!process.stdout.isTTY || !process.stdin.isTTY) {
				process.stderr.write('labwatch: the TUI needs a terminal (over SSH use -t). For a one-shot health check run: labwatch check\n');
				return 3;
			}
			const {runTui} = await import('./tui/run-tui.js');
			const {wireSources} = await import('./tui/wire-sources.js');
			return runTui({configFlag: flags.config, demo: flags.demo, readOnly: flags.readOnly, ascii: flags.ascii, wire: wireSources});
		}
		case 'check': {
			const {runCheck} = await import('./check.js');
			// A slow Prometheus or iptables call past the deadline must not hold the process open.
			const code = await runCheck({
				configFlag: flags.config,
				demo: flags.demo,
				json: flags.json,
				timeoutMs: durationFlag('timeout', flags.timeout) ?? 5000,
			});
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
		case 'partition':
		case 'heal':
		case 'drills': {
			const {runDrillCommand} = await import('./drill-cli.js');
			return runDrillCommand(command, {
				configFlag: flags.config,
				demo: flags.demo,
				ttlMs: durationFlag('ttl', flags.ttl),
				dryRun: flags.dryRun,
				yes: flags.yes,
				force: flags.force,
				argv: process.argv.slice(2),
			});
		}
		default:
			throw new ConfigError(`unknown command "${command}" (see labwatch --help)`);
	}
}

main().then(
	code => {
		process.exitCode = code;
	},
	(error: unknown) => {
		if (error instanceof ConfigError) {
			process.stderr.write(`labwatch: ${error.message}\n`);
			process.exitCode = error.exitCode;
			return;
		}
		process.stderr.write(`labwatch: ${(error as Error)?.message ?? String(error)}\n`);
		if (process.env.LABWATCH_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
		process.exitCode = 3;
	},
);
