// A scrollable pane of text lines (describe, YAML, logs): a title row, then `height - 1` lines from
// `top`, clipped to the width (never wrapped, so the frame's height never changes with the content).
import {Box, Text} from 'ink';
import {plain} from './plain.js';
import type {DocLine} from '../source/kube/describe.js';
import {clip} from './format.js';
import {levelColour, useTheme} from './theme.js';

export interface TextPaneProps {
	title: string;
	/** Right side of the title row: position, state. */
	status?: string;
	statusLevel?: 'ok' | 'warn' | 'crit' | 'unknown';
	lines: Array<DocLine | string>;
	top: number;
	width: number;
	height: number;
	/** Lines the pane says instead of content (loading, an error). */
	empty?: string;
	emptyLevel?: 'ok' | 'warn' | 'crit' | 'unknown';
	/** Marked in every line (a search). */
	mark?: string;
}

/** Rows of content a pane of this height shows (the title takes one). */
export const textPaneRows = (height: number) => Math.max(1, height - 1);

export function TextPane({title, status, statusLevel, lines, top, width, height, empty, emptyLevel, mark}: TextPaneProps) {
	const theme = useTheme();
	const rows = textPaneRows(height);
	const start = Math.max(0, Math.min(top, Math.max(0, lines.length - rows)));
	const shown = lines.slice(start, start + rows);
	const position = lines.length > rows ? ` ${start + 1}-${start + shown.length}/${lines.length}` : '';
	const right = plain(theme, `${status ?? ''}${position}`);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold inverse>{` ${clip(plain(theme, title), Math.max(1, width - right.length - 3))} `}</Text>
				<Text color={statusLevel ? levelColour(theme, statusLevel) : undefined}>{right ? ` ${right}` : ''}</Text>
			</Text>
			{shown.length === 0 && empty ? (
				<Text color={emptyLevel ? levelColour(theme, emptyLevel) : undefined} wrap="truncate-end">
					{empty}
				</Text>
			) : null}
			{shown.map((line, index) => {
				const doc: DocLine = typeof line === 'string' ? {text: line} : line;
				const text = clip(plain(theme, doc.text.replace(/\t/g, '  ')), width, theme.glyphs.ellipsis);
				const colour = doc.level ? levelColour(theme, doc.level) : undefined;
				if (mark && text.toLowerCase().includes(mark.toLowerCase())) {
					const at = text.toLowerCase().indexOf(mark.toLowerCase());
					return (
						<Text key={start + index} wrap="truncate-end" color={colour}>
							{text.slice(0, at)}
							<Text inverse>{text.slice(at, at + mark.length)}</Text>
							{text.slice(at + mark.length)}
						</Text>
					);
				}
				return (
					<Text key={start + index} wrap="truncate-end" color={colour} bold={doc.heading}>
						{text}
					</Text>
				);
			})}
		</Box>
	);
}
