// The pod list of one cluster panel: attention first (the store's order), one fixed-width row per pod,
// scrolled so the selected row stays in view. Hand-rolled rows: ink-table hashes every row per render.
import {Box, Text} from 'ink';
import type {Level, PodInfo} from '../source/store/types.js';
import {formatPodAge} from '../source/config/duration.js';
import {problemRank} from '../source/store/pod-order.js';
import {levelColour, useTheme} from './theme.js';
import {cell, cellRight, podName} from './format.js';

export interface PodRowsProps {
	pods: PodInfo[];
	selected: number;
	focused: boolean;
	rows: number;
	width: number;
	nowMs: number;
	dim: boolean;
	/** Shown when the list is empty: "no pods", "no pod matches /api". */
	emptyText: string;
}

function problemLevel(pod: PodInfo): Level {
	if (!pod.problem) return 'ok';
	return problemRank(pod) <= 2 ? 'crit' : 'warn';
}

/** The first row shown, so that `selected` is visible in a window of `rows`. */
export function scrollOffset(selected: number, total: number, rows: number): number {
	if (total <= rows) return 0;
	return Math.max(0, Math.min(selected - rows + 1, total - rows));
}

/** The pods a list of `rows` rows shows (the last row says "N more" when they do not all fit). */
export function podWindow(pods: PodInfo[], selected: number, rows: number): {offset: number; shown: PodInfo[]; clamped: number} {
	const clamped = Math.min(selected, pods.length - 1);
	const window = pods.length > rows ? Math.max(1, rows - 1) : rows;
	const offset = scrollOffset(clamped, pods.length, window);
	return {offset, shown: pods.slice(offset, offset + window), clamped};
}

export function PodRows({pods, selected, focused, rows, width, nowMs, dim, emptyText}: PodRowsProps) {
	const theme = useTheme();
	if (rows <= 0) return null;
	if (pods.length === 0) {
		return (
			<Text dimColor wrap="truncate-end">
				{emptyText}
			</Text>
		);
	}
	// Keep the last row for "N more" when the list does not fit.
	const {offset, shown, clamped} = podWindow(pods, selected, rows);
	// As wide as the longest word shown (CrashLoopBackOff is 16), so healthy lists leave room for names.
	const longest = Math.max(...shown.map(pod => (pod.problem ?? pod.phase).length));
	const problemWidth = Math.min(longest, width >= 44 ? 16 : width >= 36 ? 12 : 9);
	const ageWidth = 6;
	// The restarts column appears only when a shown pod has restarted: names get the room otherwise.
	const restartWidth = Math.max(0, ...shown.map(pod => (pod.restarts > 0 ? String(pod.restarts).length + 1 : 0)));
	const nameWidth = Math.max(4, width - problemWidth - ageWidth - restartWidth - (restartWidth > 0 ? 3 : 2));
	const below = pods.length - offset - shown.length;
	return (
		<Box flexDirection="column">
			{shown.map((pod, index) => {
				const isSelected = focused && offset + index === clamped;
				const level = problemLevel(pod);
				const restarts = pod.restarts > 0 ? `${pod.restarts}${theme.glyphs.restarts}` : '';
				return (
					<Text key={pod.uid} wrap="truncate-end" inverse={isSelected} dimColor={dim || (!pod.problem && !isSelected)}>
						<Text color={pod.problem && !dim ? levelColour(theme, level) : undefined}>
							{cell(pod.problem ?? pod.phase, problemWidth, theme.glyphs.ellipsis)}
						</Text>{' '}
						{podName(pod.namespace, pod.name, nameWidth, theme.glyphs.ellipsis).padEnd(nameWidth)} {cellRight(formatPodAge(nowMs - pod.createdMs), ageWidth)}
						{restartWidth > 0 ? ` ${cellRight(restarts, restartWidth)}` : ''}
					</Text>
				);
			})}
			{below > 0 || offset > 0 ? (
				<Text dimColor wrap="truncate-end">
					{`${offset > 0 ? `${offset} above, ` : ''}${below} more${focused ? ' (j/k scroll)' : ''}`}
				</Text>
			) : null}
		</Box>
	);
}
