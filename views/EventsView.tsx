// `e`: events of every cluster, merged, newest first (with a `/` filter: Warnings first), with the
// cluster each came from. A cluster that cannot be read now keeps its last events, and the title says so.
import {Box, Text} from 'ink';
import {plain} from './plain.js';
import type {EventsData} from '../source/store/dig-store.js';
import type {EventInfo} from '../source/kube/events.js';
import {formatAge} from '../source/config/duration.js';
import {cell, cellRight, clip} from './format.js';
import {levelColour, useTheme} from './theme.js';

export interface EventsViewProps {
	events?: EventsData;
	rows: EventInfo[];
	selected: number;
	search: string;
	width: number;
	height: number;
	nowMs: number;
}

export function EventsView({events, rows, selected, search, width, height, nowMs}: EventsViewProps) {
	const theme = useTheme();
	const failing = Object.entries(events?.errors ?? {});
	const listRows = Math.max(1, height - 2 - failing.length);
	const start = Math.max(0, Math.min(selected - Math.floor(listRows / 2), rows.length - listRows));
	const shown = rows.slice(start, start + listRows);
	const objectWidth = Math.max(16, Math.min(44, Math.floor(width * 0.34)));
	const header = `${cell('CLUSTER', 8)}${cell('AGE', 6)}${cell('TYPE', 8)}${cell('REASON', 17)}${cell('OBJECT', objectWidth)}${cellRight('COUNT', 5)}  MESSAGE`;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate-end">
				<Text bold inverse>{plain(theme, ` events · every cluster${search ? ` · /${search} (Warnings first)` : ''} `)}</Text>
				<Text dimColor>{plain(theme, ` ${rows.length}${events?.state === 'loading' ? ' loading…' : ''}`)}</Text>
			</Text>
			{failing.map(([cluster, error]) => (
				<Text key={cluster} color={levelColour(theme, 'crit')} wrap="truncate-end">
					{`${cluster}: ${error} (its events shown are from before)`}
				</Text>
			))}
			<Text bold wrap="truncate-end">
				{clip(header, width)}
			</Text>
			{shown.length === 0 ? <Text dimColor>{events?.state === 'loading' ? plain(theme, 'asking every cluster…') : search ? `no event matches "${search}"` : 'no events'}</Text> : null}
			{shown.map((event, index) => {
				const at = start + index;
				const object = `${event.kind.toLowerCase()}/${event.namespace ? `${event.namespace}/` : ''}${event.name}`;
				const line = `${cell(event.cluster, 8)}${cell(formatAge(nowMs - event.lastMs), 6)}${cell(event.type, 8)}${cell(event.reason, 17)}${cell(object, objectWidth)}${cellRight(String(event.count), 5)}  ${event.message}`;
				return (
					<Text key={`${event.cluster}/${event.namespace}/${event.name}/${event.reason}/${at}`} inverse={at === selected} color={event.type === 'Warning' ? levelColour(theme, 'warn') : undefined} wrap="truncate-end">
						{clip(plain(theme, line), width, theme.glyphs.ellipsis)}
					</Text>
				);
			})}
		</Box>
	);
}
