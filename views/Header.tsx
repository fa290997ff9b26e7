// Row 1: what this is, which config, the time, and the one overall verdict with its first reason.
import {Box, Text} from 'ink';
import type {LabSnapshot} from '../source/store/types.js';
import {clockTime} from '../source/store/clock-time.js';
import {levelColour, useTheme} from './theme.js';
import {levelWords} from './format.js';

export const demoLabel = 'DEMO — labwatch init to point it at your clusters';

/** The config label, shortened so the verdict (what matters most) keeps room on a narrow pane. */
export function configText(configLabel: string, room: number, ascii: boolean): string {
	if (configLabel === 'demo') {
		const long = ascii ? demoLabel.replace('—', '-') : demoLabel;
		return long.length <= room ? long : 'DEMO';
	}
	if (configLabel.length <= room) return configLabel;
	// A path: keep its end, the part that differs.
	const keep = Math.max(8, room - 1);
	return (ascii ? '~' : '…') + configLabel.slice(-keep);
}

export function Header({snapshot, configLabel, width}: {snapshot: LabSnapshot; configLabel: string; width: number}) {
	const theme = useTheme();
	const {sep} = theme.glyphs;
	const {verdict} = snapshot;
	const live = snapshot.clusters.filter(cluster => cluster.connection.phase === 'live').length;
	const reason = verdict.reasons[0] ?? `${live}/${snapshot.clusters.length} clusters live`;
	const word = levelWords[verdict.level];
	// Leave the verdict word and about 24 characters of its reason before spending width on the label.
	const room = width - ('labwatch'.length + 5 + word.length + 3 * sep.length + 1 + Math.min(24, reason.length));
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate-end">
				<Text bold>labwatch</Text>
				{sep}
				<Text dimColor>{configText(configLabel, room, theme.ascii)}</Text>
				{sep}
				{clockTime(snapshot.atMs).slice(0, 5)}
				{sep}
				<Text bold color={levelColour(theme, verdict.level)}>
					{word}
				</Text>{' '}
				{reason}
			</Text>
		</Box>
	);
}
