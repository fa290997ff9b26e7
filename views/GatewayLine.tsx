// One line per cluster from its Submariner Gateway objects: the active gateway, its HA status, each
// connection with status and RTT, the failure or message when set, and "stale" when the gateway stopped
// updating its timestamp (older than 15 s).
import {Text} from 'ink';
import type {ClusterSnapshot, Level} from '../source/store/types.js';
import {isGatewayStale} from '../source/submariner/gateway.js';
import {connectionVerdict} from '../source/store/verdicts.js';
import {formatRtt} from '../source/submariner/go-duration.js';
import {formatAge} from '../source/config/duration.js';
import {levelColour, useTheme} from './theme.js';

export function GatewayLine({cluster, nowMs, dim}: {cluster: ClusterSnapshot; nowMs: number; dim: boolean}) {
	const theme = useTheme();
	const {sep, arrow} = theme.glyphs;
	const colour = (level: Level) => (dim ? undefined : levelColour(theme, level));
	// A resource the server refuses says so in the server's words (issue 10.14), instead of waiting forever.
	const refused = cluster.resources?.gateways.error;
	if (refused) {
		return (
			<Text wrap="truncate-end" color={colour('warn')}>
				submariner: {refused}
			</Text>
		);
	}
	if (!cluster.synced.gateways) {
		return (
			<Text dimColor wrap="truncate-end">
				submariner: waiting for gateways
			</Text>
		);
	}
	if (cluster.gateways.length === 0) {
		return (
			<Text dimColor wrap="truncate-end">
				submariner: no gateways (not installed)
			</Text>
		);
	}
	const active = cluster.gateways.find(gateway => gateway.haStatus === 'active');
	const others = cluster.gateways.length - (active ? 1 : 0);
	if (!active) {
		return (
			<Text wrap="truncate-end" dimColor={dim}>
				<Text color={colour('crit')}>gw: no active gateway</Text> ({others} {cluster.gateways[0]!.haStatus})
			</Text>
		);
	}
	const stale = isGatewayStale(active, nowMs);
	return (
		<Text wrap="truncate-end" dimColor={dim}>
			gw {active.name} {active.haStatus}
			{others > 0 ? ` (+${others})` : ''}
			{stale ? (
				<Text color={colour('warn')}>
					{active.updatedMs ? ` stale ${formatAge(nowMs - active.updatedMs)}` : ' stale'}
				</Text>
			) : null}
			{active.statusFailure ? <Text color={colour('crit')}>{`${sep}${active.statusFailure}`}</Text> : null}
			{active.connections.length === 0 ? <Text color={colour('crit')}>{`${sep}no connections`}</Text> : null}
			{active.connections.map(connection => {
				// The same verdict `check` prints: "connected, not health-checked" when Submariner does not ping it.
				const verdict = connectionVerdict(connection, cluster.discovery?.submariner, nowMs);
				return (
					<Text key={connection.remoteCluster}>
						{sep}
						{arrow}
						{connection.remoteCluster} <Text color={colour(verdict.level)}>{verdict.words}</Text>
						{/* An RTT is a measurement of a working connection: beside an error it would be an old one. */}
						{connection.rttAverageMs !== undefined && connection.status === 'connected' && verdict.healthChecked ? ` ${formatRtt(connection.rttAverageMs)}` : ''}
						{connection.statusMessage ? `: ${connection.statusMessage}` : ''}
					</Text>
				);
			})}
		</Text>
	);
}
