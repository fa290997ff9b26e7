// `b`: one host's budget by workload (plan line): planned against actual, requests and limits, pods.
import {Box, Text} from 'ink';
import type {HostBudget} from '../source/budget/types.js';
import {formatBytes, gib} from '../source/config/size.js';
import {levelColour, useTheme} from './theme.js';
import {cell, cellRight, levelWords} from './format.js';

const columns = [
	{title: 'planned', width: 8},
	{title: 'actual', width: 8},
	{title: 'request', width: 8},
	{title: 'limit', width: 8},
	{title: 'pods', width: 5},
];

export function BreakdownOverlay({host, index, count, width, height}: {host: HostBudget; index: number; count: number; width: number; height: number}) {
	const theme = useTheme();
	const {sep} = theme.glyphs;
	const inner = Math.max(10, width - 4);
	const nameWidth = Math.max(8, inner - columns.reduce((sum, column) => sum + column.width + 1, 0));
	const rows = Math.max(0, height - 2 - 4);
	const lines = [...host.lines].sort((a, b) => (b.actualBytes ?? b.requestBytes) - (a.actualBytes ?? a.requestBytes));
	// Keep a row for "N more lines" when they do not all fit.
	const shown = lines.slice(0, lines.length > rows ? Math.max(0, rows - 1) : rows);
	const value = (bytes: number | undefined) => (bytes === undefined ? '?' : gib(bytes));
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.border} paddingX={1} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold>memory budget {host.host}</Text>
				{count > 1 ? ` (${index + 1}/${count}, Tab next host)` : ''}
				{sep}
				<Text bold color={levelColour(theme, host.verdict.level)}>
					{levelWords[host.verdict.level]}
				</Text>{' '}
				{host.verdict.reasons[0] ?? ''}
			</Text>
			<Text wrap="truncate-end" dimColor>
				limit {formatBytes(host.limitBytes)}
				{sep}reserved {formatBytes(host.reservedBytes)}
				{sep}plan {formatBytes(host.plannedBytes)}
				{sep}use {host.actualBytes === undefined ? '?' : formatBytes(host.actualBytes)} ({host.actualSource})
				{host.sourceNote ? `${sep}${host.sourceNote}` : ''}
			</Text>
			<Text bold wrap="truncate-end">
				{cell('workload (GiB)', nameWidth)} {columns.map(column => cellRight(column.title, column.width)).join(' ')}
			</Text>
			{shown.map(line => {
				const over = line.plannedBytes > 0 && line.actualBytes !== undefined && line.actualBytes > line.plannedBytes;
				return (
					<Text key={line.name} wrap="truncate-end" dimColor={line.name === 'other'}>
						{cell(line.name, nameWidth, theme.glyphs.ellipsis)} {cellRight(line.plannedBytes > 0 ? gib(line.plannedBytes) : '-', 8)}{' '}
						<Text color={over ? levelColour(theme, 'warn') : undefined}>{cellRight(value(line.actualBytes), 8)}</Text>{' '}
						{cellRight(gib(line.requestBytes), 8)} {cellRight(gib(line.limitBytes), 8)} {cellRight(String(line.pods), 5)}
					</Text>
				);
			})}
			{lines.length > shown.length ? <Text dimColor>{`${lines.length - shown.length} more lines`}</Text> : null}
			<Text dimColor wrap="truncate-end">
				Esc close
			</Text>
		</Box>
	);
}
