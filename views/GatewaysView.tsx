// `g` (or :gateways): every cluster's Submariner gateways, one row per connection, messages in full
// width; d describes the gateway (statusFailure and statusMessage never truncated there).
import {Box, Text} from 'ink';
import {plain} from './plain.js';
import {cell, clip} from './format.js';
import {levelColour, useTheme} from './theme.js';
import type {GatewayRow} from './dig-rows.js';
import type {ClusterSnapshot} from '../source/store/types.js';
import {connectionVerdict, worst} from '../source/store/verdicts.js';
import {healthCheckWords} from '../source/submariner/submariner-cr.js';

export function GatewaysView({rows, clusters, selected, width, height, nowMs}: {rows: GatewayRow[]; clusters: ClusterSnapshot[]; selected: number; width: number; height: number; nowMs: number}) {
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
				// The verdicts `check` prints: a connection Submariner does not ping reads "connected, not health-checked".
				const submariner = clusters.find(cluster => cluster.name === row.cluster)?.discovery?.submariner;
				const verdicts = gateway.connections.map(connection => connectionVerdict(connection, submariner, nowMs));
				const connections = gateway.connections.map((connection, at) => `${arrow}${connection.remoteCluster} ${verdicts[at]!.words}${connection.statusMessage ? `: ${connection.statusMessage}` : ''}`).join('; ');
				const failure = gateway.statusFailure ? `FAILURE ${gateway.statusFailure}; ` : '';
				const worstLevel = gateway.statusFailure ? 'crit' : worst(verdicts.map(verdict => verdict.level));
				const level = worstLevel === 'ok' ? undefined : worstLevel;
				return (
					<Text key={`${row.cluster}/${gateway.name}`} inverse={index === selected} dimColor={row.stale} color={level ? levelColour(theme, level) : undefined} wrap="truncate-end">
						{clip(plain(theme, `${cell(row.cluster, 8)}${cell(gateway.name, 20)}${cell(gateway.haStatus, 9)}${failure}${connections || 'no connections'}`), width, theme.glyphs.ellipsis)}
					</Text>
				);
			})}
			<EndpointLines clusters={clusters} width={width} />
		</Box>
	);
}

/** Under the gateways: each cluster's Submariner CR (health check) and its Endpoints and Clusters, as facts. */
function EndpointLines({clusters, width}: {clusters: ClusterSnapshot[]; width: number}) {
	const theme = useTheme();
	const lines: Array<{key: string; text: string}> = [];
	for (const cluster of clusters) {
		const discovery = cluster.discovery;
		if (!discovery || cluster.submarinerMissing) continue;
		const cr = discovery.submariner;
		if (!cr && discovery.state.submariners === 'waiting' && discovery.endpoints.length === 0) continue;
		const settings = cr ? `${cr.namespace}/${cr.name}: cluster ${cr.clusterId || '?'}, ${cr.cableDriver || '?'}, ${healthCheckWords(cr.healthCheck)}` : discovery.state.submariners === 'missing' ? 'no Submariner CR API: health check settings unknown' : 'no Submariner CR seen';
		lines.push({key: `${cluster.name}/cr`, text: `${cell(cluster.name, 8)}${settings}`});
		for (const endpoint of discovery.endpoints) {
			const role = endpoint.clusterId === (cr?.clusterId ?? '') ? 'local ' : 'remote';
			const cidrs = discovery.clusters.find(item => item.clusterId === endpoint.clusterId);
			const subnets = endpoint.subnets.join(',') || [...(cidrs?.serviceCidrs ?? []), ...(cidrs?.clusterCidrs ?? [])].join(',');
			lines.push({
				key: `${cluster.name}/${endpoint.name}`,
				text: `${cell('', 8)}${role} ${cell(endpoint.clusterId, 8)}${cell(endpoint.hostname, 16)}${cell(endpoint.backend, 10)}${cell(endpoint.privateIp, 15)} hc ${cell(endpoint.healthCheckIP || 'none', 15)} ${subnets}`,
			});
		}
	}
	if (lines.length === 0) return null;
	return (
		<>
			<Text bold wrap="truncate-end">
				{clip(plain(theme, `${cell('CLUSTER', 8)}SUBMARINER · ENDPOINTS (cluster, host, cable driver, IP, health-check IP, subnets)`), width)}
			</Text>
			{lines.map(line => (
				<Text key={line.key} dimColor wrap="truncate-end">
					{clip(plain(theme, line.text), width, theme.glyphs.ellipsis)}
				</Text>
			))}
		</>
	);
}
