// `h`: the homelab plan's checklist, phase by phase: each criterion passed, failed or unknown with its
// evidence. The list is computed in source/ (snapshot.phases), the same `check --json` prints; here it is
// only drawn. In place of the panels like the help, and scrolled the same way on a small pane.
import {Box, Text} from 'ink';
import type {PhaseCriterion} from '../source/phases/checklist.js';
import type {Level} from '../source/store/types.js';
import {scrollWindow} from './scroll-window.js';
import {levelColour, useTheme} from './theme.js';
import {wrapText} from './format.js';

const statusLevel: Record<PhaseCriterion['status'], Level> = {passed: 'ok', failed: 'crit', unknown: 'unknown'};

export interface PhaseLine {
	text: string;
	mark?: string;
	level?: Level;
	bold?: boolean;
}

export function phaseLines(phases: PhaseCriterion[] | undefined, width: number, ascii: boolean): PhaseLine[] {
	if (!phases || phases.length === 0) return [{text: 'no checklist yet'}];
	const marks: Record<PhaseCriterion['status'], string> = ascii ? {passed: '+', failed: 'x', unknown: '?'} : {passed: '✓', failed: '✗', unknown: '?'};
	const lines: PhaseLine[] = [];
	let phase: number | undefined;
	for (const item of phases) {
		if (item.phase !== phase) {
			phase = item.phase;
			lines.push({text: `Phase ${phase}`, bold: true});
		}
		// Criterion on its line, the evidence under it: both wrapped, nothing cut.
		wrapText(item.criterion, Math.max(1, width - 2)).forEach((text, index) => lines.push({text, mark: index === 0 ? `${marks[item.status]} ` : '  ', level: statusLevel[item.status]}));
		for (const text of wrapText(`${item.status}: ${item.evidence}`, Math.max(1, width - 4))) lines.push({text: `    ${text}`});
	}
	return lines;
}

export function PhasesOverlay({width, height, phases, scroll}: {width: number; height: number; phases?: PhaseCriterion[]; scroll: number}) {
	const theme = useTheme();
	const inner = Math.max(1, width - 4);
	const lines = phaseLines(phases, inner, theme.ascii);
	const counts = {passed: 0, failed: 0, unknown: 0};
	for (const item of phases ?? []) counts[item.status]++;
	const {offset, shown, footer} = scrollWindow(lines, scroll, Math.max(1, height - 4));
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.border} paddingX={1} overflow="hidden">
			<Text bold wrap="truncate-end">
				homelab plan: {counts.passed} passed, {counts.failed} failed, {counts.unknown} unknown
			</Text>
			{shown.map((line, index) => (
				<Text key={offset + index} wrap="truncate-end" bold={line.bold}>
					{line.mark ? <Text color={line.level ? levelColour(theme, line.level) : undefined}>{line.mark}</Text> : null}
					{line.text}
				</Text>
			))}
			<Text dimColor wrap="truncate-end">
				{footer}
			</Text>
		</Box>
	);
}
