// `x` (or :services, :exports): every cluster's Lighthouse ServiceExports, one row each: its Valid / Ready /
// Conflict in words and the clusters it is imported on; a cluster without Lighthouse says so, as a fact.
import {Box, Text} from 'ink';
import {plain} from './plain.js';
import {cell, clip} from './format.js';
import {levelColour, useTheme} from './theme.js';
import type {ClusterSnapshot} from '../source/store/types.js';
import {lighthouseFact, type ExportRow} from '../source/lighthouse/exports.js';

export function ServicesView({rows, clusters, selected, width, height}: {rows: ExportRow[]; clusters: ClusterSnapshot[]; selected: number; width: number; height: number}) {
	const theme = useTheme();
	const facts = clusters.map(cluster => ({cluster, fact: lighthouseFact(cluster)})).filter(item => item.fact && item.fact !== 'no ServiceExports');
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold inverse>{plain(theme, ' services · Lighthouse exports of every cluster ')}</Text>
				<Text dimColor>{plain(theme, ` ${rows.length} · g gateways`)}</Text>
			</Text>
			<Text bold wrap="truncate-end">
				{clip(`${cell('CLUSTER', 8)}${cell('EXPORT', 28)}${cell('IMPORTED ON', 16)}STATE`, width)}
			</Text>
			{rows.length === 0 && facts.length === 0 ? <Text dimColor>no ServiceExports in any cluster</Text> : null}
			{rows.map((row, index) => {
				const imported = row.importedOn.length === 0 ? 'nowhere else' : row.importedOn.map(site => `${site.cluster}${site.stale ? ' (stale)' : ''}`).join(', ');
				// Lighthouse's DNS on an importer answers only while its gateway to the exporter is connected.
				const unanswered = row.importedOn.filter(site => site.connection && site.connection !== 'connected');
				const dns = unanswered.map(site => `; DNS on ${site.cluster}: ${site.cluster}→${row.clusterId ?? row.cluster} ${site.connection}`).join('');
				return (
					<Text key={`${row.cluster}/${row.export.namespace}/${row.export.name}`} inverse={index === selected} dimColor={row.stale} color={row.level === 'ok' ? undefined : levelColour(theme, row.level)} wrap="truncate-end">
						{/* The state last: a conflict's message is the longest thing here, and the one to read in full. */}
						{clip(plain(theme, `${cell(row.cluster, 8)}${cell(`${row.export.namespace}/${row.export.name}`, 28)}${cell(imported, 16)}${row.words}${dns}`), width, theme.glyphs.ellipsis)}
					</Text>
				);
			})}
			<ImportLines clusters={clusters} width={width} />
			{facts.map(({cluster, fact}) => (
				<Text key={`fact/${cluster.name}`} dimColor wrap="truncate-end">
					{clip(plain(theme, `${cell(cluster.name, 8)}${fact}`), width, theme.glyphs.ellipsis)}
				</Text>
			))}
		</Box>
	);
}

/** Each cluster's aggregated ServiceImports: type, IPs, and the clusters each is imported from. */
function ImportLines({clusters, width}: {clusters: ClusterSnapshot[]; width: number}) {
	const theme = useTheme();
	const lines = clusters.flatMap(cluster =>
		(cluster.discovery?.serviceImports ?? [])
			.filter(item => !item.sourceCluster)
			.map(item => ({key: `${cluster.name}/${item.namespace}/${item.name}`, stale: cluster.stale, text: `${cell(cluster.name, 8)}${cell(`${item.namespace}/${item.name}`, 28)}${cell(item.type || '?', 16)}${item.clusters.join(', ') || 'no cluster'}${item.ips.length > 0 ? ` · ${item.ips.join(', ')}` : ''}`})),
	);
	if (lines.length === 0) return null;
	return (
		<>
			<Text bold wrap="truncate-end">
				{clip(`${cell('CLUSTER', 8)}${cell('IMPORT', 28)}${cell('TYPE', 16)}FROM`, width)}
			</Text>
			{lines.map(line => (
				<Text key={line.key} dimColor={line.stale} wrap="truncate-end">
					{clip(plain(theme, line.text), width, theme.glyphs.ellipsis)}
				</Text>
			))}
		</>
	);
}
