// The dig store's snapshot for a view (the store coalesces its notifications already).
import {useSyncExternalStore} from 'react';
import type {DigSnapshot, DigSource} from '../../source/store/dig-store.js';

const empty: DigSnapshot = {version: 0};
export const emptyDigSource: DigSource = {subscribe: () => () => {}, snapshot: () => empty};

export function useDigSnapshot(source: DigSource): DigSnapshot {
	return useSyncExternalStore(source.subscribe.bind(source), () => source.snapshot());
}
