// Refusals before a cut: a drill must not sever the path labwatch itself needs to heal it.
import {networkInterfaces} from 'node:os';
import type {EnforcementPoint} from './types.js';
import {isIpv4} from './validate.js';

export interface SafetyInput {
	points: EnforcementPoint[];
	/** $SSH_CONNECTION: "client-ip client-port server-ip server-port" when labwatch runs in an SSH session. */
	sshConnection?: string;
	/** IPv4 addresses of this machine. */
	localAddresses: string[];
	/** Labels of points where a heal is scheduled on the point itself. */
	healScheduledAt: Set<string>;
}

/** The first reason to refuse, as one line naming --force; undefined when the cut is safe. */
export function refusal(input: SafetyInput): string | undefined {
	const client = input.sshConnection?.trim().split(/\s+/)[0];
	if (client && isIpv4(client)) {
		// Only a cut on this machine's own stack can drop the session labwatch runs in.
		const here = input.points.find(point => (point.via === 'local' || point.via === 'sudo' || point.via === 'pf') && point.peers.includes(client));
		if (here)
			return `refusing to cut: labwatch is reached over SSH from ${client}, which the cut at ${here.label} drops (pass --force to cut anyway)`;
	}
	for (const point of input.points) {
		if (point.via !== 'ssh') continue;
		const host = point.destination!.split('@').pop()!;
		// The SSH session to the point itself crosses its own cut: the commands after the jump would hang.
		const ours = input.localAddresses.find(address => point.peers.includes(address));
		if (ours)
			return `refusing to cut: ${point.label} is reached from this machine (${ours}), which its own cut drops (pass --force to cut anyway)`;
		// Another point's cut severs the path to this one: only safe if this point heals itself.
		const severing = input.points.find(other => other !== point && other.via !== 'sim' && isIpv4(host) && other.peers.includes(host));
		if (severing && !input.healScheduledAt.has(point.label))
			return `refusing to cut: ${point.label} is reached across the cut at ${severing.label} and has no heal scheduled on it (pass --force to cut anyway)`;
	}
	return undefined;
}

export function localIpv4Addresses(): string[] {
	return Object.values(networkInterfaces())
		.flatMap(list => list ?? [])
		.filter(entry => entry.family === 'IPv4' && !entry.internal)
		.map(entry => entry.address);
}
