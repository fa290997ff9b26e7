// One row above the pod lists while they are sorted or scoped other than by default, so the order on
// screen is never a mystery.
import {Text} from 'ink';
import {sortWords, type SortKey} from '../source/store/pod-sort.js';
import {levelColour, useTheme} from './theme.js';
import {plain} from './plain.js';

export function scopeLineRows(scope: {sort: SortKey; namespace?: string}): number {
	return scope.sort !== 'status' || scope.namespace ? 1 : 0;
}

export function ScopeLine({sort, namespace, width}: {sort: SortKey; namespace?: string; width: number}) {
	const theme = useTheme();
	const parts = [namespace ? `namespace ${namespace} (:ns alone shows all)` : '', sort !== 'status' ? `sorted by ${sortWords[sort]} (s for the next)` : ''].filter(Boolean);
	return (
		<Text color={levelColour(theme, 'unknown')} wrap="truncate-end">
			{plain(theme, parts.join(' · ')).slice(0, width)}
		</Text>
	);
}
