// `check`'s lines and JSON for service discovery and Submariner's other objects, from the same snapshot
// and the same joins as the TUI's services and gateways views. Facts only: none of it moves the verdict
// (a missing CRD is "not installed"; a forbidden one is already the cluster's resource error).
import type {LabSnapshot} from './store/types.js';
import {exportRows, lighthouseFact} from './lighthouse/exports.js';
import {lighthouseMissing} from './store/discovery.js';
import {healthCheckWords} from './submariner/submariner-cr.js';

/** One line per ServiceExport (or one saying why there is none), then each cluster's Submariner CR and endpoints. */
export function discoveryLines(snapshot: LabSnapshot): string[] {
	const lines: string[] = [];
	const rows = exportRows(snapshot);
	for (const cluster of snapshot.clusters) {
		const stale = cluster.stale ? ' (stale)' : '';
		const fact = lighthouseFact(cluster);
		if (fact) lines.push(`services ${cluster.name}${stale} ${fact}`);
		for (const row of rows.filter(item => item.cluster === cluster.name)) {
			const imported = row.importedOn.length > 0 ? `imported on ${row.importedOn.map(site => site.cluster).join(', ')}` : 'not imported elsewhere';
			lines.push(`service ${cluster.name}${stale} ${row.export.namespace}/${row.export.name} ${row.words}, ${imported}`);
		}
	}
	for (const cluster of snapshot.clusters) {
		const imports = (cluster.discovery?.serviceImports ?? []).filter(item => !item.sourceCluster);
		if (imports.length === 0) continue;
		const words = imports.map(item => `${item.namespace}/${item.name} ${item.type || '?'} from ${item.clusters.join(',') || 'no cluster'}${item.ips.length > 0 ? ` ${item.ips.join(',')}` : ''}`);
		lines.push(`imports ${cluster.name}${cluster.stale ? ' (stale)' : ''} ${words.join('; ')}`);
	}
	for (const cluster of snapshot.clusters) {
		const discovery = cluster.discovery;
		if (!discovery || cluster.submarinerMissing) continue;
		const cr = discovery.submariner;
		if (cr) lines.push(`submariner ${cluster.name} ${cr.namespace}/${cr.name}: cluster ${cr.clusterId || '?'}, ${cr.cableDriver || 'cable driver ?'}, ${healthCheckWords(cr.healthCheck)}`);
		else if (discovery.state.submariners === 'missing') lines.push(`submariner ${cluster.name} no Submariner CR API (submariners.submariner.io): health check settings unknown`);
		if (discovery.endpoints.length > 0) {
			const local = cr?.clusterId;
			const words = discovery.endpoints.map(endpoint => `${endpoint.clusterId}${endpoint.clusterId === local ? ' (local)' : ''} ${endpoint.backend} ${endpoint.privateIp}${endpoint.healthCheckIP ? ` hc ${endpoint.healthCheckIP}` : ' no health-check IP'}`);
			lines.push(`endpoints ${cluster.name} ${words.join('; ')}`);
		}
	}
	return lines;
}

/** Additive JSON: `services` and `submariner`, one entry per cluster. */
export function discoveryJson(snapshot: LabSnapshot): {services: object[]; submariner: object[]} {
	const rows = exportRows(snapshot);
	return {
		services: snapshot.clusters.map(cluster => {
			const discovery = cluster.discovery;
			const error = cluster.resources?.serviceexports?.error;
			const lighthouse = error ? 'error' : lighthouseMissing(discovery) ? 'not installed' : discovery?.state.serviceexports === 'listed' ? 'installed' : 'unknown';
			return {
				cluster: cluster.name,
				stale: cluster.stale,
				lighthouse,
				error: error ?? null,
				exports: rows
					.filter(row => row.cluster === cluster.name)
					.map(row => ({
						namespace: row.export.namespace,
						name: row.export.name,
						state: row.state,
						valid: row.export.valid ?? null,
						ready: row.export.ready ?? null,
						conflict: row.export.conflict ?? null,
						importedOn: row.importedOn.map(site => ({cluster: site.cluster, type: site.type, ips: site.ips, connection: site.connection ?? null, stale: site.stale})),
					})),
				imports: (discovery?.serviceImports ?? []).map(item => ({namespace: item.namespace, name: item.name, type: item.type, ips: item.ips, clusters: item.clusters, sourceCluster: item.sourceCluster ?? null})),
			};
		}),
		submariner: snapshot.clusters.map(cluster => ({
			cluster: cluster.name,
			stale: cluster.stale,
			cr: cluster.discovery?.submariner ?? null,
			endpoints: cluster.discovery?.endpoints ?? [],
			clusters: cluster.discovery?.clusters ?? [],
			state: cluster.discovery?.state ?? null,
		})),
	};
}
