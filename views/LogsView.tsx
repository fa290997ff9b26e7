// `l` (and `p` inside for the previous run): a pod's log, following by default (`f` toggles), filtered by
// `/`. What is held is bounded (lines and bytes); a cut-off cluster keeps what was read, and says so.
import {Box, Text} from 'ink';
import {plain} from './plain.js';
import type {ClusterSnapshot} from '../source/store/types.js';
import type {DigTarget, LogPane} from '../source/store/dig-store.js';
import {formatBytes} from '../source/config/size.js';
import {TextPane, textPaneRows} from './TextPane.js';
import {connectionText} from './format.js';
import {levelColour, useTheme} from './theme.js';

export interface LogsViewProps {
	logs?: LogPane;
	target: DigTarget;
	previous: boolean;
	/** The pod's cluster, for its connection state. */
	cluster?: ClusterSnapshot;
	lines: string[];
	follow: boolean;
	search: string;
	top: number;
	width: number;
	height: number;
	nowMs: number;
}

export function LogsView({logs, target, previous, cluster, lines, follow, search, top, width, height, nowMs}: LogsViewProps) {
	const theme = useTheme();
	const cutOff = cluster && cluster.connection.phase !== 'live' && cluster.connection.phase !== 'connecting';
	const rows = textPaneRows(height - (cutOff ? 1 : 0));
	const shownTop = follow ? Math.max(0, lines.length - rows) : top;
	const state = !logs || logs.state === 'connecting' ? 'connecting…' : logs.state === 'error' ? `failed: ${logs.error}` : logs.state === 'ended' ? 'ended' : follow ? 'following' : 'paused';
	const held = logs ? `${logs.lines.length} lines ${formatBytes(logs.bytes)}${logs.dropped > 0 ? `, ${logs.dropped} dropped` : ''}` : '';
	const title = `logs${previous ? ' (previous)' : ''} ${target.namespace}/${target.name}${logs?.container ? ` ${logs.container}` : ''} · ${target.cluster}${search ? ` · /${search}` : ''}`;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{cutOff ? (
				<Text color={levelColour(theme, 'crit')} wrap="truncate-end">
					{plain(theme, `${target.cluster} cut off (${connectionText(cluster, nowMs)}): showing the ${logs?.lines.length ?? 0} lines read before`)}
				</Text>
			) : null}
			<TextPane
				title={title}
				status={`${state}${held ? ` · ${held}` : ''}`}
				statusLevel={logs?.state === 'error' ? 'crit' : cutOff ? 'warn' : undefined}
				lines={lines}
				top={shownTop}
				width={width}
				height={height - (cutOff ? 1 : 0)}
				empty={logs?.state === 'error' ? logs.error : search ? `no line contains "${search}"` : logs?.state === 'ended' ? '(no lines)' : 'waiting for lines…'}
				emptyLevel={logs?.state === 'error' ? 'crit' : 'unknown'}
				mark={search || undefined}
			/>
		</Box>
	);
}
