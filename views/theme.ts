// How things are drawn, decided once at the top: colour on or off (NO_COLOR) and Unicode or plain ASCII
// glyphs (--ascii). Components ask the theme instead of hard-coding either, so both fallbacks hold everywhere.
import {createContext, useContext} from 'react';
import type {Level} from '../source/store/types.js';

export interface Glyphs {
	sep: string;
	arrow: string;
	ellipsis: string;
	focus: string;
	restarts: string;
	/** Budget bar cells: used, requested beyond use, free, reserved, plan mark. */
	bar: {used: string; requested: string; free: string; reserved: string; plan: string};
	/** Sparkline steps, lowest first. */
	spark: string[];
	cursor: string;
}

const unicode: Glyphs = {
	sep: ' · ',
	arrow: '→',
	ellipsis: '…',
	focus: '▶',
	restarts: '↻',
	bar: {used: '█', requested: '▓', free: '·', reserved: '░', plan: '│'},
	spark: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
	cursor: '▏',
};

// Only printable ASCII: for terminals (and fonts) that cannot draw box or block characters.
const ascii: Glyphs = {
	sep: ' | ',
	arrow: '->',
	ellipsis: '~',
	focus: '>',
	restarts: 'x',
	bar: {used: '#', requested: '=', free: '.', reserved: ':', plan: '|'},
	spark: ['_', '.', '-', '~', '=', '+', '*', '#'],
	cursor: '_',
};

export interface Theme {
	colour: boolean;
	ascii: boolean;
	glyphs: Glyphs;
	/** Border style for panels: rounded Unicode, or classic +-| in ASCII mode. */
	border: 'round' | 'classic';
	focusBorder: 'bold' | 'classic';
}

export function makeTheme(options: {colour: boolean; ascii: boolean}): Theme {
	return {
		colour: options.colour,
		ascii: options.ascii,
		glyphs: options.ascii ? ascii : unicode,
		border: options.ascii ? 'classic' : 'round',
		focusBorder: options.ascii ? 'classic' : 'bold',
	};
}

export const ThemeContext = createContext<Theme>(makeTheme({colour: true, ascii: false}));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}

// Named colours only, readable on dark and light backgrounds (no white, no black).
const levelColours: Record<Level, string> = {ok: 'green', warn: 'yellow', crit: 'red', unknown: 'gray'};

/** A colour prop value, or undefined when colour is off (NO_COLOR). */
export function tint(theme: Theme, colour: string | undefined): string | undefined {
	return theme.colour ? colour : undefined;
}

export function levelColour(theme: Theme, level: Level): string | undefined {
	return tint(theme, levelColours[level]);
}

/** White is unreadable on a light terminal: show such a cluster in the terminal's own colour. */
export function clusterColour(theme: Theme, colour: string | undefined): string | undefined {
	return colour === 'white' ? undefined : tint(theme, colour);
}
