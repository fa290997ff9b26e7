// The whole screen. Reads snapshots (through useSnapshot) and UI state (one reducer); sends intents
// (through the one key router). Header, cluster panels or an overlay, budgets, drill banner, event feed,
// footer: a frame always one row shorter than the pane.
import {useMemo, useReducer, useRef} from 'react';
import {Box} from 'ink';
import type {ClusterSnapshot} from '../source/store/types.js';
import type {Intents} from './intents.js';
import {useSnapshot, type RefreshOptions, type SameScreen, type SnapshotSource} from './hooks/use-snapshot.js';
import {podsOnScreen} from './pods-on-screen.js';
import {useWindowSize, type WindowSize} from './hooks/use-window-size.js';
import {initialUiState, uiReducer} from './ui-state.js';
import {shownClusters, useKeyRouter} from './key-router.js';
import {makeTheme, ThemeContext} from './theme.js';
import {layoutFor} from './layout.js';
import {Header} from './Header.js';
import {ClusterPanel, podRowsIn} from './ClusterPanel.js';
import {BudgetPanel} from './BudgetPanel.js';
import {BreakdownOverlay} from './BreakdownOverlay.js';
import {DrillBanner, DrillDialog, RollbackDialog, rollbackDialogRows} from './DrillPanel.js';
import {EventFeed} from './EventFeed.js';
import {HelpOverlay} from './HelpOverlay.js';
import {PhasesOverlay} from './PhasesOverlay.js';
import {ProbesOverlay} from './ProbesOverlay.js';
import {Footer} from './Footer.js';
import {digReducer, initialDigState, topFrame} from './dig-state.js';
import {listedPods} from './dig-rows.js';
import {emptyDigSource, useDigSnapshot} from './hooks/use-dig-snapshot.js';
import type {DigRouterContext} from './dig-router.js';
import {DigScreen} from './DigScreen.js';
import {DigFooter} from './DigFooter.js';
import {digFooterKeys} from './dig-keys.js';
import {CommandLine, commandLineRows} from './CommandLine.js';
import {ConfirmDialog, confirmRows} from './ConfirmDialog.js';
import {ScopeLine, scopeLineRows} from './ScopeLine.js';
import {textPaneRows} from './TextPane.js';

export interface AppProps {
	source: SnapshotSource;
	/** "demo", the config file's path, or "defaults". */
	configLabel: string;
	intents: Intents;
	readOnly?: boolean;
	ascii?: boolean;
	/** False under NO_COLOR. */
	colour?: boolean;
	/** Fixed pane size (tests); otherwise the terminal's, following resizes. */
	size?: WindowSize;
	refresh?: RefreshOptions;
}

export function App({ascii = false, colour = true, ...rest}: AppProps) {
	const theme = useMemo(() => makeTheme({ascii, colour}), [ascii, colour]);
	return (
		<ThemeContext.Provider value={theme}>
			<Screen {...rest} />
		</ThemeContext.Provider>
	);
}

function Screen({source, configLabel, intents, readOnly = false, size: fixedSize, refresh}: Omit<AppProps, 'ascii' | 'colour'>) {
	const sameScreen = useRef<SameScreen>(undefined);
	const snapshot = useSnapshot(source, refresh, sameScreen);
	const size = useWindowSize(fixedSize);
	const [state, dispatch] = useReducer(uiReducer, intents.drill?.defaultTtlMs, initialUiState);
	// Dig views (describe, logs, events, nodes, YAML, the command line): their own state and store.
	const digSnapshot = useDigSnapshot(intents.dig?.source ?? emptyDigSource);
	const [digState, digDispatch] = useReducer(digReducer, initialDigState);
	const dig: DigRouterContext = {state: digState, dispatch: digDispatch, snapshot: digSnapshot, pageRows: 1, pageWidth: 80};
	useKeyRouter({state, dispatch, snapshot, intents, readOnly, dig});
	const digFrame = topFrame(digState);

	const shown = shownClusters(state, snapshot);
	const focus = shown.includes(state.focus) ? state.focus : shown[0];
	const digOverlay = digState.confirm ? confirmRows : digState.command !== undefined ? commandLineRows(digState.command, 10) : digFrame ? 0 : scopeLineRows(digState);
	const layout = layoutFor(snapshot, shown, size, (state.mode === 'rollback' ? rollbackDialogRows : 0) + digOverlay);
	dig.pageRows = textPaneRows(layout.bodyHeight - digOverlay);
	dig.pageWidth = layout.width;
	const {filter} = state;
	// What the pod lists show, for the frame pacer: a change to a pod nobody sees draws no frame. Only the
	// main view lists pods; overlays redraw on every change as before.
	const {sort, namespace} = digState;
	const listing = (cluster: ClusterSnapshot) => listedPods(cluster, filter, {sort, namespace});
	const listPanels =
		!digFrame && !digState.confirm && digState.command === undefined && (state.mode === 'normal' || state.mode === 'filter' || state.mode === 'rollback')
			? layout.panels
			: undefined;
	sameScreen.current = listPanels
		? (drawn, next) => podsOnScreen(drawn, listPanels, state, listing, podRowsIn) === podsOnScreen(next, listPanels, state, listing, podRowsIn)
		: undefined;
	// Filtering a few hundred pods is cheap, but only redo it when the data or the filter changed.
	const pods = useMemo(() => snapshot.clusters.map(cluster => listedPods(cluster, filter, {sort, namespace})), [snapshot.clusters, filter, sort, namespace]);
	const hosts = snapshot.hosts ?? [];
	const breakdownHost = hosts[Math.min(state.breakdownHost, hosts.length - 1)];

	let body;
	if (state.mode === 'help') {
		body = <HelpOverlay width={layout.width} height={layout.bodyHeight} readOnly={readOnly} verdict={snapshot.verdict} scroll={state.helpScroll} probes={snapshot.probes} />;
	} else if (state.mode === 'phases') {
		body = <PhasesOverlay width={layout.width} height={layout.bodyHeight} phases={snapshot.phases} scroll={state.helpScroll} />;
	} else if (state.mode === 'probes') {
		body = <ProbesOverlay width={layout.width} height={layout.bodyHeight} probes={snapshot.probes} scroll={state.helpScroll} />;
	} else if (state.mode === 'breakdown' && breakdownHost) {
		body = <BreakdownOverlay host={breakdownHost} index={state.breakdownHost} count={hosts.length} width={layout.width} height={layout.bodyHeight} />;
	} else if (state.mode === 'drill') {
		body = <DrillDialog snapshot={snapshot} ttlMs={state.ttlMs} configured={Boolean(intents.drill)} width={layout.width} height={layout.bodyHeight} />;
	} else {
		const digTop = digState.confirm ? (
			<ConfirmDialog confirm={digState.confirm} width={layout.width} />
		) : digState.command !== undefined ? (
			<CommandLine text={digState.command} width={layout.width} rows={digOverlay} />
		) : digOverlay > 0 ? (
			<ScopeLine sort={sort} namespace={namespace} width={layout.width} />
		) : null;
		body = digFrame ? (
			<Box flexDirection="column" height={layout.bodyHeight} overflow="hidden">
				{digTop}
				<DigScreen frame={digFrame} state={digState} dig={digSnapshot} snapshot={snapshot} width={layout.width} height={layout.bodyHeight - digOverlay} />
			</Box>
		) : (
			<Box flexDirection="column" height={layout.bodyHeight} overflow="hidden">
				{state.mode === 'rollback' ? <RollbackDialog snapshot={snapshot} width={layout.width} /> : null}
				{digTop}
				<Box flexDirection={layout.direction}>
					{layout.panels.map(panel => {
						const cluster = snapshot.clusters[panel.index]!;
						return (
							<ClusterPanel
								key={cluster.name}
								cluster={cluster}
								pods={pods[panel.index] ?? []}
								width={panel.width}
								height={panel.height}
								focused={panel.index === focus}
								selected={state.selected[cluster.name] ?? 0}
								filter={filter}
								nowMs={snapshot.atMs}
							/>
						);
					})}
				</Box>
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={layout.width} height={layout.height} overflow="hidden">
			<Header snapshot={snapshot} configLabel={configLabel} width={layout.width} />
			{body}
			{layout.budgetRows > 0 ? <BudgetPanel hosts={snapshot.hosts} prometheus={snapshot.prometheus} width={layout.width} rows={layout.budgetRows} /> : null}
			{layout.banner ? <DrillBanner snapshot={snapshot} width={layout.width} readOnly={readOnly} /> : null}
			<EventFeed events={snapshot.events} width={layout.width} />
			{digFrame && state.mode === 'normal' ? (
				<DigFooter
					keys={digFooterKeys(digFrame.view, {readOnly, nodePods: Boolean(digFrame.nodePods), podTarget: digFrame.target?.kind === 'pod'})}
					notice={state.notice}
					searchInput={digState.searchInput}
					width={layout.width}
				/>
			) : (
				<Footer mode={state.mode} filter={filter} notice={state.notice} readOnly={readOnly} cutLive={Boolean(snapshot.partition?.active || snapshot.partition?.leftover)} width={layout.width} />
			)}
		</Box>
	);
}
