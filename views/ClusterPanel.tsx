// One cluster in its colour: title, connection and its age, nodes and pods, the Submariner line, then its
// pods, attention first. When the cluster is not live the last known data stays, dimmed and marked
// STALE with its age: it is never shown as fresh.
import {Box, Text} from 'ink';
import type {ClusterSnapshot} from '../source/store/types.js';
import {clusterColour, levelColour, useTheme} from './theme.js';
import {connectionLevel, connectionText, staleMarker} from './format.js';
import {GatewayLine} from './GatewayLine.js';
import {PodRows} from './PodRows.js';

export interface ClusterPanelProps {
	cluster: ClusterSnapshot;
	pods: ClusterSnapshot['pods'];
	width: number;
	height: number;
	focused: boolean;
	selected: number;
	filter: string;
	nowMs: number;
}

/** How many rows of a panel `height` rows tall are pod rows (the rest: borders, title, counts, gateway). */
export function podRowsIn(height: number): number {
	const inner = Math.max(1, height - 2);
	return inner - 1 - (inner >= 12 ? 1 : 0) - 1 - (inner >= 4 ? 1 : 0);
}

export function ClusterPanel({cluster, pods, width, height, focused, selected, filter, nowMs}: ClusterPanelProps) {
	const theme = useTheme();
	const {sep, focus} = theme.glyphs;
	const colour = clusterColour(theme, cluster.colour);
	const dim = cluster.stale;
	const stale = staleMarker(cluster, nowMs);
	const inner = Math.max(1, height - 2);
	const innerWidth = Math.max(1, width - 4);
	// Short panels (stacked on a small pane) put the connection on the title line: pods get the row.
	const ownConnectionLine = inner >= 12;
	const showGateway = inner >= 4;
	const podRows = podRowsIn(height);
	const {running, failing, pending, failed, succeeded} = cluster.podCounts;
	const connection = (
		<Text color={dim ? undefined : levelColour(theme, connectionLevel(cluster))}>{connectionText(cluster, nowMs)}</Text>
	);
	return (
		<Box
			flexDirection="column"
			width={width}
			height={height}
			overflow="hidden"
			borderStyle={focused ? theme.focusBorder : theme.border}
			borderColor={colour}
			borderDimColor={dim}
			paddingX={1}
		>
			<Box height={1}>
				<Box flexGrow={1}>
					<Text wrap="truncate-end">
						<Text bold={focused} color={colour} dimColor={dim}>
							{focused ? `${focus} ` : ''}
							{cluster.name}
							{sep}
							{cluster.context}
						</Text>
						{ownConnectionLine ? null : (
							<Text dimColor={dim}>
								{sep}
								{connection}
							</Text>
						)}
					</Text>
				</Box>
				{stale ? (
					<Box flexShrink={0} marginLeft={1}>
						<Text bold inverse color={levelColour(theme, cluster.connection.phase === 'unreachable' ? 'crit' : 'warn')}>
							{` ${stale} `}
						</Text>
					</Box>
				) : null}
			</Box>
			{ownConnectionLine ? (
				<Text wrap="truncate-end" dimColor={dim}>
					{connection}
				</Text>
			) : null}
			<Text wrap="truncate-end" dimColor={dim}>
				nodes {cluster.nodeCounts.ready}/{cluster.nodeCounts.total} Ready{sep}pods {running} running
				{/* Zero counts stay out: the line must fit a half-width panel. */}
				{/* Every listed pod is counted once: crash-looping ones are failing, not running. */}
				{failing > 0 ? <Text color={dim ? undefined : levelColour(theme, 'crit')}>{`, ${failing} failing`}</Text> : null}
				{pending > 0 ? <Text color={dim ? undefined : levelColour(theme, 'warn')}>{`, ${pending} pending`}</Text> : null}
				{failed > 0 ? <Text color={dim ? undefined : levelColour(theme, 'crit')}>{`, ${failed} failed`}</Text> : null}
				{succeeded > 0 ? `, ${succeeded} succeeded` : null}
			</Text>
			{showGateway ? <GatewayLine cluster={cluster} nowMs={nowMs} dim={dim} /> : null}
			<PodRows
				pods={pods}
				selected={selected}
				focused={focused}
				rows={podRows}
				width={innerWidth}
				nowMs={nowMs}
				dim={dim}
				emptyText={filter ? `no pod matches /${filter}` : cluster.synced.pods ? 'no pods' : (cluster.resources?.pods.error ?? 'waiting for pods')}
			/>
		</Box>
	);
}
