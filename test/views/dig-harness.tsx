// Fake dig intents for the view tests: a real DigStore (no coalescing delay) that each intent fills at
// once with fixed answers, and a record of every call, so a test asserts what a key asked for and
// what the frame then shows.
import {DigStore, type DigTarget, type WorkloadRef} from '../../source/store/dig-store.js';
import type {DigIntents, DigResult} from '../../source/tui/dig-intents-types.js';
import type {DocLine} from '../../source/kube/describe.js';
import type {EventInfo} from '../../source/kube/events.js';
import {startMs} from './harness.js';

export interface FakeDig extends DigIntents {
	store: DigStore;
	calls: string[];
	/** What describe answers (per target name), else a few generic lines. */
	docs: Map<string, DocLine[]>;
	logLines: string[];
	events: EventInfo[];
	deleteResult: DigResult;
}

export function event(cluster: string, name: string, reason: string, options: Partial<EventInfo> = {}): EventInfo {
	return {cluster, kind: 'Pod', namespace: 'apps', name, uid: '', type: 'Normal', reason, message: `${reason} happened`, count: 1, lastMs: startMs - 60_000, firstMs: startMs - 60_000, source: 'kubelet', ...options};
}

export function fakeDig(): FakeDig {
	const store = new DigStore(0);
	const calls: string[] = [];
	const say = (what: string, target?: DigTarget | WorkloadRef) => calls.push(target ? `${what} ${target.cluster} ${target.namespace ?? ''}/${target.name}` : what);
	const fake: FakeDig = {
		store,
		source: store,
		calls,
		docs: new Map(),
		logLines: [],
		events: [],
		deleteResult: {ok: true, text: 'deleted'},
		describe(target) {
			say('describe', target);
			const lines = fake.docs.get(target.name) ?? [{text: `Name:          ${target.name}`}, {text: 'Status:        Running'}];
			store.update({doc: {kind: 'describe', target, state: 'ready', lines, workload: {cluster: target.cluster, kind: 'Deployment', namespace: target.namespace ?? '', name: 'worker'}}});
		},
		yaml(target) {
			say('yaml', target);
			store.update({doc: {kind: 'yaml', target, state: 'ready', lines: [{text: 'apiVersion: v1'}, {text: 'kind: Pod'}, {text: `  name: ${target.name}`}]}});
		},
		closeDoc() {
			say('closeDoc');
			store.update({doc: undefined});
		},
		logs(target, {previous}) {
			say(previous ? 'logs-previous' : 'logs', target);
			store.update({logs: {target, previous, state: 'streaming', lines: [...fake.logLines], dropped: 0, bytes: fake.logLines.join('\n').length}});
		},
		closeLogs() {
			say('closeLogs');
			store.update({logs: undefined});
		},
		openEvents() {
			say('openEvents');
			store.update({events: {state: 'ready', items: fake.events, errors: {}, atMs: startMs}});
		},
		closeEvents() {
			say('closeEvents');
			store.update({events: undefined});
		},
		openNodes() {
			say('openNodes');
			store.update({nodes: {state: 'ready', items: [{cluster: 'm1', name: 'm1-control-plane', roles: ['control-plane'], kubeletVersion: 'v1.30.3'}], errors: {}}});
		},
		closeNodes() {
			say('closeNodes');
			store.update({nodes: undefined});
		},
		async deletePod(target) {
			say('deletePod', target);
			return fake.deleteResult;
		},
		async restart(workload) {
			say('restart', workload);
			return {ok: true, text: `restarted ${workload.name}`};
		},
	};
	return fake;
}
