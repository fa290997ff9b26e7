// The last row: the filter being typed, or the last key's notice, or the main keys.
import {Box, Text} from 'ink';
import type {Mode, Notice} from './ui-state.js';
import {levelColour, useTheme} from './theme.js';
import {visibleKeys} from './keys.js';

export interface FooterProps {
	mode: Mode;
	filter: string;
	notice?: Notice;
	readOnly: boolean;
	width: number;
}

export function Footer({mode, filter, notice, readOnly, width}: FooterProps) {
	const theme = useTheme();
	const {sep} = theme.glyphs;
	let content;
	if (mode === 'filter') {
		content = (
			<Text wrap="truncate-end">
				<Text bold>/</Text>
				{filter}
				<Text inverse> </Text>
				<Text dimColor>
					{'  '}name or namespace{sep}Enter keep{sep}Esc clear
				</Text>
			</Text>
		);
	} else if (notice) {
		content = (
			<Text wrap="truncate-end" color={levelColour(theme, notice.level)}>
				{notice.text}
			</Text>
		);
	} else {
		const filterText = filter ? `filter /${filter} (Esc clears)${sep}` : '';
		const readOnlyText = readOnly ? `${sep}read-only` : '';
		// Keys in table order until the row is full: "? help" always fits, and help lists the rest.
		let room = width - filterText.length - readOnlyText.length;
		const keys = visibleKeys({ascii: theme.ascii, readOnly})
			.filter(entry => entry.footer)
			.filter((entry, index) => {
				const length = (index > 0 ? 2 : 0) + entry.footer![0].length + 1 + entry.footer![1].length;
				if (index > 0 && length > room) return false;
				room -= length;
				return true;
			});
		content = (
			<Text wrap="truncate-end">
				{filter ? <Text color={levelColour(theme, 'warn')}>{filterText}</Text> : null}
				{keys.map((entry, index) => (
					<Text key={entry.keys}>
						{index > 0 ? '  ' : ''}
						<Text bold>{entry.footer![0]}</Text> <Text dimColor>{entry.footer![1]}</Text>
					</Text>
				))}
				{readOnly ? <Text dimColor>{readOnlyText}</Text> : null}
			</Text>
		);
	}
	return (
		<Box width={width} height={1}>
			{content}
		</Box>
	);
}
