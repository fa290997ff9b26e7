// Submariner Gateway objects exactly as submariner.io/v1 writes them (reference submariner.md §1.1, §1.2, §6):
// no spec, status rewritten with the annotation `update-timestamp` on every sync.
import type {KubeObject} from './resources.js';
import {kubeTime} from './random.js';

export interface EndpointSpec {
	cluster_id: string;
	cable_name: string;
	healthCheckIP: string;
	hostname: string;
	subnets: string[];
	private_ip: string;
	public_ip: string;
	nat_enabled: boolean;
	backend: string;
	backend_config: Record<string, string>;
}

export interface LatencyRtt {
	last: string;
	min: string;
	average: string;
	max: string;
	stdDev: string;
}

export interface GatewayConnection {
	status: 'connected' | 'connecting' | 'error';
	statusMessage: string;
	endpoint: EndpointSpec;
	usingIP: string;
	latencyRTT?: LatencyRtt;
}

export const gatewayVersion = 'v0.18.1';

export function endpointSpec(input: {clusterId: string; hostname: string; privateIp: string; healthCheckIp: string; serviceCidr: string; podCidr: string}): EndpointSpec {
	return {
		cluster_id: input.clusterId,
		cable_name: `submariner-cable-${input.clusterId}-${input.privateIp.replaceAll('.', '-')}`,
		healthCheckIP: input.healthCheckIp,
		hostname: input.hostname,
		subnets: [input.serviceCidr, input.podCidr],
		private_ip: input.privateIp,
		// A LAN homelab resolves no public address.
		public_ip: '',
		nat_enabled: false,
		backend: 'libreswan',
		backend_config: {'natt-discovery-port': '4490', 'preferred-server': 'false', 'udp-port': '4500'},
	};
}

export function makeGateway(input: {name: string; namespace: string; uid: string; createdMs: number; nowMs: number; local: EndpointSpec; connections: GatewayConnection[]}): KubeObject {
	return {
		apiVersion: 'submariner.io/v1',
		kind: 'Gateway',
		metadata: {
			name: input.name,
			namespace: input.namespace,
			uid: input.uid,
			resourceVersion: '0',
			creationTimestamp: kubeTime(input.createdMs),
			annotations: {'update-timestamp': String(Math.floor(input.nowMs / 1000))},
		},
		status: {
			version: gatewayVersion,
			haStatus: 'active',
			localEndpoint: input.local,
			statusFailure: '',
			connections: input.connections,
		},
	};
}
