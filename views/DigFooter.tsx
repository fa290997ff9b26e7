// The last row while a dig view is open: the search being typed, the last key's notice, or the view's keys.
import {Box, Text} from 'ink';
import {plain} from './plain.js';
import type {Notice} from './ui-state.js';
import {levelColour, useTheme} from './theme.js';

export function DigFooter({keys, notice, searchInput, width}: {keys: Array<[string, string]>; notice?: Notice; searchInput?: string; width: number}) {
	const theme = useTheme();
	let content;
	if (searchInput !== undefined) {
		content = (
			<Text wrap="truncate-end">
				<Text bold>/</Text>
				{searchInput}
				<Text inverse> </Text>
				<Text dimColor>{plain(theme, '  Enter keep · Esc clear')}</Text>
			</Text>
		);
	} else if (notice) {
		content = (
			<Text wrap="truncate-end" color={levelColour(theme, notice.level)}>
				{notice.text}
			</Text>
		);
	} else {
		content = (
			<Text wrap="truncate-end">
				{keys.map(([key, word], index) => (
					<Text key={key}>
						{index > 0 ? '  ' : ''}
						<Text bold>{key}</Text> <Text dimColor>{word}</Text>
					</Text>
				))}
				<Text dimColor>{'  ? help  q quit'}</Text>
			</Text>
		);
	}
	return (
		<Box width={width} height={1}>
			{content}
		</Box>
	);
}
