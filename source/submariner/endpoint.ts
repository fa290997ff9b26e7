// submariner.io/v1 Endpoint and Cluster objects (submariner.md §1.2–1.4), trimmed to what the gateways view
// shows: one Endpoint per cluster's active gateway (the local one and a copy of each remote one), one
// Cluster per cluster ID with its CIDRs. Field names are the CRD's own, snake_case and all.
import {MalformedObject, objectOf} from '../kube/trim.js';

export interface EndpointInfo {
	namespace: string;
	name: string;
	clusterId: string;
	hostname: string;
	/** Cable driver: libreswan, wireguard, vxlan. */
	backend: string;
	/** The IP the remote gateway pings; empty when this side runs no health check. */
	healthCheckIP: string;
	subnets: string[];
	privateIp: string;
	publicIp: string;
	natEnabled: boolean;
}

export interface SubmarinerClusterInfo {
	namespace: string;
	name: string;
	clusterId: string;
	serviceCidrs: string[];
	clusterCidrs: string[];
	globalCidrs: string[];
}

const text = (value: unknown, max = 253): string => (typeof value === 'string' ? value.slice(0, max) : '');
/** Strings of an array, at most `max` of them: a CIDR list longer than that is not a homelab's. */
const strings = (value: unknown, max = 16): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.length <= 64).slice(0, max) : []);

function nameOf(metadata: Record<string, any>, kind: string): string {
	if (typeof metadata.name !== 'string' || !metadata.name) throw new MalformedObject(`${kind} without metadata.name`);
	return metadata.name;
}

export function trimEndpoint(object: Record<string, any>): EndpointInfo {
	const metadata = objectOf(object?.metadata);
	const spec = objectOf(object?.spec);
	// Newer Submariner also writes the plural IP lists; the singular fields stay set for IPv4.
	const first = (single: unknown, plural: unknown) => text(single) || strings(plural, 2)[0] || '';
	return {
		namespace: text(metadata.namespace),
		name: nameOf(metadata, 'endpoint'),
		clusterId: text(spec.cluster_id, 63),
		hostname: text(spec.hostname),
		backend: text(spec.backend, 32),
		healthCheckIP: first(spec.healthCheckIP, spec.healthCheckIPs),
		subnets: strings(spec.subnets),
		privateIp: first(spec.private_ip, spec.privateIPs),
		publicIp: first(spec.public_ip, spec.publicIPs),
		natEnabled: spec.nat_enabled === true,
	};
}

export function trimSubmarinerCluster(object: Record<string, any>): SubmarinerClusterInfo {
	const metadata = objectOf(object?.metadata);
	const spec = objectOf(object?.spec);
	return {
		namespace: text(metadata.namespace),
		name: nameOf(metadata, 'cluster'),
		clusterId: text(spec.cluster_id, 63),
		serviceCidrs: strings(spec.service_cidr),
		clusterCidrs: strings(spec.cluster_cidr),
		globalCidrs: strings(spec.global_cidr),
	};
}

export function namespacedKey(item: {namespace: string; name: string}): string {
	return `${item.namespace}/${item.name}`;
}
