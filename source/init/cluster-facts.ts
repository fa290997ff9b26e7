// What each cluster's API says about itself: its nodes (InternalIP, memory capacity, OS image, kubelet)
// and where Submariner's Gateways live. Every cluster is asked at once, each under a short deadline, so
// a sleeping MacBook costs `timeoutMs`, not a hang. Everything here came from a server: untrusted text.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {parseQuantity} from '../config/size.js';
import {getJson, KubeRequestError} from '../kube/http.js';

export interface NodeFact {
	name: string;
	internalIP?: string;
	memoryBytes?: number;
	osImage?: string;
	kubeletVersion?: string;
	/** "kind://docker/<cluster>/<node>" on kind nodes. */
	providerID?: string;
}

export type ClusterFacts =
	| {reachable: true; nodes: NodeFact[]; submarinerNamespaces: string[]}
	| {reachable: false; reason: string};

interface NodeList {
	items?: Array<{
		metadata?: {name?: string};
		spec?: {providerID?: string};
		status?: {
			addresses?: Array<{type?: string; address?: string}>;
			capacity?: Record<string, string>;
			nodeInfo?: {osImage?: string; kubeletVersion?: string};
		};
	}>;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

export function nodeFacts(list: NodeList): NodeFact[] {
	return (list.items ?? []).map(item => {
		const internalIP = str(item.status?.addresses?.find(address => address?.type === 'InternalIP')?.address);
		const memory = str(item.status?.capacity?.memory);
		return {
			name: str(item.metadata?.name) ?? '?',
			...(internalIP ? {internalIP} : {}),
			...(memory && parseQuantity(memory) !== undefined ? {memoryBytes: parseQuantity(memory)} : {}),
			...(str(item.status?.nodeInfo?.osImage) ? {osImage: item.status!.nodeInfo!.osImage} : {}),
			...(str(item.status?.nodeInfo?.kubeletVersion) ? {kubeletVersion: item.status!.nodeInfo!.kubeletVersion} : {}),
			...(str(item.spec?.providerID) ? {providerID: item.spec!.providerID} : {}),
		};
	});
}

export async function askCluster(kc: KubeConfig, timeoutMs: number): Promise<ClusterFacts> {
	try {
		const [nodes, gateways] = await Promise.all([
			getJson<NodeList>(kc, '/api/v1/nodes', {timeoutMs}),
			getJson<{items?: Array<{metadata?: {namespace?: string}}>}>(kc, '/apis/submariner.io/v1/gateways', {timeoutMs}).catch((error: unknown) => {
				// No Submariner on this cluster (404) is an answer, not a failure.
				if (error instanceof KubeRequestError && error.statusCode === 404) return {items: []};
				throw error;
			}),
		]);
		const namespaces = [...new Set((gateways.items ?? []).map(item => str(item.metadata?.namespace)).filter((name): name is string => !!name))];
		return {reachable: true, nodes: nodeFacts(nodes), submarinerNamespaces: namespaces};
	} catch (error) {
		return {reachable: false, reason: error instanceof KubeRequestError ? error.message : (error as Error).message};
	}
}

/** Every context asked at once. */
export async function askClusters(kubeConfigs: Map<string, KubeConfig>, contexts: string[], timeoutMs: number): Promise<Map<string, ClusterFacts>> {
	const answers = await Promise.all(contexts.map(async context => [context, await askCluster(kubeConfigs.get(context)!, timeoutMs)] as const));
	return new Map(answers);
}
