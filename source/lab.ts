// Assembles labwatch's sources around one store: the config (or the in-process demo homelab), one
// ClusterWatch per cluster, and later the budget and drill sources. Both faces start from here.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {loadConfig, validateConfig} from './config/load.js';
import type {Config} from './config/schema.js';
import {loadKubeConfigs} from './kube/kubeconfig.js';
import {LabStore, type ClusterIdentity} from './store/lab-store.js';

export interface LabOptions {
	configFlag?: string;
	/** --kubeconfig: the kubeconfig to read, over the config's `kubeconfig:` and $KUBECONFIG. */
	kubeconfig?: string;
	demo?: boolean;
	/** Demo homelab size, for trying it at scale. */
	demoPods?: number;
	demoChurn?: number;
}

export interface Lab {
	config: Config;
	/** "demo", the config file's path, or "defaults". */
	configLabel: string;
	store: LabStore;
	/** One KubeConfig per cluster name, set to that cluster's context. */
	kubeconfigs: Map<string, KubeConfig>;
	/** With --demo: the in-process homelab's control URL (POST /_sim/partition, /_sim/heal). */
	demo?: {controlUrl: string};
	/** Undo everything opened for this lab (the demo homelab, temp files). */
	close(): Promise<void>;
}

const palette = ['cyan', 'magenta', 'green', 'yellow', 'blue', 'white'];

export async function openLab(options: LabOptions): Promise<Lab> {
	const cleanups: Array<() => Promise<void> | void> = [];
	let config: Config;
	let configLabel: string;
	let demo: Lab['demo'];
	if (options.demo) {
		const {startHomelab} = await import('./sim/homelab.js');
		const sim = await startHomelab({podsPerCluster: options.demoPods, churnPerSecond: options.demoChurn});
		cleanups.push(() => sim.stop());
		const directory = mkdtempSync(join(tmpdir(), 'labwatch-demo-'));
		cleanups.push(() => rmSync(directory, {recursive: true, force: true}));
		const kubeconfigPath = join(directory, 'kubeconfig.yaml');
		writeFileSync(kubeconfigPath, sim.kubeconfigYaml(), {mode: 0o600});
		config = validateConfig(sim.configFor(kubeconfigPath), 'demo');
		configLabel = 'demo';
		demo = {controlUrl: sim.controlUrl};
	} else {
		const loaded = loadConfig(options.configFlag);
		config = loaded.config;
		configLabel = loaded.path ?? 'defaults';
		if (options.kubeconfig !== undefined) config = {...config, kubeconfig: options.kubeconfig};
	}
	const close = async () => {
		for (const cleanup of cleanups.reverse()) await cleanup();
	};
	try {
		const identities: ClusterIdentity[] = Object.entries(config.clusters).map(([name, cluster], index) => ({
			name,
			context: cluster.context,
			host: cluster.host,
			colour: cluster.colour ?? palette[index % palette.length],
		}));
		const kubeconfigs = loadKubeConfigs(
			Object.entries(config.clusters).map(([name, cluster]) => ({cluster: name, context: cluster.context, kubeconfig: cluster.kubeconfig})),
			config.kubeconfig,
		);
		return {config, configLabel, store: new LabStore(identities), kubeconfigs, demo, close};
	} catch (error) {
		await close();
		throw error;
	}
}

/** Starts a live watch on every cluster; returns the function that stops them all. */
export async function startWatching(lab: Lab): Promise<() => void> {
	const {ClusterWatch} = await import('./kube/cluster-watch.js');
	const watches = Object.entries(lab.config.clusters).map(
		([name, cluster]) =>
			new ClusterWatch(lab.kubeconfigs.get(name)!, {name, submarinerNamespace: cluster.submarinerNamespace}, lab.store, {
				probeIntervalMs: lab.config.probe.interval,
				probeTimeoutMs: lab.config.probe.timeout,
			}),
	);
	for (const watch of watches) watch.start();
	return () => {
		for (const watch of watches) watch.stop();
	};
}

/** Starts the memory-budget source (Prometheus poller, or requests and limits without one). */
export async function startBudgets(lab: Lab): Promise<{stop(): void; setHistoryPoints(points: number): void}> {
	const {store} = lab;
	const source = await budgetSourceFor(lab);
	// Pods come and go: recompute requests and limits when the clusters change, at most once a second.
	let pending: NodeJS.Timeout | undefined;
	let seenVersion = store.workloadVersion;
	const unsubscribe = store.subscribe(() => {
		// Gateway heartbeats and the budgets' own reports change the store too; only pods and nodes matter.
		if (pending || store.workloadVersion === seenVersion) return;
		pending = setTimeout(() => {
			pending = undefined;
			seenVersion = store.workloadVersion;
			source.refresh();
		}, 1000);
	});
	source.start();
	return {
		stop() {
			unsubscribe();
			clearTimeout(pending);
			source.stop();
		},
		setHistoryPoints: points => source.setHistoryPoints(points),
	};
}

/**
 * `check`: one Prometheus poll, started at once beside the cluster lists and bounded by the deadline.
 * `finish()` waits for it (or the deadline) and computes the budgets from the pods listed meanwhile.
 */
export async function startBudgetPoll(lab: Lab, deadlineMs: number): Promise<{finish(): Promise<void>}> {
	const source = await budgetSourceFor(lab);
	const poll = source.pollNow().catch(() => undefined);
	return {
		async finish() {
			let timer: NodeJS.Timeout | undefined;
			const late = new Promise<void>(resolve => {
				timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now()));
			});
			try {
				await Promise.race([poll, late]);
				source.refresh();
			} finally {
				clearTimeout(timer);
				source.stop();
			}
		},
	};
}

/** A budget source reading the lab's clusters and reporting into its store. */
async function budgetSourceFor(lab: Lab) {
	const {BudgetSource} = await import('./budget/source.js');
	const {store} = lab;
	return new BudgetSource({
		config: lab.config,
		clusters: () => store.snapshot().clusters,
		onChange: update => store.setBudgets(update.hosts, update.prometheus),
	});
}
