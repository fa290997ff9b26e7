// macOS's packet filter as an enforcement point (via: pf on this Mac, via: ssh with os: darwin on another).
// Rules live only in labwatch's own anchor (pf.conf on macOS already evaluates com.apple/*), are loaded from
// standard input (never a shell string), and a heal flushes that anchor alone. pf is enabled with a reference
// (`pfctl -E` answers "Token : N") that the heal releases (`pfctl -X N`), so a pf someone else enabled stays on.

export const defaultAnchor = 'com.apple/labwatch';

/** `block drop quick` both ways per peer, each rule labelled with the drill: one line each, as pf.conf(5) reads them. */
export function pfRules(peers: string[], drillId: string): string {
	const label = `label "labwatch:${drillId}"`;
	return peers.map(peer => `block drop quick inet from ${peer} to any ${label}\nblock drop quick inet from any to ${peer} ${label}\n`).join('');
}

export const pfListArgs = (anchor: string): string[] => ['-a', anchor, '-s', 'rules'];
export const pfLoadArgs = (anchor: string): string[] => ['-a', anchor, '-f', '-'];
export const pfFlushArgs = (anchor: string): string[] => ['-a', anchor, '-F', 'rules'];
export const pfEnableArgs = (): string[] => ['-E'];
export const pfReleaseArgs = (token: string): string[] => ['-X', token];

/** The cut as shown in plans (the enable runs inside the timer's own command, before it). */
export function pfCutArgs(anchor: string): string[][] {
	return [pfLoadArgs(anchor), pfListArgs(anchor)];
}

export function pfHealArgs(anchor: string): string[][] {
	return [pfFlushArgs(anchor), ['-X', '<token>'], pfListArgs(anchor)];
}

/**
 * sh -c PF_ARM_SCRIPT sh SECONDS ANCHOR DRILL_ID PFCTL...: the first change at a pf point is the timer's own.
 * It enables pf with a reference, starts the dead-man heal in the background (immune to hang-ups and Ctrl-C),
 * and prints the token, the timer's pid and its start time, one per line. The heal, after SECONDS, flushes the
 * anchor only if it still carries this drill, and always releases this drill's own reference.
 */
export const pfArmScript = [
	'secs=$1; anchor=$2; id=$3; shift 3',
	'token=$("$@" -E 2>&1 | sed -n "s/^Token : //p")',
	'[ -n "$token" ] || { echo "pfctl -E gave no token" >&2; exit 1; }',
	'(',
	'  trap "" HUP INT',
	'  sleep "$secs"',
	'  if "$@" -a "$anchor" -s rules 2>/dev/null | grep -q -F -- "labwatch:$id\\""; then "$@" -a "$anchor" -F rules; fi',
	'  "$@" -X "$token"',
	') </dev/null >/dev/null 2>&1 &',
	'echo "$token"; echo $!; echo $(ps -o lstart= -p $!)',
].join('\n');

/** Lines of `pfctl -a ANCHOR -s rules`, blank lines dropped. */
export function pfRuleLines(listing: string): string[] {
	return listing
		.split('\n')
		.map(line => line.trim())
		.filter(line => line !== '');
}

export function pfDrillIds(lines: string[]): string[] {
	return [...new Set(lines.flatMap(line => [...line.matchAll(/label "labwatch:([a-z0-9-]+)"/g)].map(match => match[1]!)))];
}

/** What is missing from a listing for this drill's cut: empty means in place exactly as planned. */
export function verifyPfCut(lines: string[], peers: string[], drillId: string): string[] {
	const problems: string[] = [];
	const tag = `label "labwatch:${drillId}"`;
	for (const peer of peers) {
		const has = (from: string, to: string): boolean =>
			lines.some(line => line.startsWith('block drop') && line.includes(`from ${from} to ${to}`) && line.includes(tag));
		if (!has(peer, 'any')) problems.push(`no block from ${peer} tagged labwatch:${drillId}`);
		if (!has('any', peer)) problems.push(`no block to ${peer} tagged labwatch:${drillId}`);
	}
	if (lines.length !== peers.length * 2) problems.push(`the anchor holds ${lines.length} rules, expected ${peers.length * 2}`);
	return problems;
}

/** "1 2 3" → {token, pid, startTime}, as printed by PF_ARM_SCRIPT. */
export function parseArmOutput(stdout: string): {token?: string; pid?: number; startTime?: string} {
	const [token, pid, startTime] = stdout.trim().split('\n').map(line => line.trim());
	const number = Number.parseInt(pid ?? '', 10);
	return {token: token && /^\d+$/.test(token) ? token : undefined, pid: Number.isFinite(number) ? number : undefined, startTime: startTime || undefined};
}
