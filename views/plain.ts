// --ascii: the dig views' own separators and marks in plain ASCII (the theme's glyphs cover the rest).
import type {Theme} from './theme.js';

// Escaped (· → … ↑ ↓): esbuild keeps regex literals as written, and one non-ASCII character makes V8 hold the
// whole chunk's source as a two-byte string.
const swaps: Array<[RegExp, string]> = [
	[/\u00b7/g, '|'],
	[/\u2192/g, '->'],
	[/\u2026/g, '~'],
	[/\u2191\/\u2193/g, 'Up/Down'],
	[/\u2191/g, 'Up'],
	[/\u2193/g, 'Down'],
];

export function plain(theme: Theme, text: string): string {
	if (!theme.ascii) return text;
	let out = text;
	for (const [pattern, replacement] of swaps) out = out.replace(pattern, replacement);
	return out;
}
