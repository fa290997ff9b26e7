// Every value that reaches a command is checked here first, so no config text can become an option or a shell word.
import type {Result} from './types.js';

const ipv4Pattern = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
// iptables chain names are at most 28 characters; ours always start with LABWATCH-.
const chainPattern = /^LABWATCH-[A-Z0-9-]{1,18}$/;
// A leading dash would read as an option to docker, ip or ssh.
const containerPattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const netnsPattern = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,63}$/;
const sshDestinationPattern = /^([a-zA-Z0-9_][a-zA-Z0-9._-]{0,31}@)?[a-zA-Z0-9][a-zA-Z0-9.-]{0,252}$/;
// Drill ids go into comments, file names and a grep pattern in the heal script: letters, digits, dashes only.
const drillIdPattern = /^[a-z0-9][a-z0-9-]{0,39}$/;

function check(pattern: RegExp, what: string, value: unknown): Result<string> {
	if (typeof value === 'string' && pattern.test(value)) return {ok: true, value};
	return {ok: false, error: `invalid ${what}: ${JSON.stringify(value)}`};
}

export const validIpv4 = (value: unknown): Result<string> => check(ipv4Pattern, 'IPv4 address', value);
export const validChain = (value: unknown): Result<string> =>
	check(chainPattern, 'chain name (expected LABWATCH-…, at most 28 characters)', value);
export const validContainer = (value: unknown): Result<string> => check(containerPattern, 'container name', value);
export const validNetns = (value: unknown): Result<string> => check(netnsPattern, 'network namespace name', value);
export const validSshDestination = (value: unknown): Result<string> =>
	check(sshDestinationPattern, 'ssh destination (expected user@host)', value);
export const validDrillId = (value: unknown): Result<string> => check(drillIdPattern, 'drill id', value);

// pf anchor paths: words of letters, digits, _ . - joined by "/", never starting with "-".
const anchorPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}(\/[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}){0,3}$/;
export const validAnchor = (value: unknown): Result<string> => check(anchorPattern, 'pf anchor (expected a name like com.apple/labwatch)', value);

export function validUrl(value: unknown): Result<string> {
	if (typeof value !== 'string') return {ok: false, error: `invalid URL: ${JSON.stringify(value)}`};
	try {
		const url = new URL(value);
		if (url.protocol === 'http:' || url.protocol === 'https:') return {ok: true, value: value.replace(/\/+$/, '')};
	} catch {
		// fall through to the error below
	}
	return {ok: false, error: `invalid URL: ${JSON.stringify(value)}`};
}

export function isIpv4(value: string): boolean {
	return ipv4Pattern.test(value);
}

/** "d20261124-203221-k3f9": sortable by time, unique enough for one user's drills. */
export function newDrillId(nowMs: number = Date.now()): string {
	const iso = new Date(nowMs).toISOString();
	const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
	return `d${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
