// The kinds labwatch watches in every cluster, and how each is trimmed and keyed.
import type {GatewayInfo, NodeInfo, PodInfo} from '../store/types.js';
import type {ResourceKind} from './reflector.js';
import {trimNode, trimPod} from './trim.js';
import {trimGateway} from '../submariner/gateway.js';
import {serverSkewMs} from '../submariner/server-clock.js';
import {gatewayKey} from '../store/lab-store.js';
import {trimServiceExport, type ServiceExportInfo} from '../lighthouse/service-export.js';
import {trimServiceImport, type ServiceImportInfo} from '../lighthouse/service-import.js';
import {trimEndpoint, trimSubmarinerCluster, type EndpointInfo, type SubmarinerClusterInfo} from '../submariner/endpoint.js';
import {trimSubmariner, type SubmarinerInfo} from '../submariner/submariner-cr.js';
import {discoveryKey, type DiscoveryItem, type DiscoveryKind} from '../store/discovery.js';

export const nodesKind: ResourceKind<NodeInfo> = {name: 'nodes', path: '/api/v1/nodes', trim: trimNode, key: node => node.name};

export const podsKind: ResourceKind<PodInfo> = {name: 'pods', path: '/api/v1/pods', trim: trimPod, key: pod => pod.uid};

/**
 * Gateways live in Submariner's namespace (subctl's default: submariner-operator). `server` (the cluster's
 * API URL) says whose clock the update-timestamp is read on.
 */
export function gatewaysKind(namespace: string, server?: string): ResourceKind<GatewayInfo> {
	return {
		name: 'gateways',
		path: `/apis/submariner.io/v1/namespaces/${encodeURIComponent(namespace)}/gateways`,
		trim: object => trimGateway(object, serverSkewMs(server)),
		key: gatewayKey,
	};
}

/** Lighthouse's MCS API objects, in every namespace (an export lives beside its Service). */
export const serviceExportsKind: ResourceKind<ServiceExportInfo> = {
	name: 'serviceexports',
	path: '/apis/multicluster.x-k8s.io/v1alpha1/serviceexports',
	trim: trimServiceExport,
	key: discoveryKey,
};

export const serviceImportsKind: ResourceKind<ServiceImportInfo> = {
	name: 'serviceimports',
	path: '/apis/multicluster.x-k8s.io/v1alpha1/serviceimports',
	trim: trimServiceImport,
	key: discoveryKey,
};

/** Endpoints and Clusters live in Submariner's namespace, beside the Gateways. */
export function endpointsKind(namespace: string): ResourceKind<EndpointInfo> {
	return {name: 'endpoints', path: `/apis/submariner.io/v1/namespaces/${encodeURIComponent(namespace)}/endpoints`, trim: trimEndpoint, key: discoveryKey};
}

export function submarinerClustersKind(namespace: string): ResourceKind<SubmarinerClusterInfo> {
	return {name: 'clusters', path: `/apis/submariner.io/v1/namespaces/${encodeURIComponent(namespace)}/clusters`, trim: trimSubmarinerCluster, key: discoveryKey};
}

/** The operator's CR, in the operator's namespace (subctl puts operator and Submariner both in submariner-operator),
 * so a user allowed only that namespace can read it. */
export function submarinersKind(namespace: string): ResourceKind<SubmarinerInfo> {
	return {name: 'submariners', path: `/apis/submariner.io/v1alpha1/namespaces/${encodeURIComponent(namespace)}/submariners`, trim: trimSubmariner, key: discoveryKey};
}

/** Each discovery kind with its path for a cluster, in the order they are watched and listed. */
export function discoveryKindsFor(submarinerNamespace: string): {[K in DiscoveryKind]: ResourceKind<DiscoveryItem<K>>} {
	return {
		serviceexports: serviceExportsKind,
		serviceimports: serviceImportsKind,
		endpoints: endpointsKind(submarinerNamespace),
		clusters: submarinerClustersKind(submarinerNamespace),
		submariners: submarinersKind(submarinerNamespace),
	};
}
