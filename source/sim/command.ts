// `labwatch sim`: runs the simulated homelab in the foreground until SIGINT/SIGTERM, writing a
// kubeconfig and a labwatch config for it when asked. cli.ts (the lead's) parses argv and calls this.
import {renameSync, writeFileSync} from 'node:fs';
import {dirname, basename, join, resolve} from 'node:path';
import {stringify} from 'yaml';
import {contextName, startHomelab, type SimOptions} from './homelab.js';
import {homelabSpecs} from './homelab-seed.js';
import type {SimHostOs} from './host-memory-series.js';
import {ConfigError} from '../config/errors.js';

export interface SimCommandFlags {
	bind?: string;
	/** Comma-separated cluster names, e.g. "m2". */
	only?: string;
	pods?: number;
	churn?: number;
	peer?: string;
	kubeconfig?: string;
	configOut?: string;
	/** First port; further clusters take the next ones. */
	port?: number;
	/** Restarts, CI jobs and memory drift (default on); off for a quiet homelab (`--no-life`). */
	life?: boolean;
	/** Node_exporter dialect per host, "m2=linux" or "m1=darwin,m2=linux" (default: darwin, the Macs). */
	hostOs?: string;
}

/** "m2=linux,m1=darwin" -> {m2: 'linux', m1: 'darwin'}; anything else is a one-line flag error. */
export function parseHostOsFlag(text: string | undefined): Record<string, SimHostOs> | undefined {
	if (text === undefined) return undefined;
	const result: Record<string, SimHostOs> = {};
	for (const item of text.split(',').map(part => part.trim()).filter(Boolean)) {
		const match = /^([a-z0-9-]+)=(linux|darwin)$/.exec(item);
		if (!match) throw new ConfigError(`--host-os: expected HOST=linux or HOST=darwin (comma-separated), got "${item}"`);
		result[match[1]!] = match[2] as SimHostOs;
	}
	return result;
}

/** Writes via a temp file in the same directory and a rename, so readers never see half a file. */
function writeAtomically(path: string, text: string): void {
	const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
	writeFileSync(temp, text, {mode: 0o600});
	renameSync(temp, path);
}

/** --port N: the first cluster on N, the next on N+1, …; --port 0 (or none): each on a free port the
 * kernel picks. Refused when a cluster's port would fall outside 1–65535. */
export function simPorts(port: number | undefined, names: string[]): Record<string, number> | undefined {
	if (port === undefined || port === 0) return undefined;
	if (!Number.isInteger(port) || port < 1 || port + names.length - 1 > 65_535) {
		throw new ConfigError(`--port ${port}: expected 0 (any free port) or a port from 1 to ${65_536 - names.length} (${names.length} clusters take consecutive ports)`);
	}
	return Object.fromEntries(names.map((name, index) => [name, port + index]));
}

export async function runSimCommand(flags: SimCommandFlags): Promise<void> {
	const only = flags.only?.split(',').map(name => name.trim()).filter(name => name.length > 0);
	const names = only ?? homelabSpecs.map(spec => spec.name);
	const ports = simPorts(flags.port, names);
	const hostOs = parseHostOsFlag(flags.hostOs);
	for (const host of Object.keys(hostOs ?? {})) {
		if (!homelabSpecs.some(spec => spec.host === host)) throw new ConfigError(`--host-os: no simulated host "${host}" (known: ${homelabSpecs.map(spec => spec.host).join(', ')})`);
	}
	const options: SimOptions = {bind: flags.bind, only, podsPerCluster: flags.pods, churnPerSecond: flags.churn, peer: flags.peer, ports, life: flags.life, hostOs};
	const sim = await startHomelab(options);

	// A config needs a kubeconfig with the sim contexts: write one next to it when none was named.
	const kubeconfigPath = flags.kubeconfig
		? resolve(flags.kubeconfig)
		: flags.configOut
			? join(dirname(resolve(flags.configOut)), 'sim-kubeconfig.yaml')
			: undefined;
	if (kubeconfigPath) writeAtomically(kubeconfigPath, sim.kubeconfigYaml());
	if (flags.configOut) {
		const configPath = resolve(flags.configOut);
		writeAtomically(configPath, stringify(sim.configFor(kubeconfigPath!)));
	}

	const out = process.stdout;
	out.write('labwatch sim: simulated homelab running\n');
	for (const cluster of sim.clusters) {
		out.write(`  ${cluster.name}  ${cluster.url}  (host ${cluster.host} ${cluster.model.hostMemory().os}, context ${contextName(cluster.name)}, ${cluster.model.count('pods')} pods)\n`);
	}
	out.write(`  control  ${sim.controlUrl}  (POST /_sim/partition, POST /_sim/heal, GET /_sim/state)\n`);
	if (flags.peer) out.write(`  peer     ${flags.peer}\n`);
	if (kubeconfigPath) {
		out.write(`kubeconfig: ${kubeconfigPath}\n`);
		out.write(`  kubectl --kubeconfig ${kubeconfigPath} --context ${contextName(sim.clusters[0]!.name)} get pods -A\n`);
	} else {
		out.write('no --kubeconfig given: add --kubeconfig FILE to write one for kubectl and labwatch\n');
	}
	if (flags.configOut) out.write(`labwatch config: ${resolve(flags.configOut)}\n  labwatch --config ${resolve(flags.configOut)}\n`);
	out.write('Ctrl-C stops it.\n');

	await new Promise<void>(resolveStop => {
		const onSignal = () => {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
			resolveStop();
		};
		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
	});
	await sim.stop();
	out.write('labwatch sim: stopped\n');
	process.exitCode = 0;
}
