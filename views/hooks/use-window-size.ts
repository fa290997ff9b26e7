// The pane size, from Ink's own useWindowSize (it follows 'resize', so a resize re-lays out at once); tests
// pass a fixed size instead of a terminal.
import {useWindowSize as useInkWindowSize, type WindowSize} from 'ink';

export type {WindowSize};

export function useWindowSize(override?: WindowSize): WindowSize {
	const size = useInkWindowSize();
	return override ?? size;
}
