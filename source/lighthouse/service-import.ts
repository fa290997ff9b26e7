// A multicluster.x-k8s.io/v1alpha1 ServiceImport trimmed to where it comes from: `spec.type`
// (ClusterSetIP | Headless), `spec.ips`, `status.clusters[].cluster` (every exporting cluster's ID) and,
// on Lighthouse's per-cluster copies in the Submariner namespace, the label naming the exporting cluster.
import {MalformedObject, objectOf, objectsOf} from '../kube/trim.js';

export interface ServiceImportInfo {
	namespace: string;
	name: string;
	type: string;
	ips: string[];
	/** Submariner cluster IDs this service is imported from. */
	clusters: string[];
	/** multicluster.kubernetes.io/source-cluster: set on a cluster's own "local" ServiceImport, not on the aggregated one. */
	sourceCluster?: string;
	createdMs: number;
}

/** The CRD allows 2 IPs (dual stack); more than a homelab's clusters is a broken object. */
const maxIps = 4;
const maxClusters = 64;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function trimServiceImport(object: Record<string, any>): ServiceImportInfo {
	const metadata = objectOf(object?.metadata);
	if (typeof metadata.name !== 'string' || !metadata.name) throw new MalformedObject('serviceimport without metadata.name');
	const spec = objectOf(object?.spec);
	const ips = Array.isArray(spec.ips) ? spec.ips.filter((ip: unknown): ip is string => typeof ip === 'string' && ip.length <= 64).slice(0, maxIps) : [];
	const clusters = objectsOf(objectOf(object?.status).clusters)
		.map(item => text(item.cluster))
		.filter(cluster => cluster && cluster.length <= 253)
		.slice(0, maxClusters);
	const sourceCluster = text(objectOf(metadata.labels)['multicluster.kubernetes.io/source-cluster']);
	return {
		namespace: text(metadata.namespace),
		name: metadata.name,
		type: text(spec.type).slice(0, 32),
		ips,
		clusters,
		...(sourceCluster ? {sourceCluster} : {}),
		createdMs: Date.parse(text(metadata.creationTimestamp)) || 0,
	};
}

export function serviceImportKey(item: Pick<ServiceImportInfo, 'namespace' | 'name'>): string {
	return `${item.namespace}/${item.name}`;
}
