// `g` (or :gateways): every cluster's Submariner gateways, one row per connection, messages in full
// width; d describes the gateway (statusFailure and statusMessage never truncated there).
import {Box, Text} from 'ink';
import {plain} from './plain.js';
import {cell, clip} from './format.js';
import {levelColour, useTheme} from './theme.js';
import type {GatewayRow} from './dig-rows.js';

export function GatewaysView({rows, selected, width, height}: {rows: GatewayRow[]; selected: number; width: number; height: number}) {
	const theme = useTheme();
	const {arrow} = theme.glyphs;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold inverse>{plain(theme, ' gateways · every cluster ')}</Text>
				<Text dimColor>{plain(theme, ` ${rows.length} · d describe · y YAML`)}</Text>
			</Text>
			<Text bold wrap="truncate-end">
				{clip(`${cell('CLUSTER', 8)}${cell('GATEWAY', 20)}${cell('HA', 9)}CONNECTIONS`, width)}
			</Text>
			{rows.length === 0 ? <Text dimColor>no gateways.submariner.io in any cluster</Text> : null}
			{rows.map((row, index) => {
				const {gateway} = row;
				const connections = gateway.connections.map(connection => `${arrow}${connection.remoteCluster} ${connection.status}${connection.statusMessage ? `: ${connection.statusMessage}` : ''}`).join('; ');
				const failure = gateway.statusFailure ? `FAILURE ${gateway.statusFailure}; ` : '';
				const level = gateway.statusFailure || gateway.connections.some(connection => connection.status === 'error') ? 'crit' : gateway.connections.every(connection => connection.status === 'connected') ? undefined : 'warn';
				return (
					<Text key={`${row.cluster}/${gateway.name}`} inverse={index === selected} dimColor={row.stale} color={level ? levelColour(theme, level) : undefined} wrap="truncate-end">
						{clip(plain(theme, `${cell(row.cluster, 8)}${cell(gateway.name, 20)}${cell(gateway.haStatus, 9)}${failure}${connections || 'no connections'}`), width, theme.glyphs.ellipsis)}
					</Text>
				);
			})}
		</Box>
	);
}
