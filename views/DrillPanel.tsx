// Partition drills on screen: a one-line banner while a cut is live (countdown to the automatic heal and
// the timeline marks so far), the dialog that shows the plan and the exact commands before a cut, and
// the roll-back confirmation. Keys are handled by the router; these only draw.
import {Box, Text} from 'ink';
import type {LabSnapshot} from '../source/store/types.js';
import type {DrillProgress, PartitionStatus} from '../source/drill/types.js';
import {formatAge} from '../source/config/duration.js';
import {clockTime} from '../source/store/clock-time.js';
import {levelColour, useTheme} from './theme.js';
import {BannerRow} from './BannerRow.js';

/** Whether the banner takes its row: a cut live, leftover rules, or a drill in motion or just ended. */
export function drillBannerVisible(snapshot: LabSnapshot): boolean {
	const {partition, drill} = snapshot;
	if (partition?.active || partition?.leftover) return true;
	return drill !== undefined && ['cutting', 'healing', 'failed', 'healed'].includes(drill.phase);
}

function marks(drill: DrillProgress | undefined, sep: string): string {
	if (!drill || drill.timeline.length === 0) return '';
	return sep + drill.timeline.map(mark => `${mark.signal} +${(mark.afterMs / 1000).toFixed(1)}s`).join(', ');
}

function countdown(partition: PartitionStatus, nowMs: number): string {
	if (partition.sinceMs === undefined || partition.ttlMs === undefined) return '';
	const leftMs = partition.sinceMs + partition.ttlMs - nowMs;
	return leftMs > 0 ? `heals in ${formatAge(leftMs + 999)}` : 'heal due now';
}

export function DrillBanner({snapshot, width, readOnly}: {snapshot: LabSnapshot; width: number; readOnly: boolean}) {
	const theme = useTheme();
	const {sep} = theme.glyphs;
	const {partition, drill, atMs} = snapshot;
	const rollBack = readOnly ? '' : `${sep}r roll back`;
	let label: string;
	let level: 'crit' | 'warn' | 'ok' = 'warn';
	let text: string;
	if (partition?.active) {
		level = 'crit';
		label = ' CUT LIVE ';
		const since = partition.sinceMs ? ` since ${clockTime(partition.sinceMs)}` : '';
		text = ` at ${partition.points.join(', ')}${since}${sep}${countdown(partition, atMs)}${rollBack}${marks(drill, sep)}`;
	} else if (partition?.leftover) {
		label = ' LEFTOVER CUT ';
		text = ` partition rules at ${partition.points.join(', ')} that no drill here made${readOnly ? `${sep}run labwatch heal` : rollBack}`;
	} else if (drill?.phase === 'failed') {
		level = 'crit';
		label = ' DRILL FAILED ';
		text = ` ${drill.error ?? ''}${marks(drill, sep)}`;
	} else if (drill?.phase === 'healed') {
		level = 'ok';
		label = ' HEALED ';
		text = `${marks(drill, sep)}${drill.reportPath ? `${sep}report ${drill.reportPath}` : ''}`;
	} else {
		label = drill?.phase === 'healing' ? ' HEALING ' : ' CUTTING ';
		text = marks(drill, sep);
	}
	return <BannerRow width={width} label={label} level={level} text={text} />;
}

/** argv as a person would type it: arguments with spaces or shell characters single-quoted. */
export function shellLine(argv: string[]): string {
	return argv.map(arg => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function DrillDialog(props: {snapshot: LabSnapshot; ttlMs: number; configured: boolean; width: number; height: number}) {
	const {snapshot, ttlMs, configured, width, height} = props;
	const theme = useTheme();
	const drill = snapshot.drill;
	const lines: Array<{text: string; dim?: boolean; bold?: boolean}> = [];
	if (!configured) {
		lines.push({text: 'Drills are not configured for this lab.'});
	} else if (drill?.error && drill.phase !== 'planned') {
		lines.push({text: `The last drill failed: ${drill.error}`});
	}
	if (configured) {
		for (const point of drill?.plan ?? []) {
			lines.push({text: `at ${point.point}:`, bold: true});
			for (const command of point.commands) lines.push({text: `  $ ${shellLine(command)}`, dim: true});
		}
		if (!drill?.plan) lines.push({text: 'planning the cut', dim: true});
	}
	const room = Math.max(0, height - 2 - 4);
	const shown = lines.slice(0, lines.length > room ? Math.max(0, room - 1) : room);
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.border} borderColor={levelColour(theme, 'crit')} paddingX={1} overflow="hidden">
			<Text bold wrap="truncate-end">
				Partition drill: cut the link between the clusters
			</Text>
			<Text wrap="truncate-end">
				TTL <Text bold>{formatAge(ttlMs)}</Text> (+/- to change): every point heals by itself after this, even if labwatch dies
			</Text>
			{shown.map((line, index) => (
				<Text key={index} wrap="truncate-end" dimColor={line.dim} bold={line.bold}>
					{line.text}
				</Text>
			))}
			{lines.length > shown.length ? <Text dimColor>{`${lines.length - shown.length} more lines`}</Text> : null}
			<Box flexGrow={1} />
			<Text wrap="truncate-end">
				{configured ? (
					<>
						<Text bold color={levelColour(theme, 'crit')}>
							y
						</Text>{' '}
						cut now{theme.glyphs.sep}
					</>
				) : null}
				<Text bold>Esc</Text> cancel
			</Text>
		</Box>
	);
}

/** Rows the roll-back question takes above the panels. */
export const rollbackDialogRows = 4;

export function RollbackDialog({snapshot, width}: {snapshot: LabSnapshot; width: number}) {
	const theme = useTheme();
	const points = snapshot.partition?.points.join(', ') || 'every point';
	const partition = Boolean(snapshot.partition?.active || snapshot.partition?.leftover);
	const etcd = snapshot.etcdDrill ? [...snapshot.etcdDrill.stopped, ...(snapshot.etcdDrill.leftover ?? [])] : [];
	const question = [partition || etcd.length === 0 ? `Roll back the cut at ${points}` : '', etcd.length > 0 ? `${partition ? 'and start' : 'Start'} ${etcd.join(', ')} (stopped by the etcd drill)` : ''].filter(Boolean).join(' ');
	return (
		<Box flexDirection="column" flexShrink={0} width={width} height={rollbackDialogRows} borderStyle={theme.border} borderColor={levelColour(theme, 'warn')} paddingX={1}>
			<Text wrap="truncate-end">{question} now?</Text>
			<Text wrap="truncate-end">
				<Text bold color={levelColour(theme, 'warn')}>
					y
				</Text>{' '}
				heal now{theme.glyphs.sep}
				<Text bold>Esc</Text> cancel
			</Text>
		</Box>
	);
}
