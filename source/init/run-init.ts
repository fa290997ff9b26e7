// `labwatch init`: look at the homelab (kubeconfig contexts, each cluster's nodes, kind's containers,
// Prometheus), propose a config with a comment per finding and per guess, and write it only when asked:
//   --yes: no questions, write it;   a terminal: show it, ask once;   neither: print it, write nothing.
// Never over an existing file without --force; the written file always passes labwatch's own validation.
import {existsSync, readFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {createInterface} from 'node:readline/promises';
import {writeConfigFile, writeConfigTemplate} from '../config/init.js';
import {ConfigError} from '../config/errors.js';
import {parseConfigText, resolveConfigPath} from '../config/load.js';
import {askClusters} from './cluster-facts.js';
import {kubeconfigFiles, readKubeconfigs, type ContextFact} from './contexts.js';
import {findKindContainers} from './kind-containers.js';
import {localAddresses, onPath} from './machine.js';
import {findPrometheus} from './prometheus-facts.js';
import {chosenContexts, propose, type Proposal} from './propose.js';
import {renderProposal} from './render.js';

export interface InitOptions {
	configFlag?: string;
	kubeconfigFlag?: string;
	/** Look for Prometheus only here. */
	prometheusFlag?: string;
	yes: boolean;
	force: boolean;
	env?: NodeJS.ProcessEnv;
	stdin?: NodeJS.ReadStream;
	stdout?: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
	platform?: NodeJS.Platform;
	/** Per cluster API, per Prometheus address (default 3 s). */
	timeoutMs?: number;
}

const usualPrometheus = ['http://127.0.0.1:9090', 'http://localhost:9090'];

/** Where to look for Prometheus: the flag alone; else the config's URL, loopback, then each remote API server's host. */
export function prometheusCandidates(options: {flag?: string; configured?: string; contexts: ContextFact[]; local: Set<string>}): string[] {
	if (options.flag) return [options.flag];
	const remote = options.contexts.flatMap(context => {
		let host = '';
		try {
			host = new URL(context.server).hostname;
		} catch {
			return [];
		}
		const isRemote = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) && !host.startsWith('127.') && !options.local.has(host);
		return isRemote ? [`http://${host}:9090`] : [];
	});
	return [...new Set([...(options.configured ? [options.configured] : []), ...usualPrometheus, ...remote])];
}

/** The prometheus.url of the config already at `path`, if it has one and parses. */
function configuredPrometheus(path: string): string | undefined {
	if (!existsSync(path)) return undefined;
	try {
		return parseConfigText(readFileSync(path, 'utf8'), path).prometheus?.url;
	} catch {
		return undefined;
	}
}

export async function discover(options: InitOptions, configPath: string): Promise<Proposal> {
	const env = options.env ?? process.env;
	const timeoutMs = options.timeoutMs ?? 3000;
	const kube = readKubeconfigs(options.kubeconfigFlag, env);
	if (kube.contexts.length === 0) throw new ConfigError(`kubeconfig ${kube.files.join(', ')}: no contexts with a cluster: nothing to propose`);
	const addresses = localAddresses();
	// Only the homelab's contexts are asked: a cloud context may run an auth plugin or reach far away.
	const chosen = chosenContexts(kube.contexts);
	const [clusters, kind, prometheus] = await Promise.all([
		askClusters(kube.kubeConfigs, chosen.map(context => context.context), timeoutMs),
		findKindContainers(5000, env),
		findPrometheus(
			prometheusCandidates({flag: options.prometheusFlag, configured: configuredPrometheus(configPath), contexts: chosen, local: new Set(addresses.map(item => item.address))}),
			timeoutMs,
		),
	]);
	return propose({
		...(options.kubeconfigFlag ? {kubeconfigFlag: resolve(options.kubeconfigFlag)} : {}),
		kubeconfigFiles: kube.files,
		contexts: kube.contexts,
		clusters,
		kind,
		prometheus,
		platform: options.platform ?? process.platform,
		iptablesPath: onPath('iptables', env.PATH),
		localAddresses: addresses,
	});
}

export async function runInit(options: InitOptions): Promise<number> {
	const env = options.env ?? process.env;
	const stdin = options.stdin ?? process.stdin;
	const stdout = options.stdout ?? process.stdout;
	const stderr = options.stderr ?? process.stderr;
	const {path} = resolveConfigPath(options.configFlag, env);
	if (options.prometheusFlag !== undefined && !/^https?:\/\/[^\s]+$/.test(options.prometheusFlag)) {
		throw new ConfigError(`--prometheus: expected a URL like http://127.0.0.1:9090, got "${options.prometheusFlag}"`);
	}
	const interactive = Boolean(stdin.isTTY && stdout.isTTY) && !options.yes;
	const writes = options.yes || interactive;
	// Refuse before looking around, so a refusal costs nothing.
	if (writes && existsSync(path) && !options.force) throw new ConfigError(`${path}: already exists (pass --force to overwrite it)`);

	// No kubeconfig anywhere (and none named): the homelab's defaults, as before there was discovery.
	const files = kubeconfigFiles(options.kubeconfigFlag, env);
	if (!options.kubeconfigFlag && !env.KUBECONFIG && !existsSync(files[0]!)) {
		if (!writes) throw new ConfigError(`kubeconfig ${files[0]}: no such file: nothing to look at (pass --kubeconfig FILE, or --yes to write the homelab's defaults)`);
		writeConfigTemplate(path, options.force);
		stdout.write(`no kubeconfig at ${files[0]}: wrote the homelab's defaults to ${path}\nedit the contexts and addresses, then run: labwatch check --config ${path}\n`);
		return 0;
	}

	const proposal = await discover(options, path);
	const text = renderProposal(proposal);
	// A proposal labwatch itself would reject is a bug here, not the user's to fix.
	parseConfigText(text, path);
	const guesses = (text.match(/^\s*# guess:/gm) ?? []).length;
	const summary = `${proposal.clusters.length} cluster${proposal.clusters.length === 1 ? '' : 's'} on ${proposal.hosts.length} host${proposal.hosts.length === 1 ? '' : 's'}, ${guesses} guess${guesses === 1 ? '' : 'es'} to check`;

	if (!writes) {
		stdout.write(text);
		stderr.write(`labwatch init: no terminal: printed the proposal (${summary}), wrote nothing; pass --yes to write ${path}\n`);
		return 0;
	}
	if (interactive) {
		stdout.write(text);
		const question = createInterface({input: stdin, output: stdout, terminal: false});
		const answer = await question.question(`\n${summary}. Write this to ${path}? [y/N] `);
		question.close();
		if (!/^y(es)?$/i.test(answer.trim())) {
			stdout.write('nothing written\n');
			return 0;
		}
	}
	writeConfigFile(path, text, options.force);
	stdout.write(`wrote ${path} (${summary})\ncheck the "guess:" lines, then run: labwatch check --config ${path}\n`);
	return 0;
}
