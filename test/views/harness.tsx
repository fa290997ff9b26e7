// A small harness for the view tests: a LabStore with a fixed clock filled like the homelab, the App
// rendered with ink-testing-library at a chosen pane size, and helpers that wait for frames to settle.
import {render} from 'ink-testing-library';
import {LabStore} from '../../source/store/lab-store.js';
import type {GatewayInfo, NodeInfo, PodInfo} from '../../source/store/types.js';
import type {HostBudget} from '../../source/budget/types.js';
import {App, type AppProps} from '../../views/App.js';
import type {Intents} from '../../views/intents.js';

export const startMs = new Date(2026, 10, 24, 20, 14, 0).getTime();

export function pod(name: string, options: Partial<PodInfo> = {}): PodInfo {
	return {
		uid: `${options.namespace ?? 'default'}/${name}`,
		namespace: 'default',
		name,
		phase: 'Running',
		ready: true,
		restarts: 0,
		createdMs: startMs - 3_600_000,
		memoryRequestBytes: 128 * 2 ** 20,
		memoryLimitBytes: 256 * 2 ** 20,
		labels: {},
		...options,
	};
}

export function node(name: string, ready = true): NodeInfo {
	return {name, ready, memoryCapacityBytes: 8 * 2 ** 30, memoryAllocatableBytes: 7 * 2 ** 30, createdMs: startMs - 86_400_000};
}

export function gateway(cluster: string, remote: string, nowMs: number, options: Partial<GatewayInfo> = {}): GatewayInfo {
	return {
		name: `${cluster}-gw`,
		namespace: 'submariner-operator',
		haStatus: 'active',
		version: 'v0.18.0',
		statusFailure: '',
		localClusterId: cluster,
		updatedMs: nowMs,
		connections: [{remoteCluster: remote, remoteHostname: `${remote}-node`, status: 'connected', statusMessage: '', rttAverageMs: 0.68852}],
		...options,
	};
}

export function homelab() {
	let now = startMs;
	const store = new LabStore(
		[
			{name: 'm1', context: 'kind-m1-cluster', host: 'm1', colour: 'cyan'},
			{name: 'm2', context: 'kind-m2-cluster', host: 'm2', colour: 'magenta'},
		],
		{clock: () => now},
	);
	store.replaceNodes('m1', [node('m1-control-plane'), node('m1-worker')]);
	store.replaceNodes('m2', [node('m2-control-plane')]);
	store.replacePods('m1', [
		pod('api-7f9c', {namespace: 'apps'}),
		pod('postgres-0', {namespace: 'data'}),
		pod('worker-5d8b', {namespace: 'apps', problem: 'CrashLoopBackOff', restarts: 12, ready: false}),
		pod('coredns-1', {namespace: 'kube-system'}),
	]);
	store.replacePods('m2', [
		pod('edge-proxy-1', {namespace: 'edge'}),
		pod('api-cache-2', {namespace: 'edge'}),
		pod('ml-batch-3', {namespace: 'ml', phase: 'Pending', ready: false, problem: 'Pending'}),
	]);
	store.replaceGateways('m1', [gateway('m1', 'm2', now)]);
	store.replaceGateways('m2', [gateway('m2', 'm1', now)]);
	store.setConnection('m1', 'live');
	store.setConnection('m2', 'live');
	return {
		store,
		now: () => now,
		advance(ms: number) {
			now += ms;
		},
	};
}

export function hostBudget(host: string, options: Partial<HostBudget> = {}): HostBudget {
	const gibBytes = 2 ** 30;
	return {
		host,
		limitBytes: 16 * gibBytes,
		reservedBytes: 2 * gibBytes,
		plannedBytes: 12 * gibBytes,
		requestBytes: 9 * gibBytes,
		limitsBytes: 13 * gibBytes,
		actualBytes: 8 * gibBytes,
		actualSource: 'node-exporter-darwin',
		headroomBytes: 6 * gibBytes,
		lines: [
			{name: 'postgres', plannedBytes: 4 * gibBytes, actualBytes: 3 * gibBytes, requestBytes: 3 * gibBytes, limitBytes: 4 * gibBytes, pods: 1},
			{name: 'other', plannedBytes: 0, actualBytes: gibBytes, requestBytes: gibBytes, limitBytes: 2 * gibBytes, pods: 5},
		],
		history: [6, 6.5, 7, 7.5, 8].map(value => value * gibBytes),
		verdict: {level: 'ok', reasons: []},
		...options,
	};
}

export const tick = () => new Promise(resolve => setImmediate(() => setTimeout(resolve, 0)));

/** Enough turns for a store change or a key to reach the frame (store notify, publish, React commit). */
export async function settle(turns = 6): Promise<void> {
	for (let turn = 0; turn < turns; turn++) await tick();
}

export const keys = {up: '\u001B[A', down: '\u001B[B', enter: '\r', tab: '\t', escape: '\u001B', backspace: '\u007F', ctrlC: '\u0003'};

export interface Harness extends ReturnType<typeof render> {
	quits: () => number;
	press(...inputs: string[]): Promise<string>;
	frame(): string;
}

export function renderApp(store: LabStore, props: Partial<AppProps> & {columns?: number; rows?: number} = {}): Harness {
	let quits = 0;
	const intents: Intents = props.intents ?? {quit: () => void quits++};
	const {columns = 100, rows = 30, ...rest} = props;
	const instance = render(
		<App
			source={store}
			configLabel="demo"
			size={{columns, rows}}
			refresh={{minIntervalMs: 0, gatherMs: 0, tickMs: 0}}
			{...rest}
			intents={intents}
		/>,
	);
	const frame = () => instance.lastFrame() ?? '';
	return {
		...instance,
		quits: () => quits,
		frame,
		async press(...inputs: string[]) {
			for (const input of inputs) {
				instance.stdin.write(input);
				// Ink 8 holds a lone Esc for 20 ms, in case it starts an escape sequence split across reads.
				if (input === keys.escape) await new Promise(resolve => setTimeout(resolve, 30));
				await settle(3);
			}
			return frame();
		},
	};
}

/** Lines of a frame with the line containing `text`. */
export function lineWith(frame: string, text: string): string {
	return frame.split('\n').find(line => line.includes(text)) ?? '';
}

/** The rows of the side-by-side panel at position (0 left, 1 right) on a 100-column frame, header excluded. */
export function panel(frame: string, position: 0 | 1, columns = 100): string[] {
	const half = Math.floor(columns / 2);
	return frame
		.split('\n')
		.slice(1)
		.map(line => (position === 0 ? line.slice(0, half) : line.slice(half)));
}
