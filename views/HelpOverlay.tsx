// `?`: every key, in place of the panels (Ink has no layers; the body is swapped, header and footer stay).
import {Box, Text} from 'ink';
import {useTheme} from './theme.js';
import {visibleKeys} from './keys.js';

export function HelpOverlay({width, height, readOnly}: {width: number; height: number; readOnly: boolean}) {
	const theme = useTheme();
	const keys = visibleKeys({ascii: theme.ascii, readOnly});
	const keyWidth = Math.max(...keys.map(entry => entry.keys.length)) + 2;
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.border} paddingX={1} overflow="hidden">
			<Text bold>labwatch keys</Text>
			{keys.map(entry => (
				<Text key={entry.keys} wrap="truncate-end">
					<Text bold>{entry.keys.padEnd(keyWidth)}</Text>
					{entry.what}
				</Text>
			))}
			{readOnly ? <Text dimColor>read-only: drill keys are off</Text> : null}
			<Text dimColor wrap="truncate-end">
				Esc or ? closes this help
			</Text>
		</Box>
	);
}
