// The TUI's own state (what is focused, zoomed, filtered, open), separate from the lab's state. One
// reducer, so every key's effect is a plain, testable transition.
import type {Level} from '../source/store/types.js';

export type Mode = 'normal' | 'filter' | 'help' | 'phases' | 'probes' | 'breakdown' | 'drill' | 'rollback';

export interface Notice {
	text: string;
	level: Level;
}

export interface UiState {
	mode: Mode;
	/** Index of the focused cluster (into snapshot.clusters). */
	focus: number;
	/** Index of the cluster shown alone at full width; undefined shows all. */
	zoom?: number;
	/** Pod filter (name or namespace, case-insensitive), applied to every cluster at once. */
	filter: string;
	/** Selected row per cluster name. */
	selected: Record<string, number>;
	/** Host shown in the budget breakdown (index into snapshot.hosts). */
	breakdownHost: number;
	/** First line shown in the help overlay (it scrolls when the pane is small). */
	helpScroll: number;
	/** TTL offered in the drill dialog. */
	ttlMs: number;
	/** One line of feedback for the last key (drills not configured, a cut failed). */
	notice?: Notice;
}

export type UiAction =
	| {type: 'open'; mode: Mode}
	| {type: 'close'}
	| {type: 'focus'; delta: number; count: number}
	| {type: 'zoom'; index?: number}
	| {type: 'filter-append'; text: string}
	| {type: 'filter-erase'}
	| {type: 'filter-keep'}
	| {type: 'filter-clear'}
	| {type: 'move'; cluster: string; delta: number; length: number}
	| {type: 'breakdown-host'; delta: number; count: number}
	| {type: 'help-scroll'; delta: number}
	| {type: 'ttl'; ttlMs: number}
	| {type: 'notice'; notice?: Notice};

export function initialUiState(ttlMs = 60_000): UiState {
	return {mode: 'normal', focus: 0, filter: '', selected: {}, breakdownHost: 0, helpScroll: 0, ttlMs};
}

const wrap = (value: number, count: number) => ((value % count) + count) % count;

export function uiReducer(state: UiState, action: UiAction): UiState {
	switch (action.type) {
		case 'open':
			return state.mode === action.mode ? state : {...state, mode: action.mode, helpScroll: 0};
		case 'close':
			return state.mode === 'normal' ? state : {...state, mode: 'normal'};
		case 'focus':
			if (action.count <= 0) return state;
			return {...state, focus: wrap(state.focus + action.delta, action.count)};
		case 'zoom':
			if (action.index === state.zoom) return state;
			return {...state, zoom: action.index, focus: action.index ?? state.focus};
		case 'filter-append':
			return {...state, filter: state.filter + action.text, selected: {}};
		case 'filter-erase':
			return state.filter ? {...state, filter: state.filter.slice(0, -1), selected: {}} : state;
		case 'filter-keep':
			return {...state, mode: 'normal'};
		case 'filter-clear':
			return {...state, mode: state.mode === 'filter' ? 'normal' : state.mode, filter: '', selected: {}};
		case 'move': {
			const current = state.selected[action.cluster] ?? 0;
			const next = Math.max(0, Math.min(action.length - 1, current + action.delta));
			return next === current ? state : {...state, selected: {...state.selected, [action.cluster]: next}};
		}
		case 'breakdown-host':
			if (action.count <= 0) return state;
			return {...state, breakdownHost: wrap(state.breakdownHost + action.delta, action.count)};
		case 'help-scroll': {
			// The overlay clamps the far end: only it knows how many lines there are at this size.
			const helpScroll = Math.max(0, state.helpScroll + action.delta);
			return helpScroll === state.helpScroll ? state : {...state, helpScroll};
		}
		case 'ttl':
			return action.ttlMs === state.ttlMs ? state : {...state, ttlMs: action.ttlMs};
		case 'notice':
			if (state.notice === action.notice) return state;
			return {...state, notice: action.notice};
	}
}

/** TTL steps for the drill dialog's +/-: fine for short drills, coarse for long ones. */
export function stepTtl(ttlMs: number, direction: 1 | -1): number {
	const step = (at: number) => (at < 60_000 ? 10_000 : at < 5 * 60_000 ? 30_000 : 60_000);
	const next = direction > 0 ? ttlMs + step(ttlMs) : ttlMs - step(ttlMs - 1);
	return Math.max(10_000, Math.min(60 * 60_000, next));
}
