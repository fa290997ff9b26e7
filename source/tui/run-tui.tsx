// Sets up and tears down the TUI: opens the lab, starts the watches, takes over the terminal (alternate
// screen), renders the App, and on q / Ctrl+C / SIGHUP / SIGTERM undoes all of it and resolves 0, so a
// closed tmux pane or SSH session never leaves a process behind.
//
// React and Ink are imported only after NODE_ENV is settled: React's development build records a
// performance.measure() per commit and never frees them (the bundle fixes NODE_ENV at build time; this
// covers running from source).
import {openLab, startWatching, type Lab} from '../lab.js';
import type {DrillIntents, Intents} from '../../views/intents.js';
import {colourWanted, takeOverTerminal} from './terminal.js';
import {writeDemoInfo} from './demo-info.js';
import {trace, tracing} from '../trace.js';
import type {SnapshotSource} from '../../views/hooks/use-snapshot.js';
import type {LabSnapshot} from '../store/types.js';
import type {LabStore} from '../store/lab-store.js';

export type {DrillIntents, IntentResult, Intents} from '../../views/intents.js';
export {drillIntentsFrom, type DrillRunnerLike} from './drill-intents.js';

export interface TuiWiring {
	/** The drill keys' intents; without them p and r say drills are not configured. */
	drill?: DrillIntents;
	/** Describe, logs, events, nodes, YAML and the pod actions; without them those keys do nothing. */
	dig?: import('../../views/intents.js').DigIntents;
	/** Called on the way out, after the watches stop (stop a drill runner's timers, a budget poller). */
	stop?: () => void | Promise<void>;
}

export interface RunTuiOptions {
	configFlag?: string;
	kubeconfig?: string;
	demo?: boolean;
	readOnly?: boolean;
	ascii?: boolean;
	/** Hook for the lead: more sources and intents around the same lab (drill runner, budget poller). */
	wire?: (lab: Lab) => TuiWiring | Promise<TuiWiring>;
	/** Frame rate cap (Ink throttles writes; renders are coalesced before that in useSnapshot). Default 20. */
	maxFps?: number;
}

/** Runs the TUI until the user (or a signal) quits; resolves the exit code. */
export async function runTui(options: RunTuiOptions): Promise<number> {
	const env = process.env;
	env.NODE_ENV ??= 'production';
	trace('tui-start');
	const lab = await openLab({configFlag: options.configFlag, kubeconfig: options.kubeconfig, demo: options.demo});
	trace('lab-open');
	let stopWatching: (() => void) | undefined;
	let wiring: TuiWiring = {};
	try {
		writeDemoInfo(lab, env);
		stopWatching = await startWatching(lab);
		trace('watching');
		wiring = (await options.wire?.(lab)) ?? {};
		trace('wired');
	} catch (error) {
		stopWatching?.();
		await lab.close();
		throw error;
	}

	const [react, {render}, {App}] = await Promise.all([import('react'), import('ink'), import('../../views/App.js')]);
	// React is CommonJS: a split bundle's dynamic import gives only its default export.
	const {createElement} = react.default ?? react;
	trace('ui-loaded');
	const stdout = process.stdout;
	const stdin = process.stdin;
	// Benchmark milestones; without LABWATCH_TRACE the store goes to the App as is and Ink gets no hook.
	const frames = tracing ? traceFrames(lab.store, stdin) : undefined;
	// The lists are usually in by now: a first frame that already shows the clusters saves drawing a
	// "connecting" frame and then waiting out the snapshot interval for the live one. Bounded, so an
	// unreachable cluster never holds the screen back for long; before the terminal is taken over, so a
	// signal meanwhile leaves nothing to undo.
	await clustersSettled(lab.store, 750);
	stdin.on('error', () => {}); // EIO after a hangup; the SIGHUP handler does the leaving.
	const terminal = takeOverTerminal(stdout);

	return new Promise<number>(resolve => {
		let leaving = false;
		const leave = async (code: number, message?: string) => {
			if (leaving) return;
			leaving = true;
			// Our signal listeners stay until the cleanup is done: Ink's signal-exit re-raises a signal that
			// has no listener but its own, which would kill us mid-cleanup (exit 143) on SIGTERM.
			stopWatching?.();
			instance.unmount();
			terminal.restore();
			if (message) process.stderr.write(`labwatch: ${message}\n`);
			try {
				await wiring.stop?.();
				// The demo homelab's servers close here; bounded, so a stuck socket cannot hold the exit.
				await Promise.race([lab.close(), new Promise(done => setTimeout(done, 2000).unref())]);
			} catch {
				// Leaving anyway.
			}
			for (const signal of signals) process.off(signal, onSignal);
			// Whatever still holds the event loop (a keep-alive socket, stdin) must not keep us alive.
			setTimeout(() => process.exit(code), 1000).unref();
			resolve(code);
		};
		const onSignal = () => void leave(0);
		const signals: NodeJS.Signals[] = ['SIGHUP', 'SIGTERM', 'SIGINT'];
		for (const signal of signals) process.on(signal, onSignal);

		const intents: Intents = {quit: () => void leave(0), drill: wiring.drill, dig: wiring.dig};
		const instance = render(
			createElement(App, {
				source: frames?.source ?? lab.store,
				configLabel: lab.configLabel,
				intents,
				readOnly: options.readOnly ?? false,
				ascii: options.ascii ?? false,
				colour: colourWanted(env),
			}),
			{
				stdout,
				stdin,
				// Data frames are already coalesced to a few a second in useSnapshot; this throttle only delays
				// the frame after a key press, so it can be short.
				maxFps: options.maxFps ?? 20,
				patchConsole: false,
				exitOnCtrlC: false,
				// Full redraws: incremental mode misses repaints after a height-only shrink (ink #1023).
				incrementalRendering: false,
				...(frames ? {onRender: frames.onRender} : {}),
			},
		);
		instance.waitUntilExit().catch((error: unknown) => void leave(3, error instanceof Error ? error.message : String(error)));
	});
}

/** Resolves once no cluster is still connecting (live, or known to be failing), or after maxMs. */
function clustersSettled(store: LabStore, maxMs: number): Promise<void> {
	const settled = () => store.clusterNames().every(name => store.connection(name)?.phase !== 'connecting');
	if (settled()) return Promise.resolve();
	return new Promise(resolve => {
		const done = () => {
			clearTimeout(timer);
			unsubscribe();
			resolve();
		};
		const timer = setTimeout(done, maxMs);
		const unsubscribe = store.subscribe(() => {
			if (settled()) done();
		});
	});
}

/**
 * Trace points for `npm run bench` (only built when tracing). The stamps of changes are taken when the
 * App is handed the snapshot that holds them, and reported with the next frame Ink renders: Ink 6.8
 * calls onRender right after turning the tree into the frame string and writes that string in the same
 * turn (its write throttle is leading). A key is traced when Ink reads its bytes from stdin, in the turn
 * the key router runs.
 */
function traceFrames(store: LabStore, stdin: NodeJS.ReadStream) {
	// When the store itself has every cluster live, to tell waiting for the clusters from waiting for a frame.
	const stopLive = store.subscribe(() => {
		if (!store.clusterNames().every(name => store.connection(name)?.phase === 'live')) return;
		trace('store-live');
		stopLive();
	});
	// Where resident memory goes (heap, Yoga's WebAssembly memory in arrayBuffers), every 10 s.
	const memory = setInterval(() => trace('memory', {...process.memoryUsage()}), 10_000);
	memory.unref();
	let pending: number[] = [];
	let shown: LabSnapshot | undefined;
	let handedAtMs: number | undefined;
	let liveTraced = false;
	let keys = 0;
	let phasesTraced = '';
	const read = stdin.read.bind(stdin);
	stdin.read = (size?: number) => {
		const chunk = read(size);
		if (chunk !== null) trace('key', {key: ++keys});
		return chunk;
	};
	const source: SnapshotSource = {
		subscribe: listener => store.subscribe(listener),
		get urgentVersion() {
			return store.urgentVersion;
		},
		get otherUrgentVersion() {
			return store.otherUrgentVersion;
		},
		// The changes of a snapshot that was not drawn showed nothing: their stamps are no frame's.
		skipped() {
			pending = [];
		},
		snapshot() {
			const startedMs = performance.now();
			const snapshot = store.snapshot();
			const stamps = store.drainStamps();
			if (stamps.length > 0) pending = pending.concat(stamps);
			if (snapshot !== shown) {
				shown = snapshot;
				// React commits the update from its scheduler's setImmediate, queued after this call; a frame
				// rendered before the second immediate from here measures snapshot + React + layout + string.
				handedAtMs = startedMs;
				setImmediate(() => setImmediate(() => (handedAtMs = undefined)));
			}
			return snapshot;
		},
	};
	const onRender = ({renderTime}: {renderTime: number}) => {
		const stamps = pending;
		pending = [];
		const frameMs = handedAtMs === undefined ? undefined : Math.round((performance.now() - handedAtMs) * 10) / 10;
		// Connection phases ride along only when they differ from the last frame's (detection times).
		const phases = shown ? shown.clusters.map(cluster => `${cluster.name}:${cluster.connection.phase}`).join(' ') : '';
		const phasesChanged = phases !== phasesTraced;
		phasesTraced = phases;
		trace('frame', {
			renderMs: Math.round(renderTime * 10) / 10,
			...(frameMs === undefined ? {} : {frameMs}),
			...(stamps.length > 0 ? {stamps} : {}),
			...(phasesChanged ? {phases} : {}),
		});
		if (!liveTraced && shown && shown.clusters.every(cluster => cluster.connection.phase === 'live')) {
			liveTraced = true;
			trace('first-live-frame', {clusters: shown.clusters.map(cluster => [cluster.name, cluster.pods.length])});
		}
	};
	return {source, onRender};
}
