// The etcd drill on screen: the dialog E opens (each member's role, term and index, the plan with the exact
// commands, what the stop does to quorum), and the one-line banner while members are stopped (who leads,
// quorum, the countdown to the automatic start, the timeline so far). Keys are the router's; these only draw.
import {Box, Text} from 'ink';
import type {LabSnapshot} from '../source/store/types.js';
import type {TimelineMark} from '../source/drill/types.js';
import {formatAge} from '../source/config/duration.js';
import {memberWords, quorumOf} from '../source/etcd/verdict.js';
import {startScript} from '../source/etcd/start-script.js';
import {terminalSafe} from '../source/text/terminal-safe.js';
import {levelColour, useTheme} from './theme.js';
import {shellLine} from './DrillPanel.js';
import {BannerRow} from './BannerRow.js';

/** Whether the etcd banner takes the banner row: members stopped, or a drill in motion or just ended. */
export function etcdBannerVisible(snapshot: LabSnapshot): boolean {
	const drill = snapshot.etcdDrill;
	if (!drill) return false;
	if (drill.stopped.length > 0 || (drill.leftover?.length ?? 0) > 0) return true;
	return ['stopping', 'healing', 'failed', 'healed'].includes(drill.phase);
}

function quorumText(snapshot: LabSnapshot): string {
	const etcd = snapshot.etcd;
	if (!etcd) return '';
	return `${etcd.leader ? `leader ${etcd.leader}` : 'NO LEADER'} · ${etcd.quorum ? `quorum ${etcd.up}/${etcd.total}` : `QUORUM LOST ${etcd.up}/${etcd.total}`}`;
}

/**
 * The marks worth a banner's room: the election and quorum, reads and APIs (who was stopped is already said).
 * After the heal: the election time, then what came back.
 */
export function bannerMarks(timeline: TimelineMark[], healed: boolean, sep: string): string {
	const started = timeline.findIndex(mark => mark.signal.startsWith('started '));
	const told = (mark: TimelineMark) => !mark.signal.startsWith('stopped ') && !mark.signal.endsWith(' down');
	const picked = healed && started >= 0 ? [...timeline.slice(0, started).filter(mark => mark.signal.startsWith('new leader')).slice(0, 1), ...timeline.slice(started + 1)] : timeline.filter(told);
	// Quorum lost, else the election time, first: on a narrow pane the row is cut from the right.
	const order = ['quorum lost', 'new leader', 'quorum', 'all ', ' API ', 'leader lost'];
	const rank = (mark: TimelineMark) => {
		const at = order.findIndex(word => mark.signal.includes(word));
		return at < 0 ? order.length : at;
	};
	const chosen = [...picked].sort((a, b) => rank(a) - rank(b) || a.atMs - b.atMs);
	// The term is in the E dialog; the banner keeps to who and when.
	return chosen.length > 0 ? sep + chosen.map(mark => `${mark.signal.replace(/ \(term \d+\)$/, '')} +${(mark.afterMs / 1000).toFixed(1)}s`).join(', ') : '';
}

export function EtcdBanner({snapshot, width, readOnly}: {snapshot: LabSnapshot; width: number; readOnly: boolean}) {
	const theme = useTheme();
	const {sep} = theme.glyphs;
	const drill = snapshot.etcdDrill!;
	const marks = bannerMarks(drill.timeline, drill.phase === 'healed', sep);
	let label: string;
	let level: 'crit' | 'warn' | 'ok' = 'warn';
	let text: string;
	if (drill.stopped.length > 0) {
		level = snapshot.etcd?.quorum === false ? 'crit' : 'warn';
		label = ' ETCD DRILL ';
		const leftMs = drill.sinceMs !== undefined && drill.ttlMs !== undefined ? drill.sinceMs + drill.ttlMs - snapshot.atMs : undefined;
		const countdown = leftMs === undefined ? '' : leftMs > 0 ? `${sep}starts in ${formatAge(leftMs + 999)}` : `${sep}start due now`;
		text = ` stopped ${drill.stopped.join(', ')}${sep}${quorumText(snapshot)}${countdown}${marks}${readOnly ? '' : `${sep}r start${sep}E stop another`}`;
	} else if ((drill.leftover?.length ?? 0) > 0) {
		label = ' ETCD LEFTOVER ';
		text = ` ${drill.leftover!.join(', ')} stopped by a drill nobody healed${readOnly ? `${sep}run labwatch etcd-heal` : `${sep}r start`}`;
	} else if (drill.phase === 'failed') {
		level = 'crit';
		label = ' ETCD DRILL FAILED ';
		text = ` ${drill.error ?? ''}${marks}`;
	} else if (drill.phase === 'healed') {
		level = 'ok';
		label = ' ETCD HEALED ';
		text = ` ${quorumText(snapshot)}${marks}${drill.reportPath ? `${sep}report ${drill.reportPath}` : ''}`;
	} else {
		label = drill.phase === 'healing' ? ' ETCD STARTING ' : ' ETCD STOPPING ';
		text = marks;
	}
	return <BannerRow width={width} label={label} level={level} text={text} />;
}

/** argv as typed; the timer's constant script (START_SCRIPT) by name: labwatch etcd-drill --dry-run prints it. */
function commandLine(argv: string[]): string {
	const token = 'LABWATCH_START_SCRIPT';
	// Snapshots reach the views made terminal-safe: the script's line breaks are spaces by then.
	const script = (word: string) => word === startScript || word === terminalSafe(startScript);
	return shellLine(argv.map(word => (script(word) ? token : word))).replace(token, '"$START_SCRIPT"');
}

export function EtcdDialog(props: {snapshot: LabSnapshot; configured: boolean; width: number; height: number}) {
	const {snapshot, configured, width, height} = props;
	const theme = useTheme();
	const drill = snapshot.etcdDrill;
	const etcd = snapshot.etcd;
	const lines: Array<{text: string; dim?: boolean; bold?: boolean; level?: 'crit' | 'warn' | 'ok'}> = [];
	if (!configured) lines.push({text: 'etcd is not configured: add an etcd: section with members (labwatch check shows them).'});
	if (etcd) {
		lines.push({text: `${quorumText(snapshot)} (${quorumOf(etcd.total)} of ${etcd.total} needed)`, bold: true});
		for (const member of etcd.members) lines.push({text: `  ${member.name.padEnd(12)} ${memberWords(member)}`, level: member.up ? (member.isLeader ? 'ok' : undefined) : 'crit'});
	} else if (configured) lines.push({text: 'reading the members', dim: true});
	const plan = drill?.plan;
	if (plan) {
		lines.push({text: ''});
		lines.push({text: `stop ${plan.member} (${plan.role})${plan.effect ? ` → ${plan.effect}` : ''}`, bold: true, level: plan.effect?.includes('LOST') ? 'crit' : undefined});
		for (const command of plan.commands) lines.push({text: `  $ ${commandLine(command)}`, dim: true});
		if (plan.start) {
			lines.push({text: 'start (r, or the timer above after the TTL):'});
			lines.push({text: `  $ ${commandLine(plan.start)}`, dim: true});
		}
	} else if (drill?.error) lines.push({text: `cannot plan: ${drill.error}`, level: 'crit'});
	const room = Math.max(0, height - 2 - 4);
	const shown = lines.slice(0, lines.length > room ? Math.max(0, room - 1) : room);
	const ttlMs = drill?.ttlMs;
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={theme.border} borderColor={levelColour(theme, 'crit')} paddingX={1} overflow="hidden">
			<Text bold wrap="truncate-end">
				etcd drill: stop the {drill && drill.stopped.length > 0 ? 'next' : 'current'} leader at its point
			</Text>
			<Text wrap="truncate-end">
				{ttlMs ? `starts again by itself ${formatAge(ttlMs)} after the first stop` : 'every stopped member starts again by itself after the TTL'} (a timer on its point), even if labwatch dies
			</Text>
			{shown.map((line, index) => (
				<Text key={index} wrap="truncate-end" dimColor={line.dim} bold={line.bold} color={line.level ? levelColour(theme, line.level) : undefined}>
					{line.text || ' '}
				</Text>
			))}
			{lines.length > shown.length ? <Text dimColor>{`${lines.length - shown.length} more lines`}</Text> : null}
			<Box flexGrow={1} />
			<Text wrap="truncate-end">
				{configured && plan ? (
					<>
						<Text bold color={levelColour(theme, 'crit')}>
							y
						</Text>{' '}
						stop {plan.member} now{theme.glyphs.sep}
					</>
				) : null}
				<Text bold>Esc</Text> cancel
			</Text>
		</Box>
	);
}
