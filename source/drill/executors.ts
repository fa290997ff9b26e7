// Executors run one iptables argument array at an enforcement point. Argument arrays only: nothing runs through
// a local shell (ssh's remote side gets a line of single-quoted words, see argv.ts).
import {execa} from 'execa';
import type {CommandResult, EnforcementPoint} from './types.js';
import {iptablesPrefix, programArgv} from './argv.js';

export interface Executor {
	/** "m1 (local)". */
	readonly description: string;
	/** The full argv that `run(args)` executes, for plans and the journal. */
	argv(args: string[]): string[];
	/** input: the command's standard input (pfctl -f -), else none. */
	run(args: string[], input?: string): Promise<CommandResult>;
}

export interface ExecutorOptions {
	/** Extra ssh options (an identity file, a port): tests and unusual setups. */
	sshExtra?: string[];
	/** Per command; a hung ssh or docker must not hang the drill. */
	timeoutMs?: number;
}

/** Runs an argv with execa and never throws: a missing program or a timeout comes back as exit code -1. */
export async function runArgv(argv: string[], timeoutMs = 15_000, input?: string): Promise<CommandResult> {
	const [file, ...args] = argv;
	if (!file) return {exitCode: -1, stdout: '', stderr: 'empty command'};
	try {
		const result = await execa(file, args, {reject: false, timeout: timeoutMs, encoding: 'utf8', ...(input === undefined ? {stdin: 'ignore' as const} : {input})});
		const stderr = String(result.stderr ?? '');
		if (typeof result.exitCode === 'number') return {exitCode: result.exitCode, stdout: String(result.stdout ?? ''), stderr};
		return {exitCode: -1, stdout: String(result.stdout ?? ''), stderr: stderr || result.shortMessage || 'command failed'};
	} catch (error) {
		return {exitCode: -1, stdout: '', stderr: error instanceof Error ? error.message.split('\n')[0]! : String(error)};
	}
}

export function executorFor(point: EnforcementPoint, options: ExecutorOptions = {}): Executor {
	const sshExtra = options.sshExtra ?? [];
	return {
		description: point.label,
		argv: args => programArgv(point, args, sshExtra),
		run: (args, input) => runArgv(programArgv(point, args, sshExtra), options.timeoutMs, input),
	};
}

export {iptablesPrefix};
