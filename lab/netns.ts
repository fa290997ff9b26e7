// The lab's network: one network namespace per cluster (`<prefix><name>`), the two joined by a veth pair
// created directly inside them (nothing of the lab ever sits in the host's own namespace), addresses from
// the lab's own /30, loopback up in each. Commands are argument arrays run with execFileSync.
import {execFileSync} from 'node:child_process';

/** The lab's link: a private /30 no homelab uses (the homelab is 192.168.x). */
export const labSubnet = {base: '10.231.0', prefixLength: 30} as const;

export interface LabNamespace {
	/** The cluster (and labwatch host) living in it. */
	cluster: string;
	/** `ip netns` name: prefix + cluster. */
	netns: string;
	/** The namespace's end of the veth pair. */
	device: string;
	address: string;
}

function ip(args: string[], allowFail = false): string {
	try {
		return execFileSync('ip', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
	} catch (error) {
		if (allowFail) return '';
		const stderr = String((error as {stderr?: string}).stderr ?? '').trim();
		throw new Error(`ip ${args.join(' ')} failed: ${stderr}`);
	}
}

/** Where each cluster's namespace, device and address would be; nothing is created. */
export function planNetwork(prefix: string, clusters: string[]): LabNamespace[] {
	if (clusters.length !== 2) throw new Error(`the lab joins exactly two clusters with a veth pair (got ${clusters.join(', ') || 'none'})`);
	return clusters.map((cluster, index) => {
		const peer = clusters[1 - index]!;
		return {cluster, netns: `${prefix}${cluster}`, device: `to-${peer}`.slice(0, 15), address: `${labSubnet.base}.${index + 1}`};
	});
}

/** The network namespaces that exist now (`ip netns list`: "name" or "name (id: N)"). */
export function listNamespaces(): string[] {
	return ip(['netns', 'list'], true)
		.split('\n')
		.map(line => line.trim().split(/\s+/)[0] ?? '')
		.filter(Boolean);
}

/** Creates the namespaces and the veth pair; on any failure removes what it made and throws. */
export function createNetwork(plan: LabNamespace[]): void {
	const [a, b] = plan as [LabNamespace, LabNamespace];
	try {
		for (const each of plan) ip(['netns', 'add', each.netns]);
		ip(['link', 'add', a.device, 'netns', a.netns, 'type', 'veth', 'peer', 'name', b.device, 'netns', b.netns]);
		for (const each of plan) {
			ip(['-n', each.netns, 'addr', 'add', `${each.address}/${labSubnet.prefixLength}`, 'dev', each.device]);
			ip(['-n', each.netns, 'link', 'set', 'lo', 'up']);
			ip(['-n', each.netns, 'link', 'set', each.device, 'up']);
		}
	} catch (error) {
		deleteNamespaces(plan.map(each => each.netns));
		throw error;
	}
}

/** Pids of the processes inside a namespace (`ip netns pids`). */
export function namespacePids(netns: string): number[] {
	return ip(['netns', 'pids', netns], true)
		.split('\n')
		.map(Number)
		.filter(pid => Number.isInteger(pid) && pid > 1);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function signalAll(pids: number[], signal: NodeJS.Signals): void {
	for (const pid of pids) {
		try {
			process.kill(pid, signal);
		} catch {
			// gone
		}
	}
}

/**
 * Ends whatever still runs in the namespaces (SIGTERM first, so a TUI started there restores its terminal;
 * SIGKILL after graceMs), then deletes them (their veth ends and any iptables rules go with them).
 * Idempotent: a namespace that is not there is skipped.
 */
export function deleteNamespaces(names: string[], graceMs = 2000): void {
	const existing = new Set(listNamespaces());
	const present = names.filter(netns => existing.has(netns));
	const inside = () => present.flatMap(namespacePids);
	signalAll(inside(), 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (inside().length > 0 && Date.now() < deadline) Atomics.wait(pause, 0, 0, 100);
	signalAll(inside(), 'SIGKILL');
	for (const netns of present) ip(['netns', 'del', netns], true);
}
