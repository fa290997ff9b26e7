// Ink 6.8 has no useWindowSize: hold the pane size in state and follow 'resize', so a resize re-lays out
// at once (Ink itself only recomputes the width, and never re-renders components).
import {useEffect, useState} from 'react';
import {useStdout} from 'ink';

export interface WindowSize {
	columns: number;
	rows: number;
}

export function useWindowSize(override?: WindowSize): WindowSize {
	const {stdout} = useStdout();
	// ink-testing-library's stdout has columns but no rows.
	const read = (): WindowSize => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (override) return;
		const onResize = () => {
			const next = read();
			setSize(previous => (previous.columns === next.columns && previous.rows === next.rows ? previous : next));
		};
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout, override]);
	return override ?? size;
}
