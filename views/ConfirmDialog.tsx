// The question before an action: the pod (or workload) and its cluster named, y to go, n or Esc not.
import {Box, Text} from 'ink';
import type {Confirm} from './dig-state.js';
import {levelColour, useTheme} from './theme.js';

export const confirmRows = 2;

export function ConfirmDialog({confirm, width}: {confirm: Confirm; width: number}) {
	const theme = useTheme();
	const question =
		confirm.action === 'delete'
			? `Delete pod ${confirm.target.namespace}/${confirm.target.name} in cluster ${confirm.target.cluster}?`
			: `Restart ${confirm.workload.kind.toLowerCase()} ${confirm.workload.namespace}/${confirm.workload.name} in cluster ${confirm.workload.cluster} (every pod replaced)?`;
	return (
		<Box flexDirection="column" width={width} height={confirmRows} overflow="hidden">
			<Text bold color={levelColour(theme, 'warn')} wrap="truncate-end">
				{question}
			</Text>
			<Text wrap="truncate-end">
				<Text bold>y</Text> yes{'  '}
				<Text bold>n</Text>/<Text bold>Esc</Text> no
				<Text dimColor>{'  (written to the action log)'}</Text>
			</Text>
		</Box>
	);
}
