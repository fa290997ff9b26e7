// The dig views' keys, called from the one router (key-router.ts) before its own modes. Returns true
// when it took the key. In the pod lists it takes only its own keys (d Enter l y e n g s : Ctrl+D);
// while a dig view, the command line or a confirm is open it takes every key. Intents are called here.
import type {Key} from 'ink';
import type {LabSnapshot} from '../source/store/types.js';
import type {DigSnapshot, DigTarget} from '../source/store/dig-store.js';
import {sortWords} from '../source/store/pod-sort.js';
import type {UiAction, UiState} from './ui-state.js';
import type {Intents} from './intents.js';
import {digReducer, topFrame, type DigAction, type DigFrame, type DigState} from './dig-state.js';
import {complete, parseCommand} from './commands.js';
import {eventRows, gatewayRows, listedPods, logRows, nodeRows, podsOnNode, serviceRows} from './dig-rows.js';
import {wrapDocLines} from './wrap.js';

export interface DigRouterContext {
	state: DigState;
	dispatch: (action: DigAction) => void;
	snapshot: DigSnapshot;
	/** Rows a text pane shows (for paging and the end of the scroll). */
	pageRows: number;
	/** Columns of a text pane (describe wraps long lines to it). */
	pageWidth: number;
}

interface Context {
	state: UiState;
	dispatch: (action: UiAction) => void;
	snapshot: LabSnapshot;
	intents: Intents;
	readOnly: boolean;
	dig?: DigRouterContext;
}

const notice = (context: Context, text: string, level: 'ok' | 'warn' | 'crit' | 'unknown' = 'unknown') =>
	context.dispatch({type: 'notice', notice: {text, level}});

/** The pod selected in the focused panel, as the panels list them. */
export function selectedPod(context: Context): DigTarget | undefined {
	const {state, snapshot} = context;
	const shown = state.zoom !== undefined && state.zoom < snapshot.clusters.length ? [state.zoom] : snapshot.clusters.map((_, index) => index);
	const cluster = snapshot.clusters[shown.includes(state.focus) ? state.focus : shown[0] ?? 0];
	if (!cluster) return undefined;
	const pods = listedPods(cluster, state.filter, context.dig?.state);
	const pod = pods[Math.min(state.selected[cluster.name] ?? 0, pods.length - 1)];
	return pod ? {cluster: cluster.name, kind: 'pod', namespace: pod.namespace, name: pod.name} : undefined;
}

/** What the open dig view has selected (a node, a node's pod, a gateway, an event's object). */
function selectedInView(context: Context, frame: DigFrame): DigTarget | undefined {
	const dig = context.dig!;
	switch (frame.view) {
		case 'nodes': {
			if (frame.nodePods) {
				const pod = podsOnNode(context.snapshot, frame.nodePods.cluster, frame.nodePods.node)[frame.selected];
				return pod ? {cluster: frame.nodePods.cluster, kind: 'pod', namespace: pod.namespace, name: pod.name} : undefined;
			}
			const row = nodeRows(context.snapshot, dig.snapshot)[frame.selected];
			return row ? {cluster: row.cluster, kind: 'node', name: row.node.name} : undefined;
		}
		case 'gateways': {
			const row = gatewayRows(context.snapshot)[frame.selected];
			return row ? {cluster: row.cluster, kind: 'gateway', namespace: row.gateway.namespace, name: row.gateway.name} : undefined;
		}
		case 'events': {
			const event = eventRows(dig.snapshot, dig.state.search)[frame.selected];
			if (!event) return undefined;
			const kind = event.kind === 'Pod' ? 'pod' : event.kind === 'Node' ? 'node' : event.kind === 'Gateway' ? 'gateway' : undefined;
			return kind ? {cluster: event.cluster, kind, namespace: event.namespace || undefined, name: event.name} : undefined;
		}
		default:
			return frame.target;
	}
}

function listLength(context: Context, frame: DigFrame): number {
	const dig = context.dig!;
	switch (frame.view) {
		case 'nodes':
			return frame.nodePods ? podsOnNode(context.snapshot, frame.nodePods.cluster, frame.nodePods.node).length : nodeRows(context.snapshot, dig.snapshot).length;
		case 'gateways':
			return gatewayRows(context.snapshot).length;
		case 'services':
			return serviceRows(context.snapshot).length;
		case 'events':
			return eventRows(dig.snapshot, dig.state.search).length;
		default:
			return 0;
	}
}

function textLength(context: Context, frame: DigFrame): number {
	const dig = context.dig!;
	if (frame.view === 'logs') return logRows(dig.snapshot, dig.state.search).length;
	return wrapDocLines(dig.snapshot.doc?.lines ?? [], dig.pageWidth).length;
}

/** Opens a view on top of the current one and asks for its data. */
function open(context: Context, frame: Omit<DigFrame, 'scroll' | 'selected'>): void {
	const intents = context.intents.dig;
	if (!intents) return notice(context, 'not available here');
	const dig = context.dig!;
	// One of each list view: going to it again returns to it instead of stacking another.
	if ((frame.view === 'events' || frame.view === 'nodes' || frame.view === 'gateways' || frame.view === 'services') && dig.state.frames.some(item => item.view === frame.view)) {
		while (topFrame(dig.state)?.view !== frame.view) closeTop(context);
		return;
	}
	dig.dispatch({type: 'push', frame});
	// The local copy follows each dispatch, so one key can take several steps (close a stack, then open).
	dig.state = digReducer(dig.state, {type: 'push', frame});
	request(context, frame);
}

function request(context: Context, frame: DigFrame | Omit<DigFrame, 'scroll' | 'selected'>): void {
	const intents = context.intents.dig!;
	switch (frame.view) {
		case 'describe':
			return intents.describe(frame.target!);
		case 'yaml':
			return intents.yaml(frame.target!);
		case 'logs':
			return intents.logs(frame.target!, {previous: frame.previous ?? false});
		case 'events':
			return intents.openEvents();
		case 'nodes':
			return intents.openNodes();
		case 'gateways':
		case 'services':
			return;
	}
}

/** Esc: close the top view (and whatever it holds open), show the one below, fetching it again if its document was replaced. */
function closeTop(context: Context): void {
	const dig = context.dig!;
	const intents = context.intents.dig;
	const top = topFrame(dig.state);
	if (!top || !intents) return;
	if (top.view === 'logs') intents.closeLogs();
	else if (top.view === 'describe' || top.view === 'yaml') intents.closeDoc();
	else if (top.view === 'events') intents.closeEvents();
	else if (top.view === 'nodes') intents.closeNodes();
	dig.dispatch({type: 'pop'});
	dig.state = digReducer(dig.state, {type: 'pop'});
	const below = topFrame(dig.state);
	if (below && (below.view === 'describe' || below.view === 'yaml')) request(context, below);
}

function closeAll(context: Context): void {
	while (context.dig && topFrame(context.dig.state)) closeTop(context);
}

function askDelete(context: Context, target: DigTarget | undefined): void {
	if (context.readOnly) return;
	if (!target || target.kind !== 'pod') return notice(context, 'select a pod to delete');
	context.dig!.dispatch({type: 'confirm', confirm: {action: 'delete', target}});
}

const isMove = (input: string, key: Key) => key.downArrow || key.upArrow || input === 'j' || input === 'k' || key.pageDown || key.pageUp;
const moveDelta = (input: string, key: Key, page: number) => (key.pageDown ? page : key.pageUp ? -page : key.downArrow || input === 'j' ? 1 : -1);

export function digKey(input: string, key: Key, context: Context): boolean {
	const dig = context.dig;
	if (!dig || context.state.mode !== 'normal') return false;
	if (dig.state.confirm) return confirmKey(input, key, context), true;
	if (dig.state.command !== undefined) return commandKey(input, key, context), true;
	const top = topFrame(dig.state);
	if (!top) return listKey(input, key, context);
	if (dig.state.searchInput !== undefined) return searchKey(input, key, context), true;
	viewKey(input, key, context, top);
	return true;
}

/** In the pod lists: only the dig keys; everything else goes on to the main router. */
function listKey(input: string, key: Key, context: Context): boolean {
	const dig = context.dig!;
	if (key.ctrl && input === 'd') {
		if (context.readOnly) return true;
		askDelete(context, selectedPod(context));
		return true;
	}
	if (key.ctrl || key.meta) return false;
	if (input === ':') {
		dig.dispatch({type: 'command-open'});
		return true;
	}
	if (input === 's') {
		const next = digReducer(dig.state, {type: 'sort'}).sort;
		dig.dispatch({type: 'sort'});
		notice(context, `sorted by ${sortWords[next]} (s for the next)`, 'ok');
		return true;
	}
	if (input === 'e') return open(context, {view: 'events'}), true;
	if (input === 'n') return open(context, {view: 'nodes'}), true;
	if (input === 'g') return open(context, {view: 'gateways'}), true;
	if (input === 'x') return open(context, {view: 'services'}), true;
	if (input === 'd' || key.return || input === 'y' || input === 'l') {
		const target = selectedPod(context);
		if (!target) {
			notice(context, 'no pod selected');
			return true;
		}
		open(context, input === 'y' ? {view: 'yaml', target} : input === 'l' ? {view: 'logs', target, previous: false} : {view: 'describe', target});
		return true;
	}
	return false;
}

function viewKey(input: string, key: Key, context: Context, frame: DigFrame): void {
	const dig = context.dig!;
	const intents = context.intents;
	if (input === 'q') return intents.quit();
	if (input === '?') return context.dispatch({type: 'open', mode: 'help'});
	if (input === ':') return dig.dispatch({type: 'command-open'});
	if (key.escape) {
		if (dig.state.search) return dig.dispatch({type: 'search-clear'});
		if (frame.view === 'nodes' && frame.nodePods) return dig.dispatch({type: 'node-pods'});
		return closeTop(context);
	}
	const text = frame.view === 'describe' || frame.view === 'yaml' || frame.view === 'logs';
	const page = Math.max(1, dig.pageRows - 1);
	if (text) {
		const max = Math.max(0, textLength(context, frame) - dig.pageRows);
		if (isMove(input, key)) return dig.dispatch({type: 'scroll', delta: moveDelta(input, key, page), max});
		if (input === 'g' || key.home) return dig.dispatch({type: 'scroll', delta: -Number.MAX_SAFE_INTEGER, max});
		if (input === 'G' || key.end) {
			dig.dispatch({type: 'scroll-to', line: max});
			if (frame.view === 'logs') dig.dispatch({type: 'follow', on: true});
			return;
		}
	} else if (isMove(input, key)) {
		return dig.dispatch({type: 'select', delta: moveDelta(input, key, page), length: listLength(context, frame)});
	}
	switch (frame.view) {
		case 'logs':
			if (input === 'f') {
				dig.dispatch({type: 'follow'});
				// Following again jumps to the end.
				if (!dig.state.follow) dig.dispatch({type: 'scroll-to', line: Math.max(0, textLength(context, frame) - dig.pageRows)});
			} else if (input === '/') dig.dispatch({type: 'search-open'});
			else if (input === 'p' || input === 'c') {
				// p: the previous run; c: the current one again.
				const previous = input === 'p';
				if (previous === Boolean(frame.previous)) return;
				closeTop(context);
				open(context, {view: 'logs', target: frame.target, previous});
			}
			return;
		case 'describe':
			if (input === 'l' && frame.target?.kind === 'pod') open(context, {view: 'logs', target: frame.target, previous: false});
			else if (input === 'y' && frame.target) open(context, {view: 'yaml', target: frame.target});
			else if (input === 'r' && !context.readOnly) {
				const workload = dig.snapshot.doc?.workload;
				if (frame.target?.kind !== 'pod') return;
				if (!workload) return notice(context, 'this pod has no Deployment or StatefulSet to restart');
				dig.dispatch({type: 'confirm', confirm: {action: 'restart', workload}});
			} else if (key.ctrl && input === 'd') askDelete(context, frame.target);
			return;
		case 'yaml':
			return;
		case 'services':
			if (input === 'g') open(context, {view: 'gateways'});
			return;
		case 'events':
			if (input === '/') dig.dispatch({type: 'search-open'});
			else if (input === 'd' || key.return) {
				const target = selectedInView(context, frame);
				if (target) open(context, {view: 'describe', target});
			}
			return;
		case 'nodes':
		case 'gateways': {
			const target = selectedInView(context, frame);
			if (frame.view === 'nodes' && !frame.nodePods && key.return && target) {
				return dig.dispatch({type: 'node-pods', nodePods: {cluster: target.cluster, node: target.name}});
			}
			if (!target) return;
			if (key.ctrl) {
				if (input === 'd') askDelete(context, target);
			} else if (input === 'd' || key.return) open(context, {view: 'describe', target});
			else if (input === 'y') open(context, {view: 'yaml', target});
			else if (input === 'l' && target.kind === 'pod') open(context, {view: 'logs', target, previous: false});
			return;
		}
	}
}

function searchKey(input: string, key: Key, context: Context): void {
	const dig = context.dig!;
	if (key.escape) dig.dispatch({type: 'search-clear'});
	else if (key.return) dig.dispatch({type: 'search-keep'});
	else if (key.backspace || key.delete) dig.dispatch({type: 'search-erase'});
	else if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
	else {
		const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
		if (text) dig.dispatch({type: 'search-type', text});
	}
	// Results start at the top of what matches.
	dig.dispatch({type: 'scroll-to', line: 0});
}

function namespacesOf(snapshot: LabSnapshot): string[] {
	return [...new Set(snapshot.clusters.flatMap(cluster => cluster.pods.map(pod => pod.namespace)))].sort();
}

function commandKey(input: string, key: Key, context: Context): void {
	const dig = context.dig!;
	const text = dig.state.command ?? '';
	if (key.escape) return dig.dispatch({type: 'command-close'});
	if (key.upArrow) return dig.dispatch({type: 'history', delta: -1});
	if (key.downArrow) return dig.dispatch({type: 'history', delta: 1});
	if (key.tab) return dig.dispatch({type: 'command-set', text: complete(text, namespacesOf(context.snapshot))});
	if (key.backspace || key.delete) {
		if (text === '') return dig.dispatch({type: 'command-close'});
		return dig.dispatch({type: 'command-set', text: text.slice(0, -1)});
	}
	if (key.return) {
		dig.dispatch({type: 'command-close', run: text});
		return runCommand(text, context);
	}
	if (key.ctrl || key.meta || key.leftArrow || key.rightArrow) return;
	const typed = input.replace(/[\u0000-\u001f\u007f]/g, '');
	if (typed) dig.dispatch({type: 'command-set', text: text + typed});
}

function runCommand(text: string, context: Context): void {
	const dig = context.dig!;
	const command = parseCommand(text);
	if ('error' in command) return notice(context, command.error, 'warn');
	switch (command.name) {
		case 'list':
			// The list is drawn under the line while it is open; `?` alone reopens it.
			return dig.dispatch({type: 'command-set', text: '?'});
		case 'pods':
			return closeAll(context);
		case 'events':
		case 'nodes':
		case 'gateways':
		case 'services':
			return open(context, {view: command.name});
		case 'ns':
			dig.dispatch({type: 'namespace', namespace: command.namespace});
			// The selection indexes the scoped list: start it at the top.
			for (const cluster of context.snapshot.clusters) context.dispatch({type: 'move', cluster: cluster.name, delta: -Number.MAX_SAFE_INTEGER, length: 1});
			return notice(context, command.namespace ? `namespace ${command.namespace} in every cluster (:ns alone shows all)` : 'every namespace', 'ok');
		case 'sort':
			dig.dispatch({type: 'sort', key: command.key});
			return notice(context, `sorted by ${sortWords[command.key]}`, 'ok');
		case 'help':
			return context.dispatch({type: 'open', mode: 'help'});
		case 'quit':
			return context.intents.quit();
	}
}

function confirmKey(input: string, key: Key, context: Context): void {
	const dig = context.dig!;
	const confirm = dig.state.confirm!;
	const intents = context.intents.dig;
	if (key.escape || input === 'n') return dig.dispatch({type: 'confirm'});
	if (input !== 'y' || !intents || context.readOnly) return;
	dig.dispatch({type: 'confirm'});
	const result = confirm.action === 'delete' ? intents.deletePod(confirm.target) : intents.restart(confirm.workload);
	const what = confirm.action === 'delete' ? `delete ${confirm.target.namespace}/${confirm.target.name}` : `restart ${confirm.workload.namespace}/${confirm.workload.name}`;
	notice(context, `${what}…`);
	result.then(
		outcome => (outcome.ok ? notice(context, outcome.text ?? `${what}: done`, 'ok') : notice(context, `${what} failed: ${outcome.error}`, 'crit')),
		(error: unknown) => notice(context, `${what} failed: ${error instanceof Error ? error.message : String(error)}`, 'crit'),
	);
	// A deleted pod's describe (or logs) has nothing left to show: back to the list.
	if (confirm.action === 'delete') {
		const top = topFrame(dig.state);
		if (top && top.target?.name === confirm.target.name && top.target.kind === 'pod') closeTop(context);
	}
}
