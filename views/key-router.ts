// The one input router. Every key goes through routeKey, which looks only at (mode, focus) and the
// snapshot: a key that means nothing in the current mode does nothing. Intents are called here, never in
// components, so a view stays a drawing of state.
import {useCallback, useRef} from 'react';
import {useInput, type Key} from 'ink';
import type {LabSnapshot} from '../source/store/types.js';
import type {Intents, IntentResult} from './intents.js';
import {stepTtl, uiReducer, type UiAction, type UiState} from './ui-state.js';
import {splitKeys} from './key-chunks.js';
import {digKey, type DigRouterContext} from './dig-router.js';
import {listedPods} from './dig-rows.js';

export interface RouterContext {
	state: UiState;
	dispatch: (action: UiAction) => void;
	snapshot: LabSnapshot;
	intents: Intents;
	readOnly: boolean;
	/** The dig views' state; absent in contexts without them. */
	dig?: DigRouterContext;
}

/** Cluster indices on screen: the zoomed one, or all. */
export function shownClusters(state: UiState, snapshot: LabSnapshot): number[] {
	const count = snapshot.clusters.length;
	if (state.zoom !== undefined && state.zoom < count) return [state.zoom];
	return Array.from({length: count}, (_, index) => index);
}

const notConfigured = {text: 'drills are not configured: add a drill section to the config (labwatch init shows one)', level: 'unknown'} as const;

function report(context: RouterContext, what: string, result: IntentResult | Promise<IntentResult>): void {
	const show = (outcome: IntentResult) => {
		if (!outcome.ok) context.dispatch({type: 'notice', notice: {text: `${what} failed: ${outcome.error}`, level: 'crit'}});
	};
	if (result instanceof Promise) {
		result.then(show, (error: unknown) => show({ok: false, error: error instanceof Error ? error.message : String(error)}));
	} else show(result);
}

function isCtrlC(input: string, key: Key): boolean {
	return key.ctrl && input === 'c';
}

export function routeKey(input: string, key: Key, context: RouterContext): void {
	const {state, dispatch, snapshot, intents} = context;
	if (isCtrlC(input, key)) {
		intents.quit();
		return;
	}
	// A notice answers the last key only.
	if (state.notice) dispatch({type: 'notice'});
	if (digKey(input, key, context)) return;
	switch (state.mode) {
		case 'filter':
			return filterKey(input, key, context);
		case 'help':
			if (key.escape || input === '?') dispatch({type: 'close'});
			else if (input === 'q') intents.quit();
			else if (key.downArrow || input === 'j') dispatch({type: 'help-scroll', delta: 1});
			else if (key.upArrow || input === 'k') dispatch({type: 'help-scroll', delta: -1});
			else if (key.pageDown || input === ' ') dispatch({type: 'help-scroll', delta: 10});
			else if (key.pageUp) dispatch({type: 'help-scroll', delta: -10});
			return;
		case 'phases':
		case 'probes':
			if (key.escape || input === (state.mode === 'phases' ? 'h' : 'P')) dispatch({type: 'close'});
			else if (input === 'q') intents.quit();
			else if (key.downArrow || input === 'j') dispatch({type: 'help-scroll', delta: 1});
			else if (key.upArrow || input === 'k') dispatch({type: 'help-scroll', delta: -1});
			else if (key.pageDown || input === ' ') dispatch({type: 'help-scroll', delta: 10});
			else if (key.pageUp) dispatch({type: 'help-scroll', delta: -10});
			return;
		case 'breakdown':
			if (key.escape || input === 'b') dispatch({type: 'close'});
			else if (input === 'q') intents.quit();
			else if (key.tab || key.rightArrow || key.downArrow || input === 'j' || input === 'l') {
				dispatch({type: 'breakdown-host', delta: 1, count: snapshot.hosts?.length ?? 0});
			} else if (key.leftArrow || key.upArrow || input === 'k' || input === 'h') {
				dispatch({type: 'breakdown-host', delta: -1, count: snapshot.hosts?.length ?? 0});
			}
			return;
		case 'drill':
			return drillKey(input, key, context);
		case 'rollback':
			if (input === 'y' && intents.drill) {
				dispatch({type: 'close'});
				report(context, 'roll back', intents.drill.heal());
			} else if (key.escape || input === 'n') dispatch({type: 'close'});
			return;
		case 'normal':
			return normalKey(input, key, context);
	}
}

function normalKey(input: string, key: Key, context: RouterContext): void {
	const {state, dispatch, snapshot, intents, readOnly} = context;
	const shown = shownClusters(state, snapshot);
	const focused = snapshot.clusters[shown.includes(state.focus) ? state.focus : shown[0] ?? 0];
	if (input === 'q') intents.quit();
	else if (input === '?') dispatch({type: 'open', mode: 'help'});
	else if (input === 'h') dispatch({type: 'open', mode: 'phases'});
	else if (input === 'P') dispatch({type: 'open', mode: 'probes'});
	else if (input === '/') dispatch({type: 'open', mode: 'filter'});
	else if (key.escape) {
		if (state.filter) dispatch({type: 'filter-clear'});
		else if (state.zoom !== undefined) dispatch({type: 'zoom'});
	} else if (key.tab) {
		// Focus moves among the clusters on screen; with one zoomed there is nowhere to go.
		const at = Math.max(0, shown.indexOf(state.focus));
		const next = shown[(at + (key.shift ? -1 : 1) + shown.length) % shown.length];
		if (next !== undefined && next !== state.focus) dispatch({type: 'focus', delta: next - state.focus, count: snapshot.clusters.length});
	} else if (key.downArrow || input === 'j' || key.upArrow || input === 'k' || key.pageDown || key.pageUp) {
		if (!focused) return;
		const delta = key.pageDown ? 10 : key.pageUp ? -10 : key.downArrow || input === 'j' ? 1 : -1;
		dispatch({type: 'move', cluster: focused.name, delta, length: listedPods(focused, state.filter, context.dig?.state).length});
	} else if (/^[1-9]$/.test(input)) {
		// By position: 1 is the first configured cluster, whatever its name.
		const index = Number(input) - 1;
		if (index < snapshot.clusters.length) dispatch({type: 'zoom', index});
	} else if (input === '0') dispatch({type: 'zoom'});
	else if (input === 'b') {
		const hosts = snapshot.hosts ?? [];
		if (hosts.length === 0) return;
		const at = focused ? hosts.findIndex(host => host.host === focused.host) : -1;
		if (at >= 0) dispatch({type: 'breakdown-host', delta: at - state.breakdownHost, count: hosts.length});
		dispatch({type: 'open', mode: 'breakdown'});
	} else if (readOnly) return;
	else if (input === 'p') {
		if (!intents.drill) return dispatch({type: 'notice', notice: notConfigured});
		if (snapshot.partition?.active) {
			return dispatch({type: 'notice', notice: {text: 'a cut is live: r rolls it back', level: 'warn'}});
		}
		dispatch({type: 'open', mode: 'drill'});
		report(context, 'plan', intents.drill.plan(state.ttlMs));
	} else if (input === 'r') {
		if (!intents.drill) return dispatch({type: 'notice', notice: notConfigured});
		if (!snapshot.partition?.active && !snapshot.partition?.leftover) {
			return dispatch({type: 'notice', notice: {text: 'no cut to roll back', level: 'unknown'}});
		}
		dispatch({type: 'open', mode: 'rollback'});
	}
}

function filterKey(input: string, key: Key, context: RouterContext): void {
	const {dispatch} = context;
	if (key.escape) dispatch({type: 'filter-clear'});
	else if (key.return) dispatch({type: 'filter-keep'});
	// Ink 6 reports the Backspace key (0x7f) as delete.
	else if (key.backspace || key.delete) dispatch({type: 'filter-erase'});
	else if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
	else {
		// Pasted text arrives in one call; keep what can be part of a pod or namespace name.
		const text = input.replace(/[^\w.\-/]/g, '');
		if (text) dispatch({type: 'filter-append', text});
	}
}

function drillKey(input: string, key: Key, context: RouterContext): void {
	const {state, dispatch, intents} = context;
	const drill = intents.drill;
	if (key.escape || input === 'n') return dispatch({type: 'close'});
	if (!drill) return;
	if (input === '+' || input === '=' || key.rightArrow || input === '-' || input === '_' || key.leftArrow) {
		const ttlMs = stepTtl(state.ttlMs, input === '+' || input === '=' || key.rightArrow ? 1 : -1);
		if (ttlMs === state.ttlMs) return;
		dispatch({type: 'ttl', ttlMs});
		report(context, 'plan', drill.plan(ttlMs));
	} else if (input === 'y') {
		dispatch({type: 'close'});
		report(context, 'cut', drill.cut(state.ttlMs));
	}
}

/**
 * Binds routeKey to Ink's input once. Several keys can arrive before React renders again (one read
 * holding "jjj", or "/" then "api"): each key is routed in order against the state the keys before it
 * left, so the ref's state is stepped through the same reducer as React's, at once.
 */
export function useKeyRouter(context: RouterContext): void {
	const latest = useRef(context);
	latest.current = context;
	// A stable handler: useInput re-subscribes whenever the handler's identity changes.
	const handler = useCallback((input: string, key: Key) => {
		for (const [each, eachKey] of splitKeys(input, key)) {
			const current = latest.current;
			const dispatch = (action: UiAction) => {
				latest.current = {...latest.current, state: uiReducer(latest.current.state, action)};
				current.dispatch(action);
			};
			routeKey(each, eachKey, {...current, dispatch});
		}
	}, []);
	useInput(handler);
}
