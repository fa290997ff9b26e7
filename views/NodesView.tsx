// `n`: every cluster's nodes: Ready, roles, kubelet version, age, memory requested against allocatable,
// pods on it. Enter lists a node's pods (d describes one, l shows its log); Esc goes back.
import {Box, Text} from 'ink';
import {plain} from './plain.js';
import type {NodesData} from '../source/store/dig-store.js';
import type {PodInfo} from '../source/store/types.js';
import {formatAge} from '../source/config/duration.js';
import {formatBytes, gib} from '../source/config/size.js';
import {cell, cellRight, clip} from './format.js';
import {levelColour, useTheme} from './theme.js';
import type {NodeRow} from './dig-rows.js';

export interface NodesViewProps {
	nodes?: NodesData;
	/** What each host's memory use is (Prometheus: node_exporter or cAdvisor), one line per host under the nodes. */
	hosts?: Array<{host: string; clusters: string[]; usedBytes?: number; limitBytes: number; source: string}>;
	rows: NodeRow[];
	selected: number;
	/** Enter on a node: its pods. */
	nodePods?: {cluster: string; node: string; pods: PodInfo[]};
	width: number;
	height: number;
	nowMs: number;
}

function window<T>(items: T[], selected: number, rows: number): {start: number; shown: T[]} {
	const start = Math.max(0, Math.min(selected - Math.floor(rows / 2), items.length - rows));
	return {start, shown: items.slice(start, start + rows)};
}

export function NodesView({nodes, hosts = [], rows, selected, nodePods, width, height, nowMs}: NodesViewProps) {
	const theme = useTheme();
	if (nodePods) {
		const listRows = Math.max(1, height - 2);
		const {start, shown} = window(nodePods.pods, selected, listRows);
		return (
			<Box flexDirection="column" width={width} height={height} overflow="hidden">
				<Text bold inverse wrap="truncate-end">{plain(theme, ` pods on ${nodePods.node} · ${nodePods.cluster} · ${nodePods.pods.length} `)}</Text>
				<Text bold wrap="truncate-end">{clip(`${cell('STATUS', 18)}${cell('NAMESPACE/NAME', 50)}${cellRight('RESTARTS', 9)}${cellRight('MEM REQ', 10)}${cellRight('AGE', 8)}`, width)}</Text>
				{shown.map((pod, index) => {
					const status = pod.problem ?? pod.phase;
					const line = `${cell(status, 18)}${cell(`${pod.namespace}/${pod.name}`, 50)}${cellRight(String(pod.restarts), 9)}${cellRight(formatBytes(pod.memoryRequestBytes), 10)}${cellRight(formatAge(nowMs - pod.createdMs), 8)}`;
					return (
						<Text key={`${pod.namespace}/${pod.name}`} inverse={start + index === selected} color={pod.problem ? levelColour(theme, 'warn') : undefined} wrap="truncate-end">
							{clip(plain(theme, line), width, theme.glyphs.ellipsis)}
						</Text>
					);
				})}
			</Box>
		);
	}
	const failing = Object.entries(nodes?.errors ?? {});
	const hostRows = Math.min(hosts.length, Math.max(0, height - 4 - failing.length));
	const listRows = Math.max(1, height - 2 - failing.length - hostRows);
	const {start, shown} = window(rows, selected, listRows);
	const header = `${cell('CLUSTER', 8)}${cell('NAME', 20)}${cell('READY', 9)}${cell('ROLES', 14)}${cell('KUBELET', 9)}${cellRight('AGE', 6)}  ${cell('MEMORY REQ / ALLOC', 20)}${cellRight('PODS', 5)}`;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold inverse>{plain(theme, ' nodes · every cluster ')}</Text>
				<Text dimColor>{plain(theme, ` ${rows.length}${nodes?.state === 'loading' ? ' loading…' : ''} · Enter its pods · d describe`)}</Text>
			</Text>
			{failing.map(([cluster, error]) => (
				<Text key={cluster} color={levelColour(theme, 'crit')} wrap="truncate-end">
					{`${cluster}: ${error} (roles and versions from before)`}
				</Text>
			))}
			<Text bold wrap="truncate-end">
				{clip(header, width)}
			</Text>
			{shown.map((row, index) => {
				const allocatable = row.node.memoryAllocatableBytes;
				const percent = allocatable > 0 ? Math.round((row.requestBytes / allocatable) * 100) : 0;
				const memory = `${gib(row.requestBytes)} / ${gib(allocatable)} GiB ${percent}%`;
				const ready = row.stale ? `${row.node.ready ? 'Ready' : 'NotReady'}?` : row.node.ready ? 'Ready' : 'NotReady';
				const line = `${cell(row.cluster, 8)}${cell(row.node.name, 20)}${cell(ready, 9)}${cell(row.detail ? row.detail.roles.join(',') || '<none>' : '…', 14)}${cell(row.detail?.kubeletVersion ?? '…', 9)}${cellRight(formatAge(nowMs - row.node.createdMs), 6)}  ${cell(memory, 20)}${cellRight(String(row.pods.length), 5)}`;
				const level = !row.node.ready ? 'crit' : percent > 100 ? 'warn' : undefined;
				return (
					<Text key={`${row.cluster}/${row.node.name}`} inverse={start + index === selected} color={level ? levelColour(theme, level) : undefined} dimColor={row.stale} wrap="truncate-end">
						{clip(plain(theme, line), width, theme.glyphs.ellipsis)}
					</Text>
				);
			})}
			<Box flexGrow={1} />
			{hosts.slice(0, hostRows).map(host => (
				<Text key={host.host} dimColor wrap="truncate-end">
					{clip(plain(theme, `host ${host.host} (${host.clusters.join(', ')}): ${host.usedBytes === undefined ? 'use unknown' : `${gib(host.usedBytes)} GiB used`} of ${gib(host.limitBytes)} GiB · ${host.source}`), width)}
				</Text>
			))}
		</Box>
	);
}
