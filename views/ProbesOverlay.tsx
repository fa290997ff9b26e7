// `P`: every configured probe with its latest run, its window (p95, success rate), a sparkline of its
// recent results (latency as block steps, a failed run as a red ×) and, for a failover probe, who answered
// ("api: m2 80% · m1 20%"). Everything is computed in source/ (snapshot.probes); here it is only drawn.
// In place of the panels like the checklist, and scrolled the same way on a small pane.
import {Box, Text} from 'ink';
import type {ProbeSample, ProbeStatus} from '../source/probes/types.js';
import {failoverWords, probeWindowWords, probeWords} from '../source/probes/words.js';
import {probeLevel} from '../source/store/verdicts.js';
import {formatMs} from '../source/phases/checklist.js';
import type {Level} from '../source/store/types.js';
import {scrollWindow} from './scroll-window.js';
import {levelColour, useTheme} from './theme.js';
import {sparkline} from './Sparkline.js';

/** A run of the sparkline: block steps of successes, or the marks of failed runs. */
export interface SparkSegment {
	text: string;
	failed: boolean;
}

/**
 * The newest `width` results as cells: a success is a block step (the window's own low to high latency),
 * a failure the fail glyph. Neighbouring cells of one kind are merged, so a line is a few <Text>s.
 */
export function probeSparkSegments(recent: ProbeSample[], width: number, steps: string[], failGlyph: string): SparkSegment[] {
	if (width <= 0) return [];
	const shown = recent.slice(-width);
	const latencies = shown.filter(sample => sample.ok && sample.latencyMs !== undefined).map(sample => sample.latencyMs!);
	const ceiling = Math.max(0, ...latencies);
	const blocks = [...sparkline(latencies, ceiling, latencies.length, steps)];
	const segments: SparkSegment[] = [];
	let next = 0;
	for (const sample of shown) {
		const failed = !sample.ok;
		// A success without a latency (a pod-run check) is drawn at the lowest step.
		const cell = failed ? failGlyph : sample.latencyMs === undefined ? steps[0]! : blocks[next++]!;
		const last = segments.at(-1);
		if (last && last.failed === failed) last.text += cell;
		else segments.push({text: cell, failed});
	}
	return segments;
}

export interface ProbeLine {
	text: string;
	/** Marks the line's first word (the probe's name) with the probe's level colour. */
	level?: Level;
	name?: string;
	spark?: SparkSegment[];
	dim?: boolean;
}

export function probeLines(probes: ProbeStatus[] | undefined, width: number, options: {ascii: boolean; steps: string[]; sep: string}): ProbeLine[] {
	if (!probes || probes.length === 0) return [{text: 'no probes configured (probes: in the config file)'}];
	const nameWidth = Math.min(24, Math.max(...probes.map(probe => probe.name.length)));
	const lines: ProbeLine[] = [];
	for (const probe of probes) {
		const window = probeWindowWords(probe);
		const text = ` ${probeWords(probe)}${window ? `${options.sep}${window}` : ''}${probe.from ? `${options.sep}from ${probe.from}` : ''}`;
		lines.push({name: probe.name.padEnd(nameWidth), text, level: probeLevel(probe)});
		const recent = probe.recent ?? [];
		if (recent.length > 0) {
			const tail = probe.maxMs !== undefined ? ` max ${formatMs(probe.maxMs)}` : '';
			const room = Math.max(1, width - 2 - tail.length);
			lines.push({text: tail, spark: probeSparkSegments(recent, room, options.steps, options.ascii ? 'x' : '×')});
		}
		const failover = failoverWords(probe, options.sep);
		if (failover) lines.push({text: `  ${failover}`});
		// An older failure stays in view after the probe recovered.
		if (probe.lastError && probe.last?.ok) {
			lines.push({text: `  last error ${new Date(probe.lastError.atMs).toTimeString().slice(0, 8)}: ${probe.lastError.error}`, dim: true});
		}
	}
	return lines;
}

export function ProbesOverlay({width, height, probes, scroll}: {width: number; height: number; probes?: ProbeStatus[]; scroll: number}) {
	const theme = useTheme();
	const inner = Math.max(1, width - 4);
	const lines = probeLines(probes, inner, {ascii: theme.ascii, steps: theme.glyphs.spark, sep: theme.glyphs.sep});
	const failing = (probes ?? []).filter(probe => probe.last && !probe.last.ok).length;
	const {offset, shown, footer} = scrollWindow(lines, scroll, Math.max(1, height - 4));
	const failColour = levelColour(theme, 'crit');
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.border} paddingX={1} overflow="hidden">
			<Text bold wrap="truncate-end">
				probes: {(probes ?? []).length - failing} answering, {failing} failing
			</Text>
			{shown.map((line, index) => (
				<Text key={offset + index} wrap="truncate-end" dimColor={line.dim}>
					{line.name !== undefined ? (
						<Text bold color={line.level ? levelColour(theme, line.level) : undefined}>
							{line.name}
						</Text>
					) : null}
					{line.spark ? (
						<>
							{'  '}
							{line.spark.map((segment, at) => (
								<Text key={at} color={segment.failed ? failColour : undefined}>
									{segment.text}
								</Text>
							))}
						</>
					) : null}
					{line.text}
				</Text>
			))}
			<Text dimColor wrap="truncate-end">
				{footer}
			</Text>
		</Box>
	);
}
