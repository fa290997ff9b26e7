// The terminal around the TUI: the alternate screen (so days of frames never pollute scrollback), the
// cursor, and a last-resort restore when the process leaves any other way.
const enterAlternateScreen = '\x1b[?1049h\x1b[H\x1b[2J';
const leaveAlternateScreen = '\x1b[?1049l';
const showCursor = '\x1b[?25h';

export interface TerminalGuard {
	/** Back to the normal screen with the cursor shown; safe to call more than once. */
	restore(): void;
}

export function takeOverTerminal(stdout: NodeJS.WriteStream): TerminalGuard {
	// A closed pane or SSH session makes every write fail (EIO/EPIPE): nothing to show, so nothing to report.
	const ignore = () => {};
	stdout.on('error', ignore);
	let active = true;
	const write = (text: string) => {
		try {
			stdout.write(text);
		} catch {
			// The terminal is gone.
		}
	};
	write(enterAlternateScreen);
	const restore = () => {
		if (!active) return;
		active = false;
		write(leaveAlternateScreen + showCursor);
		process.off('exit', restore);
	};
	// An exit we did not plan (a throw, process.exit elsewhere) still gives the terminal back.
	process.on('exit', restore);
	return {restore};
}

/** NO_COLOR (https://no-color.org): present and not empty turns colour off. */
export function colourWanted(env: NodeJS.ProcessEnv): boolean {
	return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
