// The key table, shared by the help overlay and the footer so they can never disagree. Action keys
// (those that change anything outside the TUI) are dropped in read-only mode.

import {digKeyTable} from './dig-keys.js';

export interface KeyHelp {
	keys: string;
	what: string;
	/** Changes something outside the TUI: hidden with --read-only. */
	action?: boolean;
	/** Key and word for the footer; entries without one stay out of the footer. */
	footer?: [string, string];
}

export function keyTable(options: {ascii: boolean}): KeyHelp[] {
	const up = options.ascii ? 'Up/Down' : '↑/↓';
	return [
		{keys: '?', what: 'this help (Esc or ? closes it)', footer: ['?', 'help']},
		{keys: 'q  Ctrl+C', what: 'quit (watches stopped, terminal restored)', footer: ['q', 'quit']},
		{keys: 'Tab  Shift+Tab', what: 'move focus between the cluster panels', footer: ['Tab', 'focus']},
		{keys: `${up}  j/k`, what: 'move in the focused pod list (PgUp/PgDn by 10)', footer: ['j/k', 'move']},
		{keys: '/', what: 'filter pods by name or namespace in every cluster (Enter keeps, Esc clears)', footer: ['/', 'filter']},
		{keys: 'Esc', what: 'close what is open; clear the filter; leave zoom'},
		{keys: '1  2', what: 'zoom the first / second cluster to full width', footer: ['1 2 0', 'zoom']},
		{keys: '0', what: 'back to all clusters'},
		{keys: 'b', what: "a host's memory budget by workload (when budgets report)", footer: ['b', 'budget']},
		{keys: 'p', what: 'partition drill: show the plan and exact commands, +/- TTL, y cuts', action: true, footer: ['p', 'drill']},
		{keys: 'r', what: 'roll back a live cut (y confirms)', action: true, footer: ['r', 'roll back']},
		...digKeyTable(options),
	];
}

export function visibleKeys(options: {ascii: boolean; readOnly: boolean}): KeyHelp[] {
	return keyTable(options).filter(entry => !(options.readOnly && entry.action));
}
