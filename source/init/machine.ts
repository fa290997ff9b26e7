// What init needs to know about this machine: its LAN addresses and whether iptables is on PATH.
import {accessSync, constants} from 'node:fs';
import {networkInterfaces} from 'node:os';
import {delimiter, join} from 'node:path';

// Bridges and tunnels of Docker, VMs and VPNs: never the host's LAN address.
const virtual = /^(lo|docker|br-|veth|virbr|cni|flannel|vmnet|bridge|utun|tun|tap|kube|cali|cilium|vxlan|wg|tailscale|zt)/;

/** Non-loopback IPv4 addresses, the likeliest LAN one first (192.168/16, then 10/8, then 172.16/12). */
export function localAddresses(interfaces = networkInterfaces()): Array<{address: string; interface: string}> {
	const rank = (address: string) => (address.startsWith('192.168.') ? 0 : address.startsWith('10.') ? 1 : /^172\.(1[6-9]|2\d|3[01])\./.test(address) ? 2 : 3);
	return Object.entries(interfaces)
		.flatMap(([name, items]) => (items ?? []).filter(item => item.family === 'IPv4' && !item.internal).map(item => ({address: item.address, interface: name})))
		.filter(item => !virtual.test(item.interface))
		.sort((a, b) => rank(a.address) - rank(b.address));
}

/** The first executable `name` in PATH's directories. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
	for (const directory of path.split(delimiter).filter(Boolean)) {
		const candidate = join(directory, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// not here
		}
	}
	return undefined;
}
