// Assembles labwatch's sources around one store: the config (or the in-process demo homelab), one
// ClusterWatch per cluster, and later the budget and drill sources. Both faces start from here.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {KubeConfig} from '@kubernetes/client-node';
import {loadConfig, validateConfig} from './config/load.js';
import type {Config} from './config/schema.js';
import {loadKubeConfigs} from './kube/kubeconfig.js';
import {LabStore, type ClusterIdentity} from './store/lab-store.js';

export interface LabOptions {
	configFlag?: string;
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
			[...new Set(identities.map(identity => identity.context))],
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
			new ClusterWatch(lab.kubeconfigs.get(cluster.context)!, {name, submarinerNamespace: cluster.submarinerNamespace}, lab.store, {
				probeIntervalMs: lab.config.probe.interval,
				probeTimeoutMs: lab.config.probe.timeout,
			}),
	);
	for (const watch of watches) watch.start();
	return () => {
		for (const watch of watches) watch.stop();
	};
}
