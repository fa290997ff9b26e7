// One line: the newest change (pod failed, node NotReady, gateway error, cluster lost/back), coloured by
// its level, with how many came before it. The store keeps the bounded buffer; this only reads its end.
import {Box, Text} from 'ink';
import type {FeedEvent} from '../source/store/types.js';
import {clockTime} from '../source/store/clock-time.js';
import {levelColour, useTheme} from './theme.js';

export function EventFeed({events, width}: {events: FeedEvent[]; width: number}) {
	const theme = useTheme();
	const newest = events[events.length - 1];
	return (
		<Box width={width} height={1}>
			{newest ? (
				<Text wrap="truncate-end">
					<Text dimColor>{clockTime(newest.atMs)} </Text>
					<Text color={levelColour(theme, newest.level)}>{newest.text}</Text>
				</Text>
			) : (
				<Text dimColor wrap="truncate-end">
					no events yet
				</Text>
			)}
		</Box>
	);
}
