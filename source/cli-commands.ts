// What each subcommand accepts, and its help. One meow per subcommand: a flag is known only to the
// commands it applies to, so `check --ttl 5s` is refused instead of silently ignored, and `X --help`
// prints X's help and touches nothing. To add a flag or a command, add it here; cli.ts only dispatches.
import meow, {type AnyFlag} from 'meow';
import {ConfigError} from './config/errors.js';

export type CommandName = 'tui' | 'check' | 'init' | 'sim' | 'partition' | 'heal' | 'drills' | 'etcd-drill' | 'etcd-heal';

interface FlagSpec {
	type: 'string' | 'boolean' | 'number';
	default?: string | boolean | number;
	/** "FILE", "5s": shown after the flag in the help. */
	value?: string;
	help: string;
}

interface CommandSpec {
	usage: string;
	summary: string;
	flags: Record<string, FlagSpec>;
	examples: string[];
}

const configFlag: FlagSpec = {type: 'string', value: 'FILE', help: 'config file (default: $LABWATCH_CONFIG, then $XDG_CONFIG_HOME/labwatch/config.yaml)'};
const demoFlag: FlagSpec = {type: 'boolean', default: false, help: 'use the in-process simulated homelab (no cluster needed; not with --config or --kubeconfig)'};
const kubeconfigFlag: FlagSpec = {type: 'string', value: 'FILE', help: "kubeconfig to read (overrides the config's kubeconfig: and $KUBECONFIG)"};

export const commands: Record<CommandName, CommandSpec> = {
	tui: {
		usage: 'labwatch [--config FILE | --demo] [--kubeconfig FILE] [--read-only] [--ascii]',
		summary: 'The live TUI: both clusters, Submariner, memory budgets, partition drills. Needs a terminal.',
		flags: {
			config: configFlag,
			demo: demoFlag,
			kubeconfig: kubeconfigFlag,
			readOnly: {type: 'boolean', default: false, help: 'hide every key that changes anything (drills, delete, restart)'},
			ascii: {type: 'boolean', default: false, help: 'plain ASCII borders and bars'},
		},
		examples: ['labwatch --demo', 'labwatch --config ~/.config/labwatch/config.yaml --read-only'],
	},
	check: {
		usage: 'labwatch check [--config FILE | --demo] [--kubeconfig FILE] [--json] [--timeout 5s]',
		summary: 'One look at every cluster, gateway and host; the verdict the TUI shows. Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; a bad config or flag exits 2.',
		flags: {
			config: configFlag,
			demo: demoFlag,
			kubeconfig: kubeconfigFlag,
			json: {type: 'boolean', default: false, help: 'one JSON document on stdout (also for a config error: status UNKNOWN)'},
			timeout: {type: 'string', default: '5s', value: 'DURATION', help: 'bound the whole run (default 5s)'},
		},
		examples: ['labwatch check', 'labwatch check --json --timeout 10s | jq .status'],
	},
	init: {
		usage: 'labwatch init [--yes] [--kubeconfig FILE] [--prometheus URL] [--config FILE] [--force]',
		summary:
			'Find the homelab (kubeconfig contexts, their nodes, kind containers, Prometheus) and propose a commented config; written with --yes or a yes at the terminal, printed otherwise.',
		flags: {
			config: {type: 'string', value: 'FILE', help: 'where to write it (default: $LABWATCH_CONFIG, then $XDG_CONFIG_HOME/labwatch/config.yaml)'},
			kubeconfig: {type: 'string', value: 'FILE', help: 'read these contexts (default: $KUBECONFIG, then ~/.kube/config)'},
			prometheus: {type: 'string', value: 'URL', help: 'look for Prometheus only here'},
			yes: {type: 'boolean', default: false, help: 'ask nothing: write the proposal'},
			force: {type: 'boolean', default: false, help: 'overwrite an existing file'},
		},
		examples: ['labwatch init', 'labwatch init --yes --kubeconfig ~/.kube/config-m1 --config ./lab.yaml', 'labwatch init | less'],
	},
	sim: {
		usage: 'labwatch sim [--kubeconfig FILE] [--config-out FILE] [--bind ADDR] [--port N] [--only m1,m2] …',
		summary: 'Run the simulated homelab in the foreground (Ctrl-C stops it), for kubectl and labwatch.',
		flags: {
			kubeconfig: {type: 'string', value: 'FILE', help: 'write a kubeconfig for the simulated clusters here'},
			configOut: {type: 'string', value: 'FILE', help: 'write a labwatch config for them here'},
			bind: {type: 'string', value: 'ADDR', help: 'address to listen on (default 127.0.0.1)'},
			port: {type: 'number', value: 'N', help: 'first port; further clusters take the next ones (default: any free port)'},
			only: {type: 'string', value: 'NAMES', help: 'simulate only these clusters, comma-separated (m1, m2)'},
			pods: {type: 'number', value: 'N', help: 'pods per cluster (default: the homelab seed)'},
			churn: {type: 'number', value: 'R', help: 'pod changes per second per cluster'},
			peer: {type: 'string', value: 'URL', help: "another sim's control URL, for split setups"},
			life: {type: 'boolean', default: true, help: 'restarts, CI jobs and memory drift; --no-life for a quiet homelab'},
			hostOs: {type: 'string', value: 'HOST=OS', help: "a host's node_exporter dialect, e.g. m2=linux (default darwin: the Macs)"},
		},
		examples: ['labwatch sim --config-out /tmp/sim.yaml', 'labwatch sim --only m2 --port 7002 --no-life'],
	},
	partition: {
		usage: 'labwatch partition [--config FILE] [--ttl 60s] [--dry-run] [--yes] [--force]',
		summary: 'Cut the hosts apart for a drill (iptables or pf, healed by itself after the TTL). Shows the plan and asks first.',
		flags: {
			config: configFlag,
			demo: {type: 'boolean', default: false, help: 'refused: the demo homelab lives inside the TUI (press p there)'},
			ttl: {type: 'string', value: 'DURATION', help: 'heal by itself after this long (default: drill.ttl, 60s)'},
			dryRun: {type: 'boolean', default: false, help: 'print the plan and the exact commands, change nothing'},
			yes: {type: 'boolean', default: false, help: 'do not ask'},
			force: {type: 'boolean', default: false, help: "cut even if it severs labwatch's own path to a cluster"},
		},
		examples: ['labwatch partition --dry-run', 'sudo labwatch partition --ttl 2m --yes'],
	},
	heal: {
		usage: 'labwatch heal [--config FILE] [--dry-run]',
		summary: 'Remove every labwatch partition rule found, and write the drill report.',
		flags: {
			config: configFlag,
			dryRun: {type: 'boolean', default: false, help: 'print the rules found and the exact commands a heal would run, change nothing'},
			demo: {type: 'boolean', default: false, help: 'refused: the demo homelab lives inside the TUI (press r there)'},
		},
		examples: ['sudo labwatch heal', 'labwatch heal --dry-run'],
	},
	'etcd-drill': {
		usage: 'labwatch etcd-drill [--config FILE] [--ttl 60s] [--member NAME] [--dry-run] [--yes]',
		summary: 'Stop the etcd leader at its point (run again: another member, quorum lost); it starts by itself after the TTL. Shows the plan and asks first.',
		flags: {
			config: configFlag,
			ttl: {type: 'string', value: 'DURATION', help: 'start it again by itself after this long (default: etcd.ttl, 60s)'},
			member: {type: 'string', value: 'NAME', help: 'stop this member instead of the current leader'},
			dryRun: {type: 'boolean', default: false, help: 'print the plan and the exact commands, change nothing'},
			yes: {type: 'boolean', default: false, help: 'do not ask'},
		},
		examples: ['labwatch etcd-drill --dry-run', 'labwatch etcd-drill --ttl 2m --yes'],
	},
	'etcd-heal': {
		usage: 'labwatch etcd-heal [--config FILE] [--dry-run]',
		summary: 'Start every etcd member an etcd drill stopped (even a crashed run\'s), from the journal.',
		flags: {
			config: configFlag,
			dryRun: {type: 'boolean', default: false, help: 'print the commands a heal would run, change nothing'},
		},
		examples: ['labwatch etcd-heal', 'labwatch etcd-heal --dry-run'],
	},
	drills: {
		usage: 'labwatch drills [--demo]',
		summary: 'List the drill reports, newest first.',
		flags: {
			config: configFlag,
			demo: {type: 'boolean', default: false, help: "the demo's drills (labwatch --demo keeps its state apart)"},
		},
		examples: ['labwatch drills', 'labwatch drills --demo'],
	},
};

export const commandNames = Object.keys(commands).filter(name => name !== 'tui') as Array<Exclude<CommandName, 'tui'>>;

const kebab = (name: string) => name.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);

function flagLine(name: string, flag: FlagSpec): string {
	const shown = flag.type === 'boolean' && flag.default === true ? `--no-${kebab(name)}` : `--${kebab(name)}${flag.value ? ` ${flag.value}` : ''}`;
	return `    ${shown.padEnd(22)} ${flag.help}`;
}

export function commandHelp(name: CommandName): string {
	const spec = commands[name];
	const lines = [`  Usage`, `    $ ${spec.usage}`, '', `  ${spec.summary}`, '', '  Options'];
	for (const [flag, each] of Object.entries(spec.flags)) lines.push(flagLine(flag, each));
	lines.push(flagLine('help', {type: 'boolean', help: 'this help (-h)'}));
	if (name === 'tui') {
		lines.push(flagLine('version', {type: 'boolean', help: 'the version (-v)'}));
		lines.push('', '  Commands (each has its own --help)');
		for (const command of commandNames) lines.push(`    ${command.padEnd(22)} ${commands[command].summary.split('. ')[0]!.replace(/\.$/, '')}`);
	}
	lines.push('', '  Examples', ...spec.examples.map(example => `    $ ${example}`));
	return `\n${lines.join('\n')}\n`;
}

/** Flags that take a value, in any command: `--config F check` must not read F as the command. */
const valueFlags = new Set(
	Object.values(commands).flatMap(spec => Object.entries(spec.flags).filter(([, flag]) => flag.type !== 'boolean').map(([name]) => kebab(name))),
);

/** The subcommand (the first argument that is neither a flag nor a flag's value) and the rest. */
export function splitCommand(argv: string[]): {command: string; rest: string[]} {
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		if (arg === '--') break;
		if (arg.startsWith('-')) {
			if (!arg.includes('=') && valueFlags.has(arg.replace(/^--?/, ''))) index++;
			continue;
		}
		return {command: arg, rest: [...argv.slice(0, index), ...argv.slice(index + 1)]};
	}
	return {command: 'tui', rest: argv};
}

export type ParsedCommand =
	| {command: CommandName; action: 'help'}
	| {command: CommandName; action: 'version'; version: string}
	| {command: CommandName; action: 'run'; flags: Record<string, any>};

/**
 * Parses argv for one command. Unknown flags, flags of other commands and stray arguments are
 * ConfigErrors (one line, exit 2); --help/-h and --version/-v win over everything else.
 */
export function parseCommand(argv: string[]): ParsedCommand {
	const split = splitCommand(argv);
	if (!Object.hasOwn(commands, split.command)) {
		throw new ConfigError(`unknown command "${split.command}" (commands: ${commandNames.join(', ')}; see labwatch --help)`);
	}
	const command = split.command as CommandName;
	const spec = commands[command];
	const flags: Record<string, AnyFlag> = {
		help: {type: 'boolean', shortFlag: 'h', default: false},
		version: {type: 'boolean', shortFlag: 'v', default: false},
	};
	for (const [name, flag] of Object.entries(spec.flags)) {
		flags[name] = (flag.default === undefined ? {type: flag.type} : {type: flag.type, default: flag.default}) as AnyFlag;
	}
	// Unknown flags are checked below, so the error is one line that names the command.
	const cli = meow('', {importMeta: import.meta, argv: split.rest, flags, allowUnknownFlags: true, autoHelp: false, autoVersion: false, booleanDefault: undefined});
	if (cli.flags.help) return {command, action: 'help'};
	if (cli.flags.version) return {command, action: 'version', version: String(cli.pkg.version ?? 'unknown')};
	const known = new Set(['help', 'h', 'version', 'v', ...Object.keys(spec.flags)]);
	for (const name of Object.keys(cli.unnormalizedFlags)) {
		if (known.has(name) || name === '--') continue;
		const negated = cli.unnormalizedFlags[name] === false && !split.rest.includes(`--${kebab(name)}`);
		const shown = name.length === 1 ? `-${name}` : `--${negated ? 'no-' : ''}${kebab(name)}`;
		const owners = Object.entries(commands).filter(([, other]) => name in other.flags).map(([owner]) => (owner === 'tui' ? 'the TUI' : owner));
		const where = command === 'tui' ? 'the TUI' : `labwatch ${command}`;
		const hint = owners.length > 0 ? `: it applies to ${owners.join(', ')}` : '';
		throw new ConfigError(`${shown} is not a flag of ${where}${hint} (see ${command === 'tui' ? 'labwatch' : `labwatch ${command}`} --help)`);
	}
	if (cli.input.length > 0) throw new ConfigError(`unexpected argument "${cli.input[0]}" (see ${command === 'tui' ? 'labwatch' : `labwatch ${command}`} --help)`);
	for (const [name, flag] of Object.entries(spec.flags)) {
		const value = cli.flags[name];
		if (flag.type === 'number' && value !== undefined && !Number.isFinite(value)) throw new ConfigError(`--${kebab(name)}: expected a number`);
		if (flag.type === 'string' && value !== undefined && (typeof value !== 'string' || value === '')) {
			throw new ConfigError(`--${kebab(name)}: expected a value${flag.value ? ` (${flag.value})` : ''}`);
		}
	}
	return {command, action: 'run', flags: cli.flags};
}
