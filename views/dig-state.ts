// The dig views' own UI state (which view, where it scrolled, the command line, a pending confirm, the
// pod list's sort and namespace), beside ui-state.ts's. One reducer: every key's effect is a plain,
// testable transition. Views stack: Esc goes back to the one below (describe → logs → Esc → describe).
import type {DigTarget, WorkloadRef} from '../source/store/dig-store.js';
import {nextSortKey, type SortKey} from '../source/store/pod-sort.js';

export type DigViewName = 'describe' | 'yaml' | 'logs' | 'events' | 'nodes' | 'gateways' | 'services';

export interface DigFrame {
	view: DigViewName;
	target?: DigTarget;
	/** Logs: previous run. */
	previous?: boolean;
	/** Text panes: first line shown. Lists: ignored. */
	scroll: number;
	/** Lists: selected row. */
	selected: number;
	/** Nodes view: the node whose pods are listed (Enter). */
	nodePods?: {cluster: string; node: string};
}

export type Confirm =
	| {action: 'delete'; target: DigTarget}
	| {action: 'restart'; workload: WorkloadRef};

export interface DigState {
	frames: DigFrame[];
	/** Logs: stick to the end as lines arrive. */
	follow: boolean;
	/** Text being typed after `/` in a pane (logs search, events filter); undefined when not typing. */
	searchInput?: string;
	/** The kept search of the open pane. */
	search: string;
	/** The `:` line while open. */
	command?: string;
	history: string[];
	/** Position in history while ↑/↓ walk it (history.length = the line being typed). */
	historyAt: number;
	confirm?: Confirm;
	sort: SortKey;
	namespace?: string;
}

export type DigAction =
	| {type: 'push'; frame: Omit<DigFrame, 'scroll' | 'selected'> & Partial<Pick<DigFrame, 'scroll' | 'selected'>>}
	| {type: 'pop'}
	| {type: 'close-all'}
	| {type: 'scroll'; delta: number; max: number}
	| {type: 'scroll-to'; line: number}
	| {type: 'select'; delta: number; length: number}
	| {type: 'node-pods'; nodePods?: {cluster: string; node: string}}
	| {type: 'follow'; on?: boolean}
	| {type: 'search-open'}
	| {type: 'search-type'; text: string}
	| {type: 'search-erase'}
	| {type: 'search-keep'}
	| {type: 'search-clear'}
	| {type: 'command-open'}
	| {type: 'command-set'; text: string}
	| {type: 'command-close'; run?: string}
	| {type: 'history'; delta: number}
	| {type: 'confirm'; confirm?: Confirm}
	| {type: 'sort'; key?: SortKey}
	| {type: 'namespace'; namespace?: string};

export const initialDigState: DigState = {frames: [], follow: true, search: '', history: [], historyAt: 0, sort: 'status'};

export function topFrame(state: DigState): DigFrame | undefined {
	return state.frames.at(-1);
}

function replaceTop(state: DigState, change: Partial<DigFrame>): DigState {
	const top = topFrame(state);
	if (!top) return state;
	return {...state, frames: [...state.frames.slice(0, -1), {...top, ...change}]};
}

export function digReducer(state: DigState, action: DigAction): DigState {
	switch (action.type) {
		case 'push':
			return {
				...state,
				frames: [...state.frames, {scroll: 0, selected: 0, ...action.frame}],
				follow: action.frame.view === 'logs' ? !action.frame.previous : state.follow,
				search: '',
				searchInput: undefined,
			};
		case 'pop':
			return state.frames.length === 0 ? state : {...state, frames: state.frames.slice(0, -1), search: '', searchInput: undefined};
		case 'close-all':
			return state.frames.length === 0 ? state : {...state, frames: [], search: '', searchInput: undefined};
		case 'scroll': {
			const top = topFrame(state);
			if (!top) return state;
			const scroll = Math.max(0, Math.min(action.max, top.scroll + action.delta));
			// Scrolling up in a followed log stops following; reaching the end again does not restart it.
			const follow = top.view === 'logs' && action.delta < 0 ? false : state.follow;
			return scroll === top.scroll && follow === state.follow ? state : {...replaceTop(state, {scroll}), follow};
		}
		case 'scroll-to':
			return replaceTop(state, {scroll: Math.max(0, action.line)});
		case 'select': {
			const top = topFrame(state);
			if (!top) return state;
			const selected = Math.max(0, Math.min(action.length - 1, top.selected + action.delta));
			return selected === top.selected ? state : replaceTop(state, {selected});
		}
		case 'node-pods':
			return replaceTop(state, {nodePods: action.nodePods, selected: 0});
		case 'follow':
			return {...state, follow: action.on ?? !state.follow};
		case 'search-open':
			return {...state, searchInput: state.search};
		case 'search-type':
			return {...state, searchInput: (state.searchInput ?? '') + action.text};
		case 'search-erase':
			return {...state, searchInput: (state.searchInput ?? '').slice(0, -1)};
		case 'search-keep':
			return {...state, search: state.searchInput ?? state.search, searchInput: undefined};
		case 'search-clear':
			return {...state, search: '', searchInput: undefined};
		case 'command-open':
			return {...state, command: '', historyAt: state.history.length};
		case 'command-set':
			return {...state, command: action.text};
		case 'command-close': {
			const run = action.run?.trim();
			const history = run && state.history.at(-1) !== run ? [...state.history, run].slice(-50) : state.history;
			return {...state, command: undefined, history, historyAt: history.length};
		}
		case 'history': {
			if (state.command === undefined || state.history.length === 0) return state;
			const at = Math.max(0, Math.min(state.history.length, state.historyAt + action.delta));
			return {...state, historyAt: at, command: at === state.history.length ? '' : state.history[at]!};
		}
		case 'confirm':
			return {...state, confirm: action.confirm};
		case 'sort':
			return {...state, sort: action.key ?? nextSortKey(state.sort)};
		case 'namespace':
			return state.namespace === action.namespace ? state : {...state, namespace: action.namespace};
	}
}
