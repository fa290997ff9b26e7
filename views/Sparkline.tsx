// A row of block steps for a series, scaled against a ceiling (the host's limit), newest on the right.
import {Text} from 'ink';
import {useTheme} from './theme.js';

export function sparkline(values: number[], ceiling: number, width: number, steps: string[]): string {
	if (width <= 0 || values.length === 0) return '';
	const recent = values.slice(-width);
	const top = Math.max(ceiling, ...recent);
	if (!(top > 0)) return steps[0]!.repeat(recent.length);
	return recent
		.map(value => steps[Math.max(0, Math.min(steps.length - 1, Math.round((value / top) * (steps.length - 1))))]!)
		.join('');
}

export function Sparkline({values, ceiling, width, colour}: {values: number[]; ceiling: number; width: number; colour?: string}) {
	const theme = useTheme();
	const text = sparkline(values, ceiling, width, theme.glyphs.spark);
	return text ? <Text color={colour}>{text}</Text> : null;
}
