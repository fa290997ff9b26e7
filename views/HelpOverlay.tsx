// `?`: what is wrong now, in full (the header, gateway lines and pod rows cut text to fit; here nothing
// is cut), then every key. In place of the panels (Ink has no layers; the body is swapped). Lines are
// wrapped here, so the overlay knows its length and scrolls with j/k on a small pane.
import {Box, Text} from 'ink';
import type {Verdict} from '../source/store/types.js';
import type {ProbeStatus} from '../source/probes/types.js';
import {probeWindowWords, probeWords} from '../source/probes/words.js';
import {levelColour, useTheme} from './theme.js';
import {visibleKeys} from './keys.js';
import {levelWords, wrapText} from './format.js';

interface HelpLine {
	text: string;
	bold?: string;
	dim?: boolean;
	colour?: string;
}

export function helpLines(options: {width: number; readOnly: boolean; ascii: boolean; verdict: Verdict; levelColour?: string; probes?: ProbeStatus[]}): HelpLine[] {
	const {width} = options;
	const lines: HelpLine[] = [];
	lines.push({text: '', bold: `Now: ${levelWords[options.verdict.level]}`, colour: options.levelColour});
	if (options.verdict.reasons.length === 0) lines.push({text: 'nothing to report', dim: true});
	for (const reason of options.verdict.reasons) {
		wrapText(reason, width - 2).forEach((text, index) => lines.push({text: `${index === 0 ? '- ' : '  '}${text}`}));
	}
	// One line per configured probe: its latest run, then its window.
	for (const probe of options.probes ?? []) {
		const window = probeWindowWords(probe);
		lines.push({text: `probe ${probe.name} ${probeWords(probe)}${window ? ` (${window})` : ''}`.slice(0, Math.max(1, width)), dim: probe.last?.ok === true});
	}
	lines.push({text: ' '}, {text: '', bold: 'Keys'});
	const keys = visibleKeys({ascii: options.ascii, readOnly: options.readOnly});
	// Below 50 columns a key goes on its own line, its text under it.
	const keyWidth = width >= 50 ? Math.max(...keys.map(entry => entry.keys.length)) + 2 : 0;
	for (const entry of keys) {
		if (keyWidth === 0) {
			lines.push({text: '', bold: entry.keys});
			for (const text of wrapText(entry.what, width - 2)) lines.push({text: `  ${text}`});
			continue;
		}
		wrapText(entry.what, width - keyWidth).forEach((text, index) => lines.push({text, bold: index === 0 ? entry.keys.padEnd(keyWidth) : ' '.repeat(keyWidth)}));
	}
	if (options.readOnly) lines.push({text: 'read-only: drill keys are off', dim: true});
	return lines;
}

export function HelpOverlay({width, height, readOnly, verdict, scroll, probes}: {width: number; height: number; readOnly: boolean; verdict: Verdict; scroll: number; probes?: ProbeStatus[]}) {
	const theme = useTheme();
	const inner = Math.max(1, width - 4);
	const lines = helpLines({width: inner, readOnly, ascii: theme.ascii, verdict, levelColour: levelColour(theme, verdict.level), probes});
	// Border 2 rows, title 1, the last row for "more".
	const room = Math.max(1, height - 4);
	const offset = Math.min(scroll, Math.max(0, lines.length - room));
	const shown = lines.slice(offset, offset + room);
	const below = lines.length - offset - shown.length;
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.border} paddingX={1} overflow="hidden">
			<Text bold wrap="truncate-end">
				labwatch help
			</Text>
			{shown.map((line, index) => (
				<Text key={offset + index} wrap="truncate-end" dimColor={line.dim}>
					{line.bold ? (
						<Text bold color={line.colour}>
							{line.bold}
						</Text>
					) : null}
					{line.text}
				</Text>
			))}
			<Text dimColor wrap="truncate-end">
				{/* Short enough for a 60-column pane, scrolled or not: the way out is never cut. */}
				{below > 0 || offset > 0 ? `${offset > 0 ? `${offset} above, ` : ''}${below} more · j/k scroll · ` : ''}Esc closes this help
			</Text>
		</Box>
	);
}
