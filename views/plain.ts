// --ascii: the dig views' own separators and marks in plain ASCII (the theme's glyphs cover the rest).
import type {Theme} from './theme.js';

const swaps: Array<[RegExp, string]> = [
	[/·/g, '|'],
	[/→/g, '->'],
	[/…/g, '~'],
	[/↑\/↓/g, 'Up/Down'],
	[/↑/g, 'Up'],
	[/↓/g, 'Down'],
];

export function plain(theme: Theme, text: string): string {
	if (!theme.ascii) return text;
	let out = text;
	for (const [pattern, replacement] of swaps) out = out.replace(pattern, replacement);
	return out;
}
