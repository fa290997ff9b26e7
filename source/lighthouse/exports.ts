// Each cluster's ServiceExports joined with where they are imported, computed once from a snapshot for
// the services view, `check` and the checklist. An export of cluster A is imported on cluster B when B
// holds the aggregated ServiceImport of the same namespace/name (in the service's own namespace, not a
// per-cluster copy with a source-cluster label) listing A's Submariner cluster ID in status.clusters.
// Lighthouse's CoreDNS answers a clusterset name only with clusters whose gateway connection is
// `connected` (coredns/gateway/controller.go): so B resolves A's service only while B→A is connected.
import type {ClusterSnapshot, LabSnapshot, Level} from '../store/types.js';
import {exportState, exportWords, type ExportState, type ServiceExportInfo} from './service-export.js';
import {lighthouseMissing} from '../store/discovery.js';

export interface ImportSite {
	/** labwatch's name of the importing cluster. */
	cluster: string;
	type: string;
	ips: string[];
	/** B's active gateway connection to A: Lighthouse's DNS on B answers A's IPs only while it is connected. */
	connection?: string;
	/** B's data is not current (the cluster is not live). */
	stale: boolean;
}

export interface ExportRow {
	cluster: string;
	/** The exporting cluster's Submariner cluster ID (the CR's, else the active gateway's), when known. */
	clusterId?: string;
	export: ServiceExportInfo;
	state: ExportState;
	/** "Valid, Ready", "Conflict: PortConflict: …". */
	words: string;
	level: Level;
	importedOn: ImportSite[];
	stale: boolean;
}

/** The Submariner cluster ID of a labwatch cluster: the Submariner CR's, else its active gateway's. */
export function submarinerClusterId(cluster: ClusterSnapshot): string | undefined {
	const fromCr = cluster.discovery?.submariner?.clusterId;
	if (fromCr) return fromCr;
	return cluster.gateways.find(gateway => gateway.haStatus === 'active' && gateway.localClusterId)?.localClusterId || undefined;
}

const stateLevel: Record<ExportState, Level> = {exported: 'ok', conflict: 'crit', invalid: 'warn', pending: 'warn'};

export function exportRows(snapshot: Pick<LabSnapshot, 'clusters'>): ExportRow[] {
	const rows: ExportRow[] = [];
	const ids = new Map(snapshot.clusters.map(cluster => [cluster.name, submarinerClusterId(cluster)]));
	for (const cluster of snapshot.clusters) {
		const clusterId = ids.get(cluster.name);
		for (const item of cluster.discovery?.serviceExports ?? []) {
			const state = exportState(item);
			const importedOn: ImportSite[] = [];
			for (const other of snapshot.clusters) {
				if (other.name === cluster.name) continue;
				const found = other.discovery?.serviceImports.find(
					candidate => !candidate.sourceCluster && candidate.namespace === item.namespace && candidate.name === item.name && (clusterId === undefined || candidate.clusters.includes(clusterId)),
				);
				if (!found) continue;
				const connection = clusterId === undefined ? undefined : activeConnectionStatus(other, clusterId);
				importedOn.push({cluster: other.name, type: found.type, ips: found.ips, ...(connection ? {connection} : {}), stale: other.stale});
			}
			rows.push({cluster: cluster.name, ...(clusterId ? {clusterId} : {}), export: item, state, words: exportWords(item), level: stateLevel[state], importedOn, stale: cluster.stale});
		}
	}
	return rows;
}

/** The status of `cluster`'s active gateway connection to the Submariner cluster `remoteId`. */
export function activeConnectionStatus(cluster: ClusterSnapshot, remoteId: string): string | undefined {
	for (const gateway of cluster.gateways) {
		if (gateway.haStatus !== 'active') continue;
		const connection = gateway.connections.find(item => item.remoteCluster === remoteId);
		if (connection) return connection.status;
	}
	return undefined;
}

/** What a cluster's services line says when it has no export to list: not installed, forbidden, waiting, none. */
export function lighthouseFact(cluster: ClusterSnapshot): string | undefined {
	const error = cluster.resources?.serviceexports?.error;
	if (error) return `serviceexports: ${error}`;
	if (lighthouseMissing(cluster.discovery)) return 'Lighthouse not installed (no serviceexports.multicluster.x-k8s.io API)';
	if (cluster.discovery?.state.serviceexports !== 'listed') return 'waiting for serviceexports';
	if ((cluster.discovery?.serviceExports.length ?? 0) === 0) return 'no ServiceExports';
	return undefined;
}

/** "imported on m2 (ClusterSetIP 10.97.3.4)", "not imported on any other cluster". */
export function importWords(row: ExportRow): string {
	if (row.importedOn.length === 0) return 'not imported on any other cluster';
	return `imported on ${row.importedOn.map(site => `${site.cluster}${site.stale ? ' (stale)' : ''}`).join(', ')}`;
}

export interface ImportView {
	/** The importing cluster (labwatch's name), which is live. */
	cluster: string;
	namespace: string;
	name: string;
	/** Exporting clusters other than this one, with this cluster's gateway connection to each (undefined: none listed). */
	exporters: Array<{clusterId: string; connection?: string}>;
}

/**
 * What each live cluster imports from the others, seen from the importer alone: its aggregated
 * ServiceImports and its own gateway connections. Lighthouse's DNS there answers an import only through
 * exporters it is connected to, so this needs nothing from the exporting cluster (which may be cut off).
 */
export function importViews(snapshot: Pick<LabSnapshot, 'clusters'>): ImportView[] {
	const views: ImportView[] = [];
	for (const cluster of snapshot.clusters) {
		if (cluster.stale) continue;
		const ownId = submarinerClusterId(cluster);
		for (const item of cluster.discovery?.serviceImports ?? []) {
			if (item.sourceCluster) continue;
			const exporters = item.clusters.filter(id => id !== ownId).map(clusterId => {
				const connection = activeConnectionStatus(cluster, clusterId);
				return {clusterId, ...(connection ? {connection} : {})};
			});
			if (exporters.length > 0) views.push({cluster: cluster.name, namespace: item.namespace, name: item.name, exporters});
		}
	}
	return views;
}
