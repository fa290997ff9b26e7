// A row of block steps for a series, newest on the right. The bar beside it already shows the level
// against the limit; the sparkline shows the trend, so it spans the window's own low to high (at least
// 2 % of the ceiling, so noise does not look like a cliff).
import {Text} from 'ink';
import {useTheme} from './theme.js';

export function sparkline(values: number[], ceiling: number, width: number, steps: string[]): string {
	if (width <= 0 || values.length === 0) return '';
	const recent = values.slice(-width);
	const low = Math.min(...recent);
	const high = Math.max(...recent);
	const span = Math.max(high - low, ceiling * 0.02);
	if (!(span > 0)) return steps[0]!.repeat(recent.length);
	const base = high - low >= ceiling * 0.02 ? low : (low + high) / 2 - span / 2;
	return recent
		.map(value => steps[Math.max(0, Math.min(steps.length - 1, Math.round(((value - base) / span) * (steps.length - 1))))]!)
		.join('');
}

export function Sparkline({values, ceiling, width, colour}: {values: number[]; ceiling: number; width: number; colour?: string}) {
	const theme = useTheme();
	const text = sparkline(values, ceiling, width, theme.glyphs.spark);
	return text ? <Text color={colour}>{text}</Text> : null;
}
