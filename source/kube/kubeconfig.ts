// One KubeConfig per context: the client reads the current user and cluster at request time, so a
// shared instance switched between contexts would mix one cluster's URL with another's credentials.
import {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {ConfigError} from '../config/errors.js';

export function kubeconfigLabel(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
	return file ?? env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
}

/** Loads the kubeconfig once and hands out one KubeConfig per named context. */
export function loadKubeConfigs(contexts: string[], file?: string, env: NodeJS.ProcessEnv = process.env): Map<string, KubeConfig> {
	const label = kubeconfigLabel(file, env);
	if (file && !existsSync(file)) throw new ConfigError(`kubeconfig ${file}: no such file`);
	if (!file && !env.KUBECONFIG && !existsSync(label)) {
		throw new ConfigError(`kubeconfig ${label}: no such file (set kubeconfig: in the config, or $KUBECONFIG)`);
	}
	const load = () => {
		const kc = new KubeConfig();
		try {
			if (file) kc.loadFromFile(file);
			else kc.loadFromDefault();
		} catch (error) {
			throw new ConfigError(`kubeconfig ${label}: ${(error as Error).message.split('\n')[0]}`);
		}
		return kc;
	};
	const known = load();
	const names = known.getContexts().map(context => context.name);
	const configs = new Map<string, KubeConfig>();
	for (const context of contexts) {
		if (!names.includes(context)) {
			throw new ConfigError(
				`kubeconfig ${label}: no context "${context}" (it has: ${names.join(', ') || 'none'})`,
			);
		}
		const kc = configs.size === 0 ? known : load();
		kc.setCurrentContext(context);
		if (!kc.getCurrentCluster()) throw new ConfigError(`kubeconfig ${label}: context "${context}" names no cluster`);
		configs.set(context, kc);
	}
	return configs;
}
