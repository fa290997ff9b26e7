// The failover view: who answered a probe's last `window` results, and the same in one line
// ("api: m2 80% · m1 20%"). Failed runs count in the window (traffic that found no gateway), so a share
// of 100 % means every result in the window was answered by that gateway.
import type {ProbeMarkerConfig} from '../config/probe-options.js';
import type {FailoverShares, ProbeResult} from './types.js';

/** The primary and fallback: as configured, else the first and last names under values. */
export function failoverRoles(marker: ProbeMarkerConfig): {primary?: string; fallback?: string} {
	const names = Object.keys(marker.values ?? {});
	const primary = marker.primary ?? names[0];
	const fallback = marker.fallback ?? (names.length > 1 ? names.at(-1) : undefined);
	return {...(primary !== undefined ? {primary} : {}), ...(fallback !== undefined && fallback !== primary ? {fallback} : {})};
}

export function failoverShares(marker: ProbeMarkerConfig, results: ProbeResult[]): FailoverShares {
	const windowed = results.slice(-marker.window);
	const counts = new Map<string, number>();
	// Configured gateways are listed even at 0 %: "m2 0% · m1 100%" says more than "m1 100%".
	for (const name of Object.keys(marker.values ?? {})) counts.set(name, 0);
	let failed = 0;
	let unmarked = 0;
	for (const result of windowed) {
		if (!result.ok) failed++;
		else if (result.gateway === undefined) unmarked++;
		else counts.set(result.gateway, (counts.get(result.gateway) ?? 0) + 1);
	}
	const configured = Object.keys(marker.values ?? {});
	const total = windowed.length;
	const gateways = [...counts.entries()]
		.map(([gateway, count]) => ({gateway, count, share: total > 0 ? count / total : 0}))
		.sort((a, b) => rank(configured, a.gateway) - rank(configured, b.gateway) || b.count - a.count || a.gateway.localeCompare(b.gateway));
	return {
		results: total,
		window: marker.window,
		gateways,
		failed,
		unmarked,
		...failoverRoles(marker),
		...(total > 0 ? {sinceMs: windowed[0]!.atMs, untilMs: windowed.at(-1)!.atMs} : {}),
	};
}

function rank(configured: string[], gateway: string): number {
	const at = configured.indexOf(gateway);
	return at < 0 ? configured.length : at;
}

/** A gateway's share of the window, 0–1 (0 when it answered nothing). */
export function shareOf(shares: FailoverShares, gateway: string): number {
	return shares.gateways.find(entry => entry.gateway === gateway)?.share ?? 0;
}

/** The window wholly answered by one gateway: every result in a full window. */
export function allOn(shares: FailoverShares, gateway: string): boolean {
	return shares.results >= shares.window && shareOf(shares, gateway) === 1;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** "m2 80% · m1 20%", then "failed 10%" and "unmarked 10%" when there are any; at most `most` gateways named. */
export function sharesWords(shares: FailoverShares, options: {sep?: string; most?: number} = {}): string {
	const sep = options.sep ?? ' · ';
	if (shares.results === 0) return 'no answers yet';
	const most = options.most ?? 4;
	const named = shares.gateways.slice(0, most).map(entry => `${entry.gateway} ${percent(entry.share)}`);
	const rest = shares.gateways.slice(most).reduce((sum, entry) => sum + entry.count, 0);
	if (rest > 0) named.push(`others ${percent(rest / shares.results)}`);
	if (shares.failed > 0) named.push(`failed ${percent(shares.failed / shares.results)}`);
	if (shares.unmarked > 0) named.push(`unmarked ${percent(shares.unmarked / shares.results)}`);
	const partial = shares.results < shares.window ? ` (${shares.results} of ${shares.window})` : '';
	return `${named.join(sep)}${partial}`;
}
