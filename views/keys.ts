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
		{keys: 'h', what: "the homelab plan's checklist: each phase's criteria passed, failed or unknown, with evidence"},
		{keys: 'P', what: 'probes: latency and failures as sparklines, who answered a failover check (m2 80% · m1 20%)'},
		{keys: 'p', what: 'partition drill: show the plan and exact commands, +/- TTL, y cuts', action: true, footer: ['p', 'drill']},
		{keys: 'r', what: 'roll back a live cut (y confirms)', action: true, footer: ['r', 'roll back']},
		...digKeyTable(options),
	];
}

export function visibleKeys(options: {ascii: boolean; readOnly: boolean}): KeyHelp[] {
	return keyTable(options).filter(entry => !(options.readOnly && entry.action));
}

export interface FooterKey {
	key: string;
	word: string;
	/** Lower goes first when the row is short; the row shows the kept keys in table order. */
	priority: number;
}

/**
 * The footer's keys for a mode. Each mode shows what answers it (y/n in a dialog, Esc in an overlay);
 * in the normal view a live cut puts `r roll back` first, and `p` is offered only when there is no cut.
 */
export function footerKeys(mode: string, options: {ascii: boolean; readOnly: boolean; cutLive: boolean}): FooterKey[] {
	switch (mode) {
		case 'help':
			return [
				{key: 'Esc', word: 'close', priority: 0},
				{key: 'j/k', word: 'scroll', priority: 1},
				{key: 'q', word: 'quit', priority: 2},
			];
		case 'phases':
		case 'probes':
			return [
				{key: 'Esc', word: 'close', priority: 0},
				{key: 'j/k', word: 'scroll', priority: 1},
				{key: 'q', word: 'quit', priority: 2},
			];
		case 'breakdown':
			return [
				{key: 'Esc', word: 'close', priority: 0},
				{key: 'Tab', word: 'next host', priority: 1},
				{key: 'q', word: 'quit', priority: 2},
			];
		case 'drill':
			return [
				{key: 'y', word: 'cut', priority: 0},
				{key: '+/-', word: 'TTL', priority: 2},
				{key: 'Esc', word: 'cancel', priority: 1},
			];
		case 'rollback':
			return [
				{key: 'y', word: 'roll back', priority: 0},
				{key: 'n/Esc', word: 'keep the cut', priority: 1},
			];
	}
	const priorities: Record<string, number> = {'?': 0, q: 1, 'j/k': 3, Tab: 4, '/': 4, b: 6, '1 2 0': 7, p: 5, r: 2};
	return visibleKeys(options)
		.filter(entry => entry.footer)
		.filter(entry => (options.cutLive ? entry.footer![0] !== 'p' : entry.footer![0] !== 'r'))
		.map(entry => ({key: entry.footer![0], word: entry.footer![1], priority: priorities[entry.footer![0]] ?? 9}));
}

/** The keys that fit in `room` columns (two spaces between), most important first, shown in their order. */
export function fitFooterKeys(keys: FooterKey[], room: number): FooterKey[] {
	const kept = new Set<FooterKey>();
	let used = 0;
	for (const entry of [...keys].sort((a, b) => a.priority - b.priority)) {
		const length = (kept.size > 0 ? 2 : 0) + entry.key.length + 1 + entry.word.length;
		if (kept.size > 0 && used + length > room) continue;
		kept.add(entry);
		used += length;
	}
	return keys.filter(entry => kept.has(entry));
}
