// Submariner's other objects as the operator and gateway write them (submariner.md §1.3, §1.4, §1.6):
// the Submariner CR in the operator namespace, and in Submariner's namespace one Endpoint and one Cluster
// for the local cluster and a copy of each remote cluster's (labelled with the origin cluster, as the
// broker sync labels them).
import type {EndpointSpec} from './gateway-object.js';
import {kubeTime} from './random.js';
import type {KubeObject} from './resources.js';

/** A stable uid from a name: seeding must not draw from the seeded generator (pod names would move). */
export function stableUid(text: string): string {
	let hash = 0x811c9dc5;
	for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
	const hex = hash.toString(16).padStart(8, '0');
	return `${hex}-5b00-4000-8000-${hex}${hex.slice(0, 4)}`;
}

/** admiral's EnsureValidName: lower case, anything but [a-z0-9.-] becomes '-'. */
export function ensureValidName(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
}

export function makeEndpoint(input: {namespace: string; spec: EndpointSpec; localCluster: string; createdMs: number}): KubeObject {
	const name = ensureValidName(`${input.spec.cluster_id}-${input.spec.cable_name}`);
	const remote = input.spec.cluster_id !== input.localCluster;
	return {
		apiVersion: 'submariner.io/v1',
		kind: 'Endpoint',
		metadata: {
			name,
			namespace: input.namespace,
			uid: stableUid(`${input.localCluster}/endpoint/${name}`),
			resourceVersion: '0',
			creationTimestamp: kubeTime(input.createdMs),
			...(remote ? {labels: {'submariner-io/clusterID': input.spec.cluster_id}} : {}),
		},
		spec: input.spec,
	};
}

export function makeSubmarinerCluster(input: {namespace: string; clusterId: string; serviceCidr: string; podCidr: string; localCluster: string; createdMs: number}): KubeObject {
	const remote = input.clusterId !== input.localCluster;
	return {
		apiVersion: 'submariner.io/v1',
		kind: 'Cluster',
		metadata: {
			name: input.clusterId,
			namespace: input.namespace,
			uid: stableUid(`${input.localCluster}/cluster/${input.clusterId}`),
			resourceVersion: '0',
			creationTimestamp: kubeTime(input.createdMs),
			...(remote ? {labels: {'submariner-io/clusterID': input.clusterId}} : {}),
		},
		spec: {cluster_id: input.clusterId, service_cidr: [input.serviceCidr], cluster_cidr: [input.podCidr], global_cidr: []},
	};
}

export interface SimHealthCheck {
	enabled: boolean;
	intervalSeconds: number;
	maxPacketLossCount: number;
}

/** The operator's CR (required spec fields as the v0.21 CRD lists them), as `subctl join` leaves it. */
export function makeSubmarinerCr(input: {
	namespace: string;
	clusterId: string;
	serviceCidr: string;
	podCidr: string;
	brokerUrl: string;
	serviceDiscovery: boolean;
	healthCheck: SimHealthCheck;
	createdMs: number;
}): KubeObject {
	return {
		apiVersion: 'submariner.io/v1alpha1',
		kind: 'Submariner',
		metadata: {name: 'submariner', namespace: input.namespace, uid: stableUid(`${input.clusterId}/submariner`), resourceVersion: '0', creationTimestamp: kubeTime(input.createdMs), generation: 1},
		spec: {
			broker: 'k8s',
			brokerK8sApiServer: input.brokerUrl,
			brokerK8sRemoteNamespace: 'submariner-k8s-broker',
			cableDriver: 'libreswan',
			ceIPSecDebug: false,
			ceIPSecIKEPort: 500,
			ceIPSecNATTPort: 4500,
			clusterCIDR: input.podCidr,
			clusterID: input.clusterId,
			colorCodes: 'blue',
			connectionHealthCheck: input.healthCheck,
			debug: false,
			namespace: input.namespace,
			natEnabled: false,
			serviceCIDR: input.serviceCidr,
			serviceDiscoveryEnabled: input.serviceDiscovery,
			version: '0.18.1',
		},
	};
}
