// One KubeConfig per cluster: the client reads the current user and cluster at request time, so a
// shared instance switched between contexts would mix one cluster's URL with another's credentials.
// Files are read as kubectl reads them (client-go's clientcmd loader): $KUBECONFIG is a list, missing
// and empty files in it are skipped, the first file to name a cluster, user or context wins (later
// entries of the same name are ignored whole), and current-context comes from the first file that
// sets one. Each file is parsed by client-node, so auth (exec plugins, token files, client
// certificates, paths relative to the file) keeps client-node's semantics.
import {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import type {Cluster, Context, User} from '@kubernetes/client-node/dist/config_types.js';
import {existsSync, readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {delimiter, join} from 'node:path';
import {ConfigError} from '../config/errors.js';
import {shareExecCredentials} from './exec-credential.js';

/** The kubeconfig file(s) to read, the way kubectl picks them, and a label for messages. */
export function kubeconfigSource(file: string | undefined, env: NodeJS.ProcessEnv = process.env): {files: string[]; explicit: boolean; label: string} {
	if (file) return {files: [file], explicit: true, label: file};
	if (env.KUBECONFIG) {
		const files = [...new Set(env.KUBECONFIG.split(delimiter).filter(Boolean))];
		return {files, explicit: false, label: files.length === 1 ? files[0]! : `$KUBECONFIG (${files.join(delimiter)})`};
	}
	const home = join(homedir(), '.kube', 'config');
	return {files: [home], explicit: false, label: home};
}

export function kubeconfigLabel(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
	return kubeconfigSource(file, env).label;
}

/** A merged kubeconfig, remembering which file each context came from (for messages). */
interface Merged {
	clusters: Cluster[];
	users: User[];
	contexts: Context[];
	currentContext?: string;
	contextFile: Map<string, string>;
	label: string;
}

/** One file through client-node (its validation and path resolution); undefined for an empty file. */
function readOne(path: string): KubeConfig | undefined {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new ConfigError(`kubeconfig ${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	if (!text.trim()) return undefined;
	const kc = new KubeConfig();
	try {
		kc.loadFromFile(path);
	} catch (error) {
		throw new ConfigError(`kubeconfig ${path}: ${(error as Error).message.split('\n')[0]}`);
	}
	// A YAML scalar or list parses without error but holds nothing a kubeconfig has.
	if (!Array.isArray(kc.clusters) || !Array.isArray(kc.users) || !Array.isArray(kc.contexts)) {
		throw new ConfigError(`kubeconfig ${path}: not a kubeconfig (expected clusters:, users: and contexts:)`);
	}
	return kc;
}

function loadMerged(file: string | undefined, env: NodeJS.ProcessEnv): Merged {
	const {files, explicit, label} = kubeconfigSource(file, env);
	if (explicit && !existsSync(files[0]!)) throw new ConfigError(`kubeconfig ${files[0]}: no such file`);
	const present = files.filter(path => existsSync(path));
	if (present.length === 0) {
		throw new ConfigError(
			files.length === 1 ? `kubeconfig ${label}: no such file (set kubeconfig: in the config, or $KUBECONFIG)` : `kubeconfig ${label}: none of these files exists`,
		);
	}
	const merged: Merged = {clusters: [], users: [], contexts: [], contextFile: new Map(), label};
	let read = 0;
	for (const path of present) {
		const kc = readOne(path);
		if (!kc) {
			if (explicit || present.length === 1) throw new ConfigError(`kubeconfig ${path}: empty file (no clusters, users or contexts)`);
			continue; // kubectl skips an empty file in a list
		}
		read++;
		// First wins, whole entry: a second file's "kubernetes-admin" is ignored, not merged field by field.
		for (const cluster of kc.clusters) if (!merged.clusters.some(each => each.name === cluster.name)) merged.clusters.push(cluster);
		for (const user of kc.users) if (!merged.users.some(each => each.name === user.name)) merged.users.push(user);
		for (const context of kc.contexts) {
			if (merged.contexts.some(each => each.name === context.name)) continue;
			merged.contexts.push(context);
			merged.contextFile.set(context.name, path);
		}
		if (!merged.currentContext && kc.currentContext) merged.currentContext = kc.currentContext;
	}
	if (read === 0) throw new ConfigError(`kubeconfig ${label}: every file is empty`);
	return merged;
}

export interface KubeconfigWanted {
	/** labwatch's cluster name (the key in the returned map). */
	cluster: string;
	context: string;
	/** This cluster's own kubeconfig file; default: the config's `kubeconfig`, $KUBECONFIG, ~/.kube/config. */
	kubeconfig?: string;
}

/**
 * Loads each kubeconfig source once and hands out one KubeConfig per labwatch cluster, set to its
 * context. A context that is missing, or names a cluster or user that is not there, is a config error
 * naming the file and the entry.
 */
export function loadKubeConfigs(wanted: KubeconfigWanted[], file?: string, env: NodeJS.ProcessEnv = process.env): Map<string, KubeConfig> {
	const sources = new Map<string, Merged>();
	const configs = new Map<string, KubeConfig>();
	for (const want of wanted) {
		const sourceFile = want.kubeconfig ?? file;
		const key = sourceFile ?? '';
		let merged = sources.get(key);
		if (!merged) {
			merged = loadMerged(sourceFile, env);
			sources.set(key, merged);
		}
		const {label} = merged;
		const context = merged.contexts.find(each => each.name === want.context);
		if (!context) {
			const names = merged.contexts.map(each => each.name);
			throw new ConfigError(`kubeconfig ${label}: no context "${want.context}" (it has: ${names.join(', ') || 'none'})`);
		}
		const where = merged.contextFile.get(context.name) ?? label;
		if (!context.cluster || !merged.clusters.some(each => each.name === context.cluster)) {
			throw new ConfigError(`kubeconfig ${where}: context "${context.name}" names ${context.cluster ? `cluster "${context.cluster}", which is not there` : 'no cluster'}`);
		}
		// kubectl refuses a context whose user is missing; client-node would send no credentials at all.
		if (context.user && !merged.users.some(each => each.name === context.user)) {
			throw new ConfigError(`kubeconfig ${where}: context "${context.name}" names user "${context.user}", which is not there`);
		}
		const kc = new KubeConfig();
		kc.loadFromOptions({clusters: merged.clusters, users: merged.users, contexts: merged.contexts, currentContext: context.name});
		shareExecCredentials(kc);
		configs.set(want.cluster, kc);
	}
	return configs;
}
