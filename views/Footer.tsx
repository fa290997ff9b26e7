// The last row: the filter being typed, or the last key's notice, or the keys that matter in this mode.
import {Box, Text} from 'ink';
import type {Mode, Notice} from './ui-state.js';
import {levelColour, useTheme} from './theme.js';
import {fitFooterKeys, footerKeys} from './keys.js';

export interface FooterProps {
	mode: Mode;
	filter: string;
	notice?: Notice;
	readOnly: boolean;
	/** A cut is live or left over: rolling it back is the key that matters. */
	cutLive: boolean;
	width: number;
}

export function Footer({mode, filter, notice, readOnly, cutLive, width}: FooterProps) {
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
		const filterText = filter && mode === 'normal' ? `filter /${filter} (Esc clears)${sep}` : '';
		const readOnlyText = readOnly ? `${sep}read-only` : '';
		// The keys that matter here first; help lists the rest.
		const keys = fitFooterKeys(footerKeys(mode, {ascii: theme.ascii, readOnly, cutLive}), width - filterText.length - readOnlyText.length);
		content = (
			<Text wrap="truncate-end">
				{filterText ? <Text color={levelColour(theme, 'warn')}>{filterText}</Text> : null}
				{keys.map((entry, index) => (
					<Text key={entry.key}>
						{index > 0 ? '  ' : ''}
						<Text bold>{entry.key}</Text> <Text dimColor>{entry.word}</Text>
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
