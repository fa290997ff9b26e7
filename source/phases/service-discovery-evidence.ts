// Phase 3's "a service found by its clusterset name" (homelab.md: a pod on one cluster reaches a service of
// the other by its clusterset DNS name) judged from Lighthouse's own objects: an export that is Valid and
// Ready, imported on another cluster, whose Lighthouse DNS would answer it (Lighthouse's CoreDNS answers
// only with clusters whose gateway connection is `connected`), plus, when one is configured, a probe
// of a `*.clusterset.local` name. Lighthouse not installed anywhere is `failed`: the plan's phase 3 is
// service discovery by clusterset name, which Submariner provides only through Lighthouse (as a missing
// Submariner fails "gateway connected"); a cluster that is not live, or whose exports are forbidden, is
// `unknown`: nothing was seen.
import type {LabSnapshot} from '../store/types.js';
import type {ProbeStatus} from '../probes/types.js';
import {exportRows, importViews, importWords, type ExportRow, type ImportSite} from '../lighthouse/exports.js';
import {lighthouseMissing} from '../store/discovery.js';
import type {CriterionStatus} from './checklist.js';

/** The config's phase-3 `reach` criterion is this one; `probe` (optional) is its clusterset DNS probe. */
export interface ServiceDiscoveryCriterion {
	criterion: string;
	probe?: string;
}

/** Probes whose target is a clusterset DNS name (`<svc>.<ns>.svc.clusterset.local`, or a custom clusterset domain given as `.clusterset.`). */
export function clustersetProbes(probes: ProbeStatus[] | undefined): ProbeStatus[] {
	return (probes ?? []).filter(probe => {
		const host = probe.kind === 'http' ? (URL.canParse(probe.target) ? new URL(probe.target).hostname : '') : probe.target.replace(/:\d+$/, '');
		return /\.svc\.clusterset\.local\.?$/i.test(host) || /\.clusterset\./i.test(host);
	});
}

/** An importing site Lighthouse's DNS answers for this export: its gateway connection to the exporter is connected. */
function answered(site: ImportSite): boolean {
	return site.connection === undefined || site.connection === 'connected';
}

function exportName(row: ExportRow): string {
	return `ServiceExport ${row.export.namespace}/${row.export.name} on ${row.cluster}`;
}

export function serviceDiscoveryEvidence(snapshot: LabSnapshot, item: ServiceDiscoveryCriterion): {status: CriterionStatus; evidence: string} {
	const clusters = snapshot.clusters;
	const seen = clusters.filter(cluster => !cluster.stale && cluster.discovery && cluster.discovery.state.serviceexports !== 'waiting');
	const forbidden = clusters.find(cluster => cluster.resources?.serviceexports?.error);
	if (seen.length === 0) {
		if (forbidden) return {status: 'unknown', evidence: `${forbidden.name} serviceexports: ${forbidden.resources!.serviceexports!.error}`};
		return {status: 'unknown', evidence: 'serviceexports not listed yet'};
	}
	if (seen.every(cluster => lighthouseMissing(cluster.discovery)) && seen.length === clusters.length) {
		return {status: 'failed', evidence: `Lighthouse not installed (no serviceexports.multicluster.x-k8s.io API on ${seen.map(cluster => cluster.name).join(', ')})`};
	}
	const probeWords = clustersetProbeWords(snapshot, item.probe);
	// "an m2 service …": the cluster the criterion names goes first.
	const named = clusters.filter(cluster => new RegExp(`\\b${cluster.name.replace(/[^a-z0-9-]/g, '')}\\b`).test(item.criterion)).map(cluster => cluster.name);
	const rows = exportRows(snapshot)
		.filter(row => !row.stale)
		.sort((a, b) => Number(named.includes(b.cluster)) - Number(named.includes(a.cluster)));
	const good = rows.filter(row => row.state === 'exported' && row.importedOn.some(site => !site.stale && answered(site)));
	if (good.length > 0) {
		const row = good[0]!;
		const sites = row.importedOn.filter(site => !site.stale && answered(site)).map(site => site.cluster);
		if (probeWords?.failing) return {status: 'failed', evidence: `${exportName(row)} Valid, Ready, imported on ${sites.join(', ')}; but ${probeWords.text}`};
		const others = rows.length - good.length;
		const first = rows.find(item => !good.includes(item));
		const more = first ? ` (${others} other export${others === 1 ? '' : 's'} not found: ${first.export.namespace}/${first.export.name}${others > 1 ? ', …' : ''})` : '';
		return {status: 'passed', evidence: `${exportName(row)} Valid, Ready, imported on ${sites.join(', ')}${probeWords ? `; ${probeWords.text}` : ''}${more}`};
	}
	// Seen from an importing cluster alone: an import whose every exporter is behind a connection that is
	// not `connected` is not answered by Lighthouse's DNS there, whatever the exporter's own state.
	const unanswered = importViews(snapshot).find(view => view.exporters.every(exporter => exporter.connection !== undefined && exporter.connection !== 'connected'));
	const problem = rows.find(row => row.state === 'conflict') ?? rows.find(row => row.state === 'invalid') ?? rows.find(row => row.state !== 'exported');
	if (problem) return {status: 'failed', evidence: `${exportName(problem)} ${problem.words}`};
	if (unanswered) {
		const [exporter] = unanswered.exporters;
		return {
			status: 'failed',
			evidence: `ServiceImport ${unanswered.namespace}/${unanswered.name} on ${unanswered.cluster} (exported by ${unanswered.exporters.map(each => each.clusterId).join(', ')}): ${unanswered.cluster}→${exporter!.clusterId} is ${exporter!.connection}, and Lighthouse DNS answers only connected clusters`,
		};
	}
	if (rows.length === 0) {
		const missing = seen.filter(cluster => lighthouseMissing(cluster.discovery)).map(cluster => cluster.name);
		const note = missing.length > 0 ? ` (Lighthouse not installed on ${missing.join(', ')})` : '';
		if (clusters.some(cluster => cluster.stale)) return {status: 'unknown', evidence: `no ServiceExport in the live clusters; ${clusters.filter(cluster => cluster.stale).map(cluster => cluster.name).join(', ')} not live${note}`};
		return {status: 'failed', evidence: `no ServiceExport in any cluster${note}`};
	}
	const notImported = rows.find(row => row.importedOn.length === 0);
	if (notImported) return {status: 'failed', evidence: `${exportName(notImported)} Valid, Ready, ${importWords(notImported)}`};
	const row = rows[0]!;
	return {status: 'unknown', evidence: `${exportName(row)} Valid, Ready; ${row.importedOn.map(site => site.cluster).join(', ')} not live`};
}

function clustersetProbeWords(snapshot: LabSnapshot, named: string | undefined): {failing: boolean; text: string} | undefined {
	const probes = [...new Set([...(snapshot.probes ?? []).filter(probe => probe.name === named), ...clustersetProbes(snapshot.probes)])].filter(probe => probe.last);
	if (probes.length === 0) return undefined;
	const failing = probes.find(probe => !probe.last!.ok);
	if (failing) return {failing: true, text: `probe ${failing.name} failing: ${failing.last!.error ?? 'failed'}`};
	const first = probes[0]!;
	return {failing: false, text: `probe ${first.name} OK${first.last!.latencyMs !== undefined ? ` ${Math.round(first.last!.latencyMs * 10) / 10} ms` : ''}`};
}
