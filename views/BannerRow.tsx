// The one-row banner a drill takes (partition or etcd): a label in the level's colour, then the text,
// cut at the pane's width.
import {Box, Text} from 'ink';
import type {Level} from '../source/store/types.js';
import {levelColour, useTheme} from './theme.js';

export function BannerRow({width, label, level, text}: {width: number; label: string; level: Level; text: string}) {
	const theme = useTheme();
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate-end">
				<Text bold inverse color={levelColour(theme, level)}>
					{label}
				</Text>
				{text}
			</Text>
		</Box>
	);
}
