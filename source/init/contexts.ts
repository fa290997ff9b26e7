// The kubeconfig's contexts, sorted into the flavours a homelab has: kind (kind-<cluster>), minikube
// (its context, or minikube's extension), kubeadm (kubernetes-admin@<cluster>) and labwatch's own
// simulator (sim-<cluster>). Other contexts (a cloud cluster, say) are listed but not proposed.
import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {delimiter, join} from 'node:path';
import {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {parse} from 'yaml';
import {ConfigError} from '../config/errors.js';

export type ContextFlavour = 'kind' | 'minikube' | 'kubeadm' | 'sim' | 'other';

export interface ContextFact {
	context: string;
	flavour: ContextFlavour;
	/** A config name for the cluster: "kind-m1-cluster" -> "m1". */
	name: string;
	/** The API server URL. */
	server: string;
	/** kind's cluster name (the containers' io.x-k8s.kind.cluster label), for kind contexts. */
	kindCluster?: string;
}

export interface KubeconfigFacts {
	/** The files read, in order. */
	files: string[];
	contexts: ContextFact[];
	/** One KubeConfig per context, switched to it (client-node reads the current context per request). */
	kubeConfigs: Map<string, KubeConfig>;
}

/** --kubeconfig FILE, else every file of $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
	if (flag) return [flag];
	const list = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
	return list.length > 0 ? list : [join(homedir(), '.kube', 'config')];
}

/** Names must suit config keys, iptables comments and file names: lower case, digits, dashes. */
export function configName(text: string): string {
	const name = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32).replace(/-+$/, '');
	return name || 'cluster';
}

export function classifyContext(context: string, minikubeContexts: Set<string>): Pick<ContextFact, 'flavour' | 'name' | 'kindCluster'> {
	const kind = /^kind-(.+)$/.exec(context);
	if (kind) return {flavour: 'kind', name: configName(kind[1]!.replace(/-cluster$/, '')), kindCluster: kind[1]!};
	if (context === 'minikube' || minikubeContexts.has(context)) return {flavour: 'minikube', name: configName(context)};
	const kubeadm = /^kubernetes-admin@(.+)$/.exec(context);
	if (kubeadm) return {flavour: 'kubeadm', name: configName(kubeadm[1]!)};
	const sim = /^sim-(.+)$/.exec(context);
	if (sim) return {flavour: 'sim', name: configName(sim[1]!)};
	return {flavour: 'other', name: configName(context)};
}

/** minikube marks its contexts with an extension whose provider is minikube.sigs.k8s.io. */
function minikubeContextsIn(text: string): string[] {
	try {
		const document = parse(text) as {contexts?: Array<{name?: unknown; context?: {extensions?: Array<{extension?: {provider?: unknown}}>}}>};
		return (document?.contexts ?? [])
			.filter(entry => entry?.context?.extensions?.some(item => item?.extension?.provider === 'minikube.sigs.k8s.io'))
			.map(entry => String(entry.name));
	} catch {
		return [];
	}
}

export function readKubeconfigs(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeconfigFacts {
	const files = kubeconfigFiles(flag, env);
	const minikube = new Set<string>();
	const readable: string[] = [];
	for (const file of files) {
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch (error) {
			// A named file must exist; a $KUBECONFIG list may name files that do not (kubectl skips them).
			if (flag || files.length === 1) throw new ConfigError(`kubeconfig ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
			continue;
		}
		readable.push(file);
		for (const name of minikubeContextsIn(text)) minikube.add(name);
	}
	const load = () => {
		const kc = new KubeConfig();
		try {
			if (flag) kc.loadFromFile(flag);
			else if (env.KUBECONFIG) kc.loadFromDefault();
			else kc.loadFromFile(files[0]!);
		} catch (error) {
			throw new ConfigError(`kubeconfig ${files.join(delimiter)}: ${(error as Error).message.split('\n')[0]}`);
		}
		return kc;
	};
	const all = load();
	const contexts: ContextFact[] = [];
	const kubeConfigs = new Map<string, KubeConfig>();
	const used = new Set<string>();
	for (const context of all.getContexts()) {
		const kc = load();
		kc.setCurrentContext(context.name);
		const server = kc.getCurrentCluster()?.server;
		if (!server) continue;
		const fact = {context: context.name, server, ...classifyContext(context.name, minikube)};
		// Two contexts for one name (kind-m1 and sim-m1): the second gets a suffix.
		let name = fact.name;
		for (let index = 2; used.has(name); index++) name = `${fact.name.slice(0, 29)}-${index}`;
		used.add(name);
		contexts.push({...fact, name});
		kubeConfigs.set(context.name, kc);
	}
	return {files: readable, contexts, kubeConfigs};
}
