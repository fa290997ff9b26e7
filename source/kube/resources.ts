// The three kinds labwatch watches in every cluster, and how each is trimmed and keyed.
import type {GatewayInfo, NodeInfo, PodInfo} from '../store/types.js';
import type {ResourceKind} from './reflector.js';
import {trimNode, trimPod} from './trim.js';
import {trimGateway} from '../submariner/gateway.js';
import {serverSkewMs} from '../submariner/server-clock.js';
import {gatewayKey} from '../store/lab-store.js';

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
