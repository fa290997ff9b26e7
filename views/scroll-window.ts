// The part of a long list an overlay shows: `room` lines from the scroll offset (clamped so the last page
// is full), and the words of its footer line.

export interface ScrollWindow<T> {
	offset: number;
	shown: T[];
	/** "3 above, 5 more · j/k scroll · Esc closes this list" (only the close hint when it all fits). */
	footer: string;
}

export function scrollWindow<T>(lines: T[], scroll: number, room: number): ScrollWindow<T> {
	const offset = Math.min(scroll, Math.max(0, lines.length - room));
	const shown = lines.slice(offset, offset + room);
	const below = lines.length - offset - shown.length;
	const where = below > 0 || offset > 0 ? `${offset > 0 ? `${offset} above, ` : ''}${below} more · j/k scroll · ` : '';
	return {offset, shown, footer: `${where}Esc closes this list`};
}
