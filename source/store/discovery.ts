// Per cluster: Lighthouse's ServiceExports and ServiceImports, and Submariner's Endpoints, Clusters and
// Submariner CR, as the store keeps them and as snapshots show them. A kind whose API the cluster does
// not serve (404: no CRD) is `missing`, a fact ("Lighthouse not installed"), never an error.
import type {ServiceExportInfo} from '../lighthouse/service-export.js';
import type {ServiceImportInfo} from '../lighthouse/service-import.js';
import type {EndpointInfo, SubmarinerClusterInfo} from '../submariner/endpoint.js';
import type {SubmarinerInfo} from '../submariner/submariner-cr.js';

export const discoveryKinds = ['serviceexports', 'serviceimports', 'endpoints', 'clusters', 'submariners'] as const;
export type DiscoveryKind = (typeof discoveryKinds)[number];

interface KindItems {
	serviceexports: ServiceExportInfo;
	serviceimports: ServiceImportInfo;
	endpoints: EndpointInfo;
	clusters: SubmarinerClusterInfo;
	submariners: SubmarinerInfo;
}
export type DiscoveryItem<K extends DiscoveryKind> = KindItems[K];

/** waiting: no answer yet; listed: the first list is in; missing: the API is not served (no CRD). */
export type KindState = 'waiting' | 'listed' | 'missing';

export interface ClusterDiscovery {
	serviceExports: ServiceExportInfo[];
	serviceImports: ServiceImportInfo[];
	endpoints: EndpointInfo[];
	clusters: SubmarinerClusterInfo[];
	/** The Submariner CR (the first, by namespace/name, if a cluster had several). */
	submariner?: SubmarinerInfo;
	state: Record<DiscoveryKind, KindState>;
}

/** Lighthouse's own kinds: both missing means Lighthouse (the MCS API) is not installed. */
export function lighthouseMissing(discovery: ClusterDiscovery | undefined): boolean {
	return discovery?.state.serviceexports === 'missing';
}

export function lighthouseListed(discovery: ClusterDiscovery | undefined): boolean {
	return discovery?.state.serviceexports === 'listed' && discovery.state.serviceimports === 'listed';
}

/** Every discovery kind is namespaced: objects are keyed by namespace/name. */
export function discoveryKey(item: {namespace: string; name: string}): string {
	return `${item.namespace}/${item.name}`;
}

const byKey = (a: {namespace: string; name: string}, b: {namespace: string; name: string}) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

/** One cluster's discovery objects. Bumps `version` on every change so snapshots are rebuilt only then. */
export class DiscoveryData {
	private readonly items: {[K in DiscoveryKind]: Map<string, KindItems[K]>} = {
		serviceexports: new Map(),
		serviceimports: new Map(),
		endpoints: new Map(),
		clusters: new Map(),
		submariners: new Map(),
	};
	private readonly state = Object.fromEntries(discoveryKinds.map(kind => [kind, 'waiting'])) as Record<DiscoveryKind, KindState>;
	private cached: ClusterDiscovery | undefined;

	replace<K extends DiscoveryKind>(kind: K, items: Array<KindItems[K]>): void {
		this.items[kind] = new Map(items.map(item => [discoveryKey(item), item])) as (typeof this.items)[K];
		this.state[kind] = 'listed';
		this.cached = undefined;
	}

	/** False when nothing changed (the same object again): the store then draws nothing. */
	upsert<K extends DiscoveryKind>(kind: K, item: KindItems[K]): boolean {
		const map = this.items[kind] as Map<string, KindItems[K]>;
		const key = discoveryKey(item);
		const before = map.get(key);
		if (before && JSON.stringify(before) === JSON.stringify(item)) return false;
		map.set(key, item);
		this.cached = undefined;
		return true;
	}

	remove(kind: DiscoveryKind, key: string): boolean {
		if (!this.items[kind].delete(key)) return false;
		this.cached = undefined;
		return true;
	}

	/** False when it was already known missing and empty. */
	markMissing(kind: DiscoveryKind): boolean {
		if (this.state[kind] === 'missing' && this.items[kind].size === 0) return false;
		this.items[kind].clear();
		this.state[kind] = 'missing';
		this.cached = undefined;
		return true;
	}

	get<K extends DiscoveryKind>(kind: K, key: string): KindItems[K] | undefined {
		return (this.items[kind] as Map<string, KindItems[K]>).get(key);
	}

	kindState(kind: DiscoveryKind): KindState {
		return this.state[kind];
	}

	snapshot(): ClusterDiscovery {
		if (this.cached) return this.cached;
		const submariners = [...this.items.submariners.values()].sort(byKey);
		this.cached = {
			serviceExports: [...this.items.serviceexports.values()].sort(byKey),
			serviceImports: [...this.items.serviceimports.values()].sort(byKey),
			endpoints: [...this.items.endpoints.values()].sort(byKey),
			clusters: [...this.items.clusters.values()].sort(byKey),
			...(submariners[0] ? {submariner: submariners[0]} : {}),
			state: {...this.state},
		};
		return this.cached;
	}
}
