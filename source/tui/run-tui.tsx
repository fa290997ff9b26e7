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

export type {DrillIntents, IntentResult, Intents} from '../../views/intents.js';
export {drillIntentsFrom, type DrillRunnerLike} from './drill-intents.js';

export interface TuiWiring {
	/** The drill keys' intents; without them p and r say drills are not configured. */
	drill?: DrillIntents;
	/** Called on the way out, after the watches stop (stop a drill runner's timers, a budget poller). */
	stop?: () => void | Promise<void>;
}

export interface RunTuiOptions {
	configFlag?: string;
	demo?: boolean;
	readOnly?: boolean;
	ascii?: boolean;
	/** Hook for the lead: more sources and intents around the same lab (drill runner, budget poller). */
	wire?: (lab: Lab) => TuiWiring | Promise<TuiWiring>;
	/** Frame rate cap (Ink throttles writes; renders are coalesced before that in useSnapshot). */
	maxFps?: number;
}

/** Runs the TUI until the user (or a signal) quits; resolves the exit code. */
export async function runTui(options: RunTuiOptions): Promise<number> {
	const env = process.env;
	env.NODE_ENV ??= 'production';
	const lab = await openLab({configFlag: options.configFlag, demo: options.demo});
	let stopWatching: (() => void) | undefined;
	let wiring: TuiWiring = {};
	try {
		writeDemoInfo(lab, env);
		stopWatching = await startWatching(lab);
		wiring = (await options.wire?.(lab)) ?? {};
	} catch (error) {
		stopWatching?.();
		await lab.close();
		throw error;
	}

	const [{createElement}, {render}, {App}] = await Promise.all([import('react'), import('ink'), import('../../views/App.js')]);
	const stdout = process.stdout;
	const stdin = process.stdin;
	stdin.on('error', () => {}); // EIO after a hangup; the SIGHUP handler does the leaving.
	const terminal = takeOverTerminal(stdout);

	return new Promise<number>(resolve => {
		let leaving = false;
		const leave = async (code: number, message?: string) => {
			if (leaving) return;
			leaving = true;
			for (const signal of signals) process.off(signal, onSignal);
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
			// Whatever still holds the event loop (a keep-alive socket, stdin) must not keep us alive.
			setTimeout(() => process.exit(code), 1000).unref();
			resolve(code);
		};
		const onSignal = () => void leave(0);
		const signals: NodeJS.Signals[] = ['SIGHUP', 'SIGTERM', 'SIGINT'];
		for (const signal of signals) process.on(signal, onSignal);

		const intents: Intents = {quit: () => void leave(0), drill: wiring.drill};
		const instance = render(
			createElement(App, {
				source: lab.store,
				configLabel: lab.configLabel,
				intents,
				readOnly: options.readOnly ?? false,
				ascii: options.ascii ?? false,
				colour: colourWanted(env),
			}),
			{
				stdout,
				stdin,
				maxFps: options.maxFps ?? 8,
				patchConsole: false,
				exitOnCtrlC: false,
				// Full redraws: incremental mode misses repaints after a height-only shrink (ink #1023).
				incrementalRendering: false,
			},
		);
		instance.waitUntilExit().catch((error: unknown) => void leave(3, error instanceof Error ? error.message : String(error)));
	});
}
