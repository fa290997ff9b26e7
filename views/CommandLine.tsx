// `:` the command line: what is typed, and under it the commands that match (all of them for `?`).
import {Box, Text} from 'ink';
import {commandTable} from './commands.js';
import {useTheme} from './theme.js';
import {plain} from './plain.js';

/** Rows the command line takes at the top of the body. */
export function commandLineRows(text: string, maxRows: number): number {
	return Math.min(maxRows, 1 + matching(text).length);
}

function matching(text: string) {
	const word = text.trim().split(/\s+/)[0] ?? '';
	if (text.trim() === '?' || word === '') return commandTable;
	return commandTable.filter(command => command.name.startsWith(word));
}

export function CommandLine({text, width, rows}: {text: string; width: number; rows: number}) {
	const theme = useTheme();
	const list = matching(text).slice(0, Math.max(0, rows - 1));
	return (
		<Box flexDirection="column" width={width} height={rows} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold>:</Text>
				{text}
				<Text inverse> </Text>
				<Text dimColor>{plain(theme, '  Tab completes · ↑/↓ history · Enter runs · Esc closes')}</Text>
			</Text>
			{list.map(command => (
				<Text key={command.name} dimColor wrap="truncate-end">
					{`  :${`${command.name}${command.args ? ` ${command.args}` : ''}`.padEnd(34)}${command.what}`}
				</Text>
			))}
		</Box>
	);
}
