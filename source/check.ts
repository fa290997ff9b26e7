// `labwatch check`: one look at every cluster under a deadline, printed as lines or JSON, with the
// Nagios exit codes. No Ink, no React: this path must start fast over SSH.
import {openLab, startBudgetPoll} from './lab.js';
import {fetchClusterOnce} from './kube/fetch-once.js';
import {checkJson, checkText, exitCodes} from './check-report.js';
import {ProbeRunner} from './probes/runner.js';
import {kubectlTargets} from './probes/from-cluster.js';
import {evaluatePhases} from './phases/checklist.js';
import {newestDrillEvidence} from './phases/drill-evidence.js';
import {demoStateDir, stateDirFrom} from './drill/journal.js';

export interface CheckOptions {
	configFlag?: string;
	kubeconfig?: string;
	demo?: boolean;
	json: boolean;
	timeoutMs: number;
	stdout?: NodeJS.WritableStream;
}

export async function runCheck(options: CheckOptions): Promise<number> {
	const stdout = options.stdout ?? process.stdout;
	const startedMs = Date.now();
	const lab = await openLab({configFlag: options.configFlag, kubeconfig: options.kubeconfig, demo: options.demo});
	try {
		// Leave a little of the budget for printing; never wait on a cluster past the deadline.
		const deadlineMs = startedMs + options.timeoutMs - 100;
		const budgetMs = Math.max(200, deadlineMs - Date.now());
		// A cluster that does not answer /readyz in this long is reported unreachable without waiting out
		// the whole timeout; twice the TUI's probe deadline, since one look has no second chance.
		const probeMs = Math.max(1500, lab.config.probe.timeout * 2);
		const budgets = await startBudgetPoll(lab, deadlineMs);
		// Each probe runs once, within its own timeout and the deadline.
		const probes = new ProbeRunner({probes: lab.config.probes, kubectl: kubectlTargets(lab.config), onChange: statuses => lab.store.setProbes(statuses)});
		await Promise.all(
			Object.entries(lab.config.clusters).map(([name, cluster]) =>
				fetchClusterOnce(lab.kubeconfigs.get(name)!, {name, submarinerNamespace: cluster.submarinerNamespace}, lab.store, budgetMs, probeMs),
			),
		);
		// After the lists, not beside them: a latency measured while this process parses every pod is
		// this process's time, not the network's.
		if (lab.config.probes.length > 0) await probes.runAllOnce(Math.max(100, deadlineMs - Date.now()));
		// Budgets count the pods just listed.
		await budgets.finish();
		await inspectPartition(lab, startedMs + options.timeoutMs - 50);
		const drill = await newestDrillEvidence(lab.demo ? demoStateDir() : stateDirFrom()).catch(() => undefined);
		lab.store.setChecklist(snapshot => evaluatePhases({snapshot, config: lab.config, drill}));
		const snapshot = lab.store.snapshot();
		const phases = snapshot.phases ?? [];
		const text = options.json ? `${JSON.stringify(checkJson(snapshot, phases), null, 2)}\n` : checkText(snapshot, phases);
		// On macOS a pipe is written asynchronously: wait for it before the caller exits.
		await new Promise<void>(resolve => stdout.write(text, () => resolve()));
		return exitCodes[snapshot.verdict.level];
	} finally {
		await lab.close();
	}
}

/** A live cut or a leftover chain is part of the verdict: the journal says what this machine cut. */
// Inspecting needs iptables (often root, and absent on macOS); a check that cannot look, or not in
// time, says nothing about partitions rather than guessing.
async function inspectPartition(lab: Awaited<ReturnType<typeof openLab>>, deadlineMs: number): Promise<void> {
	if (lab.demo) return;
	const {DrillRunner} = await import('./drill/runner.js');
	const runner = new DrillRunner({config: lab.config});
	let timer: NodeJS.Timeout | undefined;
	try {
		const late = new Promise<undefined>(resolve => {
			timer = setTimeout(() => resolve(undefined), Math.max(0, deadlineMs - Date.now()));
		});
		const result = await Promise.race([runner.inspect(), late]);
		if (result?.ok && (result.value.active || result.value.leftover)) lab.store.setDrill(result.value, undefined);
	} catch {
		// see above
	} finally {
		clearTimeout(timer);
		runner.dispose();
	}
}
