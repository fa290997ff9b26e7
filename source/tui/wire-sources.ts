// The sources around the TUI's lab beyond the cluster watches: memory budgets, and the drill runner
// with its startup look for a live or leftover cut. Their reports go into the store like any other.
import type {Lab} from '../lab.js';
import {startBudgets} from '../lab.js';
import type {TuiWiring} from './run-tui.js';
import {drillIntentsFrom} from './drill-intents.js';
import {digIntentsFor} from './dig-wiring.js';
import {stateDirFrom} from '../drill/journal.js';

/** How long after the first lists the probes start. */
const probeSettleMs = 2000;

export async function wireSources(lab: Lab): Promise<TuiWiring> {
	const {DrillRunner} = await import('../drill/runner.js');
	const budgets = await startBudgets(lab);
	const {store} = lab;
	const {drillRunnerOptions} = await import('./drill-intents.js');
	const runner = new DrillRunner(drillRunnerOptions(lab));
	// The checklist's phase 5 reads the newest drill report: again whenever a drill's state moves.
	const {evaluatePhases} = await import('../phases/checklist.js');
	const {newestDrillEvidence} = await import('../phases/drill-evidence.js');
	const stateDir = drillRunnerOptions(lab).stateDir ?? stateDirFrom();
	const readChecklist = () =>
		void newestDrillEvidence(stateDir).then(
			drill => store.setChecklist(snapshot => evaluatePhases({snapshot, config: lab.config, drill})),
			() => {},
		);
	store.setChecklist(snapshot => evaluatePhases({snapshot, config: lab.config}));
	readChecklist();
	let reportPath: string | undefined;
	const publish = () => {
		const {partition, progress} = runner.status();
		store.setDrill(partition, progress);
		// A drill that just ended has written its report.
		if (progress?.reportPath && progress.reportPath !== reportPath) readChecklist();
		reportPath = progress?.reportPath;
	};
	const stopListening = runner.onChange(publish);
	// The timeline is read from successive snapshots while a drill is on; building a snapshot on every
	// store change the rest of the time would be work on the hot path for nothing.
	const stopObserving = store.subscribe(() => {
		if (runner.observing) runner.observe(store.snapshot());
	});
	// A cut left by a crashed run (or another labwatch) is shown at once, with the key to heal it.
	void runner.inspect().then(publish, () => {});
	// Probes from where labwatch runs, each on its own interval, into the store.
	const {ProbeRunner} = await import('../probes/runner.js');
	const {kubectlTargets} = await import('../probes/from-cluster.js');
	const probes = new ProbeRunner({probes: lab.config.probes, kubectl: kubectlTargets(lab.config), onChange: statuses => store.setProbes(statuses)});
	// Not before the first lists are in: a latency measured while this process parses every pod and draws
	// its first frames is this process's time, not the network's, and would sit in the window for minutes.
	const settled = () =>
		store.clusterNames().every(name => {
			const phase = store.connection(name)?.phase;
			return phase === 'unreachable' || (phase === 'live' && store.isSynced(name));
		});
	let stopWaiting = () => {};
	let startTimer: NodeJS.Timeout | undefined;
	const startProbes = () => {
		stopWaiting();
		// The first frames are drawn just after the lists arrive: let them pass too.
		startTimer ??= setTimeout(() => probes.start(), probeSettleMs);
	};
	if (settled()) startProbes();
	else {
		const unsubscribe = store.subscribe(() => {
			if (settled()) startProbes();
		});
		// A cluster stuck connecting does not hold the probes back for long.
		const fallback = setTimeout(startProbes, 10_000);
		stopWaiting = () => {
			unsubscribe();
			clearTimeout(fallback);
		};
	}
	const dig = await digIntentsFor(lab);
	return {
		drill: drillIntentsFrom(runner, lab.config.drill.ttl),
		dig,
		async stop() {
			dig.dispose();
			stopWaiting();
			clearTimeout(startTimer);
			probes.stop();
			stopObserving();
			stopListening();
			budgets.stop();
			runner.dispose();
		},
	};
}
