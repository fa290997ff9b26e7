// The shell face of the etcd drill, mirroring `labwatch partition` / `labwatch heal`:
//   labwatch etcd-drill [--ttl 60s] [--member NAME] [--dry-run] [--yes]   stop the leader (again: another member)
//   labwatch etcd-heal [--dry-run]                                        start every member a drill stopped
import {askTerminal} from '../ask-terminal.js';
import type {Config} from '../config/schema.js';
import {formatCommand} from '../drill/plan.js';
import {EtcdPoller} from './poller.js';
import {EtcdDrill, type EtcdStopPlan} from './drill.js';
import {startScript} from './point.js';
import {shellQuote} from '../drill/argv.js';
import {memberWords} from './verdict.js';

export interface Output {
	write(text: string): unknown;
}

export interface EtcdCommandOptions {
	config: Config;
	stdout: Output;
	stderr: Output;
	stateDir?: string;
	env?: NodeJS.ProcessEnv;
	ttlMs?: number;
	member?: string;
	dryRun?: boolean;
	yes?: boolean;
	interactive?: boolean;
	confirm?: (question: string) => Promise<boolean>;
}

function setup(options: EtcdCommandOptions, by: string) {
	const etcd = options.config.etcd;
	if (!etcd) return undefined;
	let drill: EtcdDrill | undefined;
	const poller = new EtcdPoller({config: etcd, onChange: () => {}, stopped: () => drill?.stoppedMembers() ?? []});
	drill = new EtcdDrill({config: options.config, stateDir: options.stateDir, env: options.env, by, status: () => poller.status, poll: () => poller.pollOnce()});
	return {poller, drill};
}

/** The commands as a person would paste them; the timer's script is printed once, not inside the line. */
function display(argv: string[]): string {
	const marker = '\u0000START_SCRIPT\u0000';
	const words = argv.map(word => (word === startScript ? marker : word.replace(shellQuote(startScript), '"$START_SCRIPT"')));
	return formatCommand(words).replaceAll(`'${marker}'`, '"$START_SCRIPT"');
}

export function formatStopPlan(plan: EtcdStopPlan): string {
	return [
		`etcd drill ${plan.drillId}: stop ${plan.member} (${plan.role}) at ${plan.label}; ${plan.effect}`,
		`  first, schedule the start on the point (runs after ${Math.round(plan.ttlMs / 1000)} s even if labwatch dies):`,
		`    ${display(plan.commands[0]!)}`,
		'  stop:',
		`    ${display(plan.commands[1]!)}`,
		'  heal (labwatch etcd-heal, r in the TUI, or the timer):',
		`    ${display(plan.start)}`,
		'',
		'START_SCRIPT:',
		...startScript.split('\n').map(line => `    ${line}`),
		'',
	].join('\n');
}


function warnings(drill: EtcdDrill, stderr: Output): void {
	for (const warning of drill.drainWarnings()) stderr.write(`labwatch: warning: ${warning}\n`);
}

export async function runEtcdDrillCommand(options: EtcdCommandOptions): Promise<number> {
	const made = setup(options, 'labwatch etcd-drill');
	if (!made) {
		options.stderr.write('labwatch: etcd is not configured: add an etcd: section with members (see the README, "The etcd drill")\n');
		return 2;
	}
	const {poller, drill} = made;
	try {
		const status = await poller.pollOnce();
		await drill.inspect();
		for (const member of status.members) options.stdout.write(`${member.name}: ${memberWords(member)}\n`);
		const planned = drill.plan(options.ttlMs, options.member);
		if (!planned.ok) {
			options.stderr.write(`labwatch: ${planned.error}\n`);
			return 2;
		}
		options.stdout.write(`\n${formatStopPlan(planned.value)}`);
		if (options.dryRun) {
			options.stdout.write('dry run: nothing changed\n');
			return 0;
		}
		if (!options.yes) {
			const interactive = options.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
			if (!interactive) {
				options.stderr.write('labwatch: refusing to stop a member without confirmation: not a terminal, pass --yes\n');
				return 2;
			}
			if (!(await (options.confirm ?? askTerminal)(`\nStop ${planned.value.member} now? [y/N] `))) {
				options.stdout.write('cancelled: nothing changed\n');
				return 1;
			}
		}
		const stopped = await drill.stop({ttlMs: options.ttlMs, member: planned.value.member});
		if (stopped.ok) await drill.verifyDown(stopped.value.member);
		warnings(drill, options.stderr);
		if (!stopped.ok) {
			options.stderr.write(`labwatch: ${stopped.error}\n`);
			return 1;
		}
		const dueMs = drill.status().sinceMs! + drill.status().ttlMs!;
		options.stdout.write(`stopped ${stopped.value.member}; it starts again by itself at ${new Date(dueMs).toTimeString().slice(0, 8)}; heal now with: labwatch etcd-heal\n`);
		return 0;
	} finally {
		poller.stop();
		drill.dispose();
	}
}

export async function runEtcdHealCommand(options: EtcdCommandOptions): Promise<number> {
	const made = setup(options, 'labwatch etcd-heal');
	if (!made) {
		options.stderr.write('labwatch: etcd is not configured: add an etcd: section with members\n');
		return 2;
	}
	const {poller, drill} = made;
	try {
		const result = await drill.heal('labwatch etcd-heal', {dryRun: options.dryRun});
		if (result.ok && result.value.started.length > 0) await drill.verifyUp(result.value.started);
		warnings(drill, options.stderr);
		if (!result.ok) {
			options.stderr.write(`labwatch: ${result.error}\n`);
			return 1;
		}
		if (result.value.dryRun) {
			const list = result.value.wouldRun ?? [];
			if (list.length === 0) options.stdout.write('no member stopped by an etcd drill: nothing to start\n');
			for (const entry of list) options.stdout.write(`${entry.member}: would run\n${entry.commands.map(argv => `    ${formatCommand(argv)}\n`).join('')}`);
			options.stdout.write('dry run: nothing changed\n');
			return 0;
		}
		if (result.value.started.length === 0) options.stdout.write('no member stopped by an etcd drill: nothing to start\n');
		else options.stdout.write(`started ${result.value.started.join(', ')} (drill ${result.value.drillIds.join(', ')})\n`);
		if (result.value.reportPath) options.stdout.write(`report: ${result.value.reportPath}\n`);
		return 0;
	} finally {
		poller.stop();
		drill.dispose();
	}
}
