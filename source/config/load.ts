// Finds, reads and validates the config file. Order: --config, $LABWATCH_CONFIG, $XDG_CONFIG_HOME/labwatch/config.yaml.
import {readFileSync, existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {basename, join} from 'node:path';
import {parseDocument} from 'yaml';
import type {z} from 'zod';
import {configSchema, type Config} from './schema.js';
import {homelabDefaults} from './defaults.js';
import {ConfigError} from './errors.js';

export interface LoadedConfig {
	config: Config;
	/** The file it came from, or undefined when the homelab defaults are used. */
	path?: string;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
	const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
	return join(base, 'labwatch', 'config.yaml');
}

/** The path that would be read, and whether the user named it (a named file must exist). */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env) {
	if (flag) return {path: flag, explicit: true};
	if (env.LABWATCH_CONFIG) return {path: env.LABWATCH_CONFIG, explicit: true};
	return {path: defaultConfigPath(env), explicit: false};
}

export function loadConfig(flag?: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
	const {path, explicit} = resolveConfigPath(flag, env);
	if (!existsSync(path)) {
		if (explicit) throw new ConfigError(`${path}: no such file (run \`labwatch init --config ${path}\` to write one)`);
		return {config: validateConfig(homelabDefaults, 'defaults')};
	}
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new ConfigError(`${path}: cannot read: ${(error as Error).message}`);
	}
	return {config: parseConfigText(text, path), path};
}

export function parseConfigText(text: string, path: string): Config {
	const label = basename(path);
	const document = parseDocument(text, {prettyErrors: true, uniqueKeys: true});
	const [first] = document.errors;
	if (first) {
		const where = first.linePos?.[0] ? `:${first.linePos[0].line}:${first.linePos[0].col}` : '';
		throw new ConfigError(`${label}${where}: not valid YAML: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
	}
	let data: unknown;
	try {
		// A few aliases are normal; thousands are a billion-laughs file that would take the machine.
		data = document.toJS({maxAliasCount: 100});
	} catch (error) {
		const why = /alias/i.test((error as Error).message) ? 'too many aliases (over 100 expansions)' : (error as Error).message.split('\n')[0];
		throw new ConfigError(`${label}: not valid YAML: ${why}`);
	}
	if (data === null || typeof data !== 'object' || Array.isArray(data)) {
		throw new ConfigError(`${label}: expected a mapping with clusters: and hosts:`);
	}
	return validateConfig(data, label);
}

/** `~` and `~/…` as the shell would expand them (init's template writes `kubeconfig: ~/.kube/config`). */
export function expandHome(path: string, home: string = homedir()): string {
	if (path === '~') return home;
	if (path.startsWith('~/')) return join(home, path.slice(2));
	return path;
}

export function validateConfig(data: unknown, label: string): Config {
	const forbidden = forbiddenKey(data);
	if (forbidden) throw new ConfigError(`${label}: ${forbidden}: not allowed as a key`);
	const result = configSchema.safeParse(data);
	if (!result.success) throw new ConfigError(`${label}: ${describeIssue(result.error.issues[0]!)}`);
	const config = result.data;
	if (config.kubeconfig) config.kubeconfig = expandHome(config.kubeconfig);
	for (const cluster of Object.values(config.clusters)) {
		if (cluster.kubeconfig) cluster.kubeconfig = expandHome(cluster.kubeconfig);
	}
	for (const [clusterName, cluster] of Object.entries(config.clusters)) {
		if (!config.hosts[cluster.host]) {
			throw new ConfigError(`${label}: clusters.${clusterName}.host: no host named "${cluster.host}" under hosts`);
		}
	}
	for (const [index, point] of (config.drill.points ?? []).entries()) {
		const key = `drill.points.${index}`;
		if (!config.hosts[point.host]) throw new ConfigError(`${label}: ${key}.host: no host named "${point.host}" under hosts`);
		if (point.via === 'ssh' && !point.destination) throw new ConfigError(`${label}: ${key}.destination: required with via: ssh`);
		if (point.via === 'docker' && !point.container) throw new ConfigError(`${label}: ${key}.container: required with via: docker`);
		if (point.via === 'sim' && !point.url) throw new ConfigError(`${label}: ${key}.url: required with via: sim`);
		if (point.via === 'netns' && !point.netns) throw new ConfigError(`${label}: ${key}.netns: required with via: netns`);
	}
	const probeNames = new Set<string>();
	for (const [index, probe] of config.probes.entries()) {
		if (probeNames.has(probe.name)) throw new ConfigError(`${label}: probes.${index}.name: a second probe named "${probe.name}"`);
		probeNames.add(probe.name);
		if (probe.from && !config.clusters[probe.from.cluster]) throw new ConfigError(`${label}: probes.${index}.from.cluster: no cluster named "${probe.from.cluster}" under clusters`);
	}
	for (const [section, entries] of [['http', config.phases.http], ['reach', config.phases.reach]] as const) {
		for (const [index, entry] of entries.entries()) {
			if (entry.probe !== undefined && !probeNames.has(entry.probe)) {
				throw new ConfigError(`${label}: phases.${section}.${index}.probe: no probe named "${entry.probe}" under probes`);
			}
		}
	}
	return config;
}

/** The path of a `__proto__` key anywhere in the data: validation would drop it without a word. */
function forbiddenKey(data: unknown, path: string[] = []): string | undefined {
	if (typeof data !== 'object' || data === null) return undefined;
	for (const key of Object.getOwnPropertyNames(data)) {
		if (key === '__proto__') return [...path, key].join('.');
		const found = forbiddenKey((data as Record<string, unknown>)[key], [...path, key]);
		if (found) return found;
	}
	return undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
	const path = issue.path.map(String);
	if (issue.code === 'unrecognized_keys') {
		const key = [...path, issue.keys[0]!].join('.');
		return `${key}: unknown key`;
	}
	const key = path.length > 0 ? path.join('.') : '(top level)';
	if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `${key}: required`;
	if (issue.code === 'invalid_value') return `${key}: expected one of ${issue.values.map(String).join(', ')}`;
	if (issue.code === 'invalid_key') return `${key}: ${issue.issues[0]?.message ?? issue.message}`;
	if (issue.code === 'invalid_type') {
		const expected = issue.expected === 'record' || issue.expected === 'object' ? 'a mapping' : issue.expected;
		return `${key}: expected ${expected}`;
	}
	return `${key}: ${issue.message}`;
}
