// Where everything goes for a pane size: pure arithmetic, so the "frame shorter than the pane" rule and
// the side-by-side/stacked switch are tested without rendering.
import type {LabSnapshot} from '../source/store/types.js';
import {budgetRows} from './BudgetPanel.js';
import {drillBannerVisible} from './DrillPanel.js';
import {etcdBannerVisible} from './EtcdPanel.js';

/** Below this width two clusters no longer fit side by side. */
export const sideBySideMinColumns = 100;

export interface PanelBox {
	index: number;
	width: number;
	height: number;
}

export interface Layout {
	width: number;
	/** The whole frame: one row shorter than the pane (Ink 6.8 repaints everything, with flicker, otherwise). */
	height: number;
	bodyHeight: number;
	budgetRows: number;
	banner: boolean;
	direction: 'row' | 'column';
	panels: PanelBox[];
}

/** overlayRows: rows of the body taken by a dialog above the panels (the roll-back question). */
export function layoutFor(snapshot: LabSnapshot, shown: number[], size: {columns: number; rows: number}, overlayRows = 0): Layout {
	const width = Math.max(20, size.columns);
	const height = Math.max(4, size.rows - 1);
	const banner = drillBannerVisible(snapshot) || etcdBannerVisible(snapshot);
	// Header, feed and footer take a row each; the budget panel gives way first on a tiny pane.
	const fixed = 3 + (banner ? 1 : 0);
	const budget = Math.min(budgetRows(snapshot.hosts), Math.max(0, height - fixed - 6));
	const bodyHeight = Math.max(1, height - fixed - budget);
	const panelsHeight = Math.max(1, bodyHeight - overlayRows);
	const count = Math.max(1, shown.length);
	const side = count > 1 && width >= sideBySideMinColumns;
	const panels = shown.map((index, position) => {
		if (side) {
			const base = Math.floor(width / count);
			return {index, width: position === count - 1 ? width - base * (count - 1) : base, height: panelsHeight};
		}
		const base = Math.floor(panelsHeight / count);
		// The remainder goes to the first panel (m1, the core cluster, usually has more to show).
		return {index, width, height: position === 0 ? panelsHeight - base * (count - 1) : base};
	});
	return {width, height, bodyHeight, budgetRows: budget, banner, direction: side ? 'row' : 'column', panels};
}
