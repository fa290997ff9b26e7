// The shell face of drills: `labwatch partition`, `labwatch heal`, `labwatch drills`. Each returns an exit code
// and prints one-line errors; the lead wires them into cli.ts.
import {askTerminal} from '../ask-terminal.js';
import {readFile} from 'node:fs/promises';
import type {Config} from '../config/schema.js';
import {DrillRunner, type DrillPlan} from './runner.js';
import {formatCommand} from './plan.js';
import {healScript} from './deadman.js';
import {pfArmScript} from './pf.js';
import {shellQuote} from './argv.js';
import {Journal, stateDirFrom} from './journal.js';
import type {TimelineReport} from './timeline.js';
import {etcdReportLine} from '../etcd/report-lines.js';

export interface Output {
	write(text: string): unknown;
}

export interface DrillCommandOptions {
	config: Config;
	stdout: Output;
	stderr: Output;
	/** Default: $XDG_STATE_HOME/labwatch. */
	stateDir?: string;
	env?: NodeJS.ProcessEnv;
	sshExtra?: string[];
}

export interface PartitionCommandOptions extends DrillCommandOptions {
	ttlMs?: number;
	dryRun?: boolean;
	yes?: boolean;
	force?: boolean;
	/** Whether a person can answer (default: stdin and stdout are terminals). */
	interactive?: boolean;
	/** Asks "cut now?"; default reads a line from the terminal. */
	confirm?: (question: string) => Promise<boolean>;
	/** For sim points, which only this process heals: wait for the TTL (default true). */
	waitForSimHeal?: boolean;
}

function runnerFor(options: DrillCommandOptions, by: string): DrillRunner {
	return new DrillRunner({config: options.config, stateDir: options.stateDir, env: options.env, sshExtra: options.sshExtra, by});
}

/** Problems that did not stop the command (journal, report, a timer left alone): one loud line each. */
function printWarnings(runner: DrillRunner, stderr: Output): void {
	for (const warning of runner.drainWarnings()) stderr.write(`labwatch: warning: ${warning}\n`);
}

function clock(ms: number): string {
	return new Date(ms).toTimeString().slice(0, 8);
}

/** The commands as a person would paste them; the scripts are printed once, not inside every line. */
function display(argv: string[]): string {
	let words = argv;
	for (const [script, name] of [[healScript, 'HEAL_SCRIPT'], [pfArmScript, 'PF_ARM_SCRIPT']] as const) {
		const marker = `\u0000${name}\u0000`;
		words = words.map(word => (word === script ? marker : word.replace(shellQuote(script), `"$${name}"`)));
	}
	return formatCommand(words).replaceAll(/'\u0000([A-Z_]+)\u0000'/g, '"$$$1"');
}

export function formatPlan(plan: DrillPlan): string {
	const lines = [`Partition drill ${plan.drillId}: cut for ${Math.round(plan.ttlMs / 1000)} s, chain ${plan.chain}`];
	let usesScript = false;
	let usesPfScript = false;
	plan.points.forEach((entry, index) => {
		lines.push('', `${entry.point.label}: drop ${entry.point.peers.join(', ')} both ways`);
		// In the order they run: the timer first, then the changes.
		const timer = plan.timers[index] ?? [];
		if (timer.length > 0 && entry.point.firewall === 'pf') {
			usesPfScript = true;
			lines.push(`  first, enable pf (a reference) and schedule the heal on the point (flushes the anchor after ${Math.round(plan.ttlMs / 1000)} s even if labwatch dies):`, `    ${display(timer)}`);
		} else if (timer.length > 0) {
			usesScript = true;
			lines.push(`  first, schedule the heal on the point (runs after ${Math.round(plan.ttlMs / 1000)} s even if labwatch dies):`, `    ${display(timer)}`);
		}
		lines.push('  cut:', ...entry.cut.map(argv => `    ${display(argv)}`));
		if (entry.input) lines.push('  rules (the standard input of pfctl -f -):', ...entry.input.trimEnd().split('\n').map(line => `    ${line}`));
		if (entry.note) lines.push(`  note: ${entry.note}`);
		const healTitle = entry.point.firewall === 'pf' ? '  heal (labwatch heal; -X releases the reference the cut took):' : '  heal (labwatch heal; each -D repeats until none is left):';
		lines.push(healTitle, ...entry.heal.map(argv => `    ${display(argv)}`));
	});
	if (usesScript) lines.push('', 'HEAL_SCRIPT (heals only while the chain still carries this drill id):', ...healScript.split('\n').map(line => `    ${line}`));
	if (usesPfScript) lines.push('', 'PF_ARM_SCRIPT (flushes the anchor only while it carries this drill id; always releases its own pf reference):', ...pfArmScript.split('\n').map(line => `    ${line}`));
	return `${lines.join('\n')}\n`;
}


/** `labwatch partition [--ttl 60s] [--dry-run] [--yes] [--force]`. */
export async function runPartitionCommand(options: PartitionCommandOptions): Promise<number> {
	const {stdout, stderr} = options;
	const runner = runnerFor(options, 'labwatch partition');
	try {
		const planned = runner.plan(options.ttlMs);
		if (!planned.ok) {
			stderr.write(`labwatch: ${planned.error}\n`);
			return 2;
		}
		stdout.write(formatPlan(planned.value));
		if (options.dryRun) {
			const dry = await runner.cut({ttlMs: options.ttlMs, dryRun: true});
			if (dry.ok && dry.value.warning) stdout.write(`\nwarning: ${dry.value.warning}\n`);
			stdout.write('\ndry run: nothing changed\n');
			return 0;
		}
		if (!options.yes) {
			const interactive = options.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
			if (!interactive) {
				stderr.write('labwatch: refusing to cut without confirmation: not a terminal, pass --yes\n');
				return 2;
			}
			const confirmed = await (options.confirm ?? askTerminal)('\nCut now? [y/N] ');
			if (!confirmed) {
				stdout.write('cancelled: nothing changed\n');
				return 1;
			}
		}
		const cut = await runner.cut({ttlMs: options.ttlMs, force: options.force});
		printWarnings(runner, stderr);
		if (!cut.ok) {
			stderr.write(`labwatch: ${cut.error}\n`);
			return cut.error.startsWith('refusing') ? 2 : 1;
		}
		if (cut.value.warning) stderr.write(`labwatch: warning (--force): ${cut.value.warning}\n`);
		for (const outcome of cut.value.outcomes) {
			const timer = outcome.timer;
			const heals = timer ? `heals by itself at ${clock(timer.dueMs)} (${timer.kind}${timer.pid ? ` pid ${timer.pid}` : ''})` : '';
			stdout.write(`cut applied at ${outcome.point}, verified; ${heals}\n`);
		}
		stdout.write(`drill ${cut.value.drillId} is live; heal now with: labwatch heal\n`);
		const simPoints = cut.value.plan.points.filter(entry => entry.point.via === 'sim');
		if (simPoints.length > 0 && options.waitForSimHeal !== false) {
			// The simulator keeps no timer: this process is the heal, so it stays until the TTL (Ctrl-C heals now).
			stdout.write(`sim points heal from this process: waiting ${Math.round(cut.value.plan.ttlMs / 1000)} s (Ctrl-C heals now)\n`);
			await new Promise<void>(resolve => {
				const done = (): void => {
					clearTimeout(timer);
					process.off('SIGINT', done);
					resolve();
				};
				const timer = setTimeout(done, cut.value.plan.ttlMs);
				process.on('SIGINT', done);
			});
			const healed = await runner.heal('labwatch partition (ttl)');
			printWarnings(runner, stderr);
			return printHeal(healed, stdout, stderr);
		}
		return 0;
	} finally {
		runner.dispose();
	}
}

function printHeal(result: Awaited<ReturnType<DrillRunner['heal']>>, stdout: Output, stderr: Output): number {
	if (!result.ok) {
		stderr.write(`labwatch: ${result.error}\n`);
		return 1;
	}
	if (result.value.dryRun) {
		for (const entry of result.value.wouldRemove ?? []) {
			if (entry.error) stdout.write(`${entry.point}: cannot look: ${entry.error}\n`);
			else if (entry.found.length === 0) stdout.write(`${entry.point}: clean, nothing to remove\n`);
			else {
				stdout.write(`${entry.point}: would remove\n`);
				for (const line of entry.found) stdout.write(`    ${line}\n`);
				stdout.write('  by running:\n');
				for (const argv of entry.commands) stdout.write(`    ${formatCommand(argv)}\n`);
			}
		}
		if (result.value.drillIds.length > 0) stdout.write(`drill ${result.value.drillIds.join(', ')}\n`);
		stdout.write('dry run: nothing changed\n');
		return (result.value.wouldRemove ?? []).some(entry => entry.error) ? 1 : 0;
	}
	for (const outcome of result.value.outcomes) stdout.write(`${outcome.point}: ${outcome.applied ? 'removed the labwatch rules, verified' : 'clean, nothing to remove'}\n`);
	if (result.value.drillIds.length > 0) stdout.write(`healed drill ${result.value.drillIds.join(', ')}\n`);
	if (result.value.reportPath) stdout.write(`report: ${result.value.reportPath}\n`);
	return 0;
}

/** `labwatch heal [--dry-run]`: removes every labwatch rule found at every point, even from a crashed run. */
export async function runHealCommand(options: DrillCommandOptions & {dryRun?: boolean}): Promise<number> {
	const runner = runnerFor(options, 'labwatch heal');
	try {
		const result = await runner.heal('labwatch heal', {dryRun: options.dryRun});
		printWarnings(runner, options.stderr);
		return printHeal(result, options.stdout, options.stderr);
	} finally {
		runner.dispose();
	}
}

/** `labwatch drills`: the reports in the state directory, newest last. */
export async function runDrillsCommand(options: Omit<DrillCommandOptions, 'config'> & {config?: Config}): Promise<number> {
	const journal = new Journal(options.stateDir ?? stateDirFrom(options.env ?? process.env));
	const ids = await journal.listReports();
	if (ids.length === 0) {
		options.stdout.write(`no drill reports in ${journal.dir}/drills\n`);
		return 0;
	}
	for (const id of ids) {
		let report: TimelineReport & {points?: string[]; outcome?: string; demo?: boolean};
		try {
			report = JSON.parse(await readFile(journal.reportPath(id, 'json'), 'utf8')) as typeof report;
		} catch {
			options.stdout.write(`${id}  (unreadable report)\n`);
			continue;
		}
		const when = report.cutAtMs ? new Date(report.cutAtMs).toISOString().replace('T', ' ').slice(0, 19) : '—';
		if ((report as {kind?: unknown}).kind === 'etcd') {
			options.stdout.write(`${etcdReportLine(id, when, report)}\n    ${journal.reportPath(id, 'md')}\n`);
			continue;
		}
		const heal = report.cutAtMs && report.healAtMs ? `${Math.round((report.healAtMs - report.cutAtMs) / 1000)} s` : '—';
		const detected = (report.signals ?? [])
			.filter(signal => signal.detectMs !== undefined)
			.map(signal => `${signal.signal} ${(signal.detectMs! / 1000).toFixed(1)} s${signal.detectOk === false ? ' (over goal)' : ''}`);
		// Simulated drills are marked, including those written before the demo had a state directory of its own.
		const points = report.points ?? [];
		const demo = report.demo === true || (points.length > 0 && points.every(point => point.endsWith('(sim)')));
		options.stdout.write(`${id}  ${when}  cut for ${heal}  ${points.join(', ')}  ${detected.join('; ') || 'no signals seen'}${demo ? '  (demo)' : ''}\n`);
		options.stdout.write(`    ${journal.reportPath(id, 'md')}\n`);
	}
	return 0;
}
