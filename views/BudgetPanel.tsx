// Memory budgets, one line per host: a bar against the host's limit (used, requested, free, the reserved
// tail, the plan marked), the GiB numbers, a sparkline of recent use and the verdict word. Until the
// budget source reports, one line says so.
import {Box, Text} from 'ink';
import {historyPoints} from '../source/budget/types.js';
import type {HostBudget, PrometheusStatus} from '../source/budget/types.js';
import {gib} from '../source/config/size.js';
import {levelColour, useTheme, type Theme} from './theme.js';
import {levelWords} from './format.js';
import {sparkline} from './Sparkline.js';

type CellKind = 'used' | 'requested' | 'free' | 'reserved' | 'plan';

/** The bar's cells, left to right: each byte range mapped onto width cells of the host's limit. */
export function budgetCells(host: HostBudget, width: number): CellKind[] {
	const limit = host.limitBytes > 0 ? host.limitBytes : 1;
	const at = (bytes: number) => Math.round((Math.max(0, bytes) / limit) * width);
	const used = host.actualBytes === undefined ? 0 : at(host.actualBytes);
	const requested = at(host.requestBytes);
	const reservedFrom = width - at(host.reservedBytes);
	const plan = host.plannedBytes > 0 ? Math.min(width - 1, at(host.plannedBytes)) : -1;
	const cells: CellKind[] = [];
	for (let index = 0; index < width; index++) {
		if (index === plan) cells.push('plan');
		else if (index < used) cells.push('used');
		else if (index >= reservedFrom) cells.push('reserved');
		else if (index < requested) cells.push('requested');
		else cells.push('free');
	}
	return cells;
}

function BudgetBar({host, width, theme}: {host: HostBudget; width: number; theme: Theme}) {
	const cells = budgetCells(host, width);
	// Runs of one kind become one Text: a handful of nodes per bar, not one per cell.
	const runs: Array<{kind: CellKind; length: number}> = [];
	for (const kind of cells) {
		const last = runs[runs.length - 1];
		if (last && last.kind === kind) last.length++;
		else runs.push({kind, length: 1});
	}
	const {bar} = theme.glyphs;
	return (
		<Text>
			{runs.map((run, index) => (
				<Text
					key={index}
					color={run.kind === 'used' ? levelColour(theme, host.verdict.level) : undefined}
					dimColor={run.kind === 'free' || run.kind === 'reserved'}
					bold={run.kind === 'plan'}
				>
					{bar[run.kind].repeat(run.length)}
				</Text>
			))}
		</Text>
	);
}

/** The numbers beside a bar: "11.0/16.0 GiB · req 14.7 · free 3.0" (~ when requests stand in for use). */
export function budgetNumbers(host: HostBudget, sep: string): string {
	const estimated = host.actualSource === 'requests' ? '~' : '';
	const used = host.actualBytes === undefined ? '?' : `${estimated}${gib(host.actualBytes)}`;
	// No pod counted at all (its cluster unreachable, say) means requests unknown, not zero.
	const requests = host.lines.some(line => line.pods > 0) ? gib(host.requestBytes) : '?';
	return `${used}/${gib(host.limitBytes)} GiB${sep}req ${requests}${sep}free ${host.headroomBytes === undefined ? '?' : gib(host.headroomBytes)}`;
}

/** Columns every host line shares, so a GiB is the same width on every row and nothing moves when a sparkline arrives. */
export interface BudgetColumns {
	nameWidth: number;
	numbersWidth: number;
	sparkWidth: number;
	wordWidth: number;
	/** Cells of the longest bar: the largest host's limit. */
	barArea: number;
	largestBytes: number;
}

export function budgetColumns(hosts: HostBudget[], width: number, sep: string): BudgetColumns {
	const nameWidth = Math.max(...hosts.map(host => host.host.length));
	const numbersWidth = Math.max(...hosts.map(host => budgetNumbers(host, sep).length));
	const wordWidth = Math.max(...hosts.map(host => levelWords[host.verdict.level].length));
	const sparkWidth = width >= 90 ? historyPoints : width >= 70 ? 8 : 0;
	// name, bar, numbers, [spark], word, with a space between each.
	const barArea = Math.max(6, width - nameWidth - numbersWidth - wordWidth - sparkWidth - (sparkWidth > 0 ? 4 : 3) - 1);
	const largestBytes = Math.max(1, ...hosts.map(host => host.limitBytes));
	return {nameWidth, numbersWidth, sparkWidth, wordWidth, barArea, largestBytes};
}

/** A host's bar width on the common scale: its limit's share of the largest host's. */
export function barWidthFor(host: HostBudget, columns: BudgetColumns): number {
	return Math.max(1, Math.round((columns.barArea * Math.max(0, host.limitBytes)) / columns.largestBytes));
}

function HostLine({host, columns}: {host: HostBudget; columns: BudgetColumns}) {
	const theme = useTheme();
	const {sep} = theme.glyphs;
	const name = host.host.padEnd(columns.nameWidth);
	if (host.waiting?.length) {
		return (
			<Box height={1}>
				<Text wrap="truncate-end">
					{name} <Text dimColor>waiting for {host.waiting.join(', ')}</Text>
				</Text>
			</Box>
		);
	}
	const word = levelWords[host.verdict.level];
	if (host.actualSource === 'none') {
		// No bar of "?" and "req 0.0" beside a cluster's last known pods: say what is missing.
		return (
			<Box height={1}>
				<Box flexGrow={1}>
					<Text wrap="truncate-end">
						{name} <Text dimColor>no memory data{host.sourceNote ? `: ${host.sourceNote}` : ''}</Text>
					</Text>
				</Box>
				<Text bold color={levelColour(theme, host.verdict.level)}>
					{' '}
					{word}
				</Text>
			</Box>
		);
	}
	const barWidth = barWidthFor(host, columns);
	const spark = columns.sparkWidth > 0 ? sparkline(host.history, host.limitBytes, columns.sparkWidth, theme.glyphs.spark) : '';
	return (
		<Box height={1}>
			<Text wrap="truncate-end">
				{name} <BudgetBar host={host} width={barWidth} theme={theme} />
				{' '.repeat(columns.barArea - barWidth)} {budgetNumbers(host, sep).padEnd(columns.numbersWidth)}
				{columns.sparkWidth > 0 ? ' ' : ''}
				{columns.sparkWidth > 0 ? <Text color={levelColour(theme, host.verdict.level)}>{spark.padStart(columns.sparkWidth)}</Text> : null}{' '}
				<Text bold color={levelColour(theme, host.verdict.level)}>
					{word}
				</Text>
			</Text>
		</Box>
	);
}

/** Rows the panel takes: one per host (at most `max`), or one for the placeholder. */
export function budgetRows(hosts: HostBudget[] | undefined, max = 3): number {
	return hosts && hosts.length > 0 ? Math.min(max, hosts.length) : 1;
}

export function BudgetPanel({hosts, prometheus, width, rows}: {hosts?: HostBudget[]; prometheus?: PrometheusStatus; width: number; rows: number}) {
	const theme = useTheme();
	if (!hosts || hosts.length === 0) {
		const why = prometheus && prometheus.state !== 'ok' ? `: prometheus ${prometheus.state}${prometheus.reason ? ` (${prometheus.reason})` : ''}` : '';
		return (
			<Box width={width} height={1}>
				<Text dimColor wrap="truncate-end">
					memory budgets: waiting for the first answer{why}
				</Text>
			</Box>
		);
	}
	const columns = budgetColumns(hosts, width, theme.glyphs.sep);
	return (
		<Box flexDirection="column" width={width} height={rows} overflow="hidden">
			{hosts.slice(0, rows).map(host => (
				<HostLine key={host.host} host={host} columns={columns} />
			))}
		</Box>
	);
}
