// The sources around the TUI's lab beyond the cluster watches: memory budgets, and the drill runner
// with its startup look for a live or leftover cut. Their reports go into the store like any other.
import type {Lab} from '../lab.js';
import {startBudgets} from '../lab.js';
import type {TuiWiring} from './run-tui.js';
import {drillIntentsFrom} from './drill-intents.js';
import {digIntentsFor} from './dig-wiring.js';
import {stateDirFrom} from '../drill/journal.js';

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
	const probes = new ProbeRunner({probes: lab.config.probes, onChange: statuses => store.setProbes(statuses)});
	probes.start();
	const dig = await digIntentsFor(lab);
	return {
		drill: drillIntentsFrom(runner, lab.config.drill.ttl),
		dig,
		async stop() {
			dig.dispose();
			probes.stop();
			stopObserving();
			stopListening();
			budgets.stop();
			runner.dispose();
		},
	};
}
