// Wall-clock times in the user's local zone, "20:14:03": what a person compares with their watch.
export function clockTime(ms: number): string {
	const date = new Date(ms);
	return [date.getHours(), date.getMinutes(), date.getSeconds()].map(part => String(part).padStart(2, '0')).join(':');
}
