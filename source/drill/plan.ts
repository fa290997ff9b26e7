// From config to enforcement points and the exact commands at each: pure, so the dry run and the TUI dialog
// show exactly what a cut will run.
import type {Config, DrillPointConfig} from '../config/schema.js';
import type {EnforcementPoint, Result} from './types.js';
import {validAnchor, validChain, validContainer, validIpv4, validNetns, validSshDestination, validUrl} from './validate.js';
import {defaultAnchor, pfCutArgs, pfHealArgs, pfRules} from './pf.js';
import {cutPlan, healPlan} from './rules.js';
import {programArgv} from './argv.js';

function describe(point: Omit<EnforcementPoint, 'label'>): string {
	switch (point.via) {
		case 'ssh':
			return `${point.host} (ssh ${point.destination}${point.firewall === 'pf' ? ', pf' : ''})`;
		case 'pf':
			return `${point.host} (pf ${point.anchor})`;
		case 'docker':
			return `${point.host} (docker ${point.container})`;
		case 'netns':
			return `${point.host} (netns ${point.netns})`;
		case 'sim':
			return `${point.host} (sim)`;
		default:
			return `${point.host} (${point.via})`;
	}
}

function resolvePoint(config: Config, raw: DrillPointConfig): Result<EnforcementPoint> {
	const own = config.hosts[raw.host]?.address;
	// Default peers: every other host's address, as the homelab notes cut m2 from m1.
	const peers =
		raw.peers ??
		Object.entries(config.hosts)
			.filter(([name, host]) => name !== raw.host && host.address !== own)
			.map(([, host]) => host.address);
	if (peers.length === 0) return {ok: false, error: `drill point ${raw.host}: no peer addresses to drop`};
	for (const peer of peers) {
		const valid = validIpv4(peer);
		if (!valid.ok) return {ok: false, error: `drill point ${raw.host}: ${valid.error}`};
	}
	const point: Omit<EnforcementPoint, 'label'> = {host: raw.host, via: raw.via, peers: [...new Set(peers)]};
	const need = (what: string, value: string | undefined, check: (value: unknown) => Result<string>): string | undefined => {
		if (value === undefined) return `drill point ${raw.host}: via ${raw.via} needs ${what}`;
		const valid = check(value);
		return valid.ok ? undefined : `drill point ${raw.host}: ${valid.error}`;
	};
	let problem: string | undefined;
	if (raw.via === 'ssh') problem = need('destination', raw.destination, validSshDestination);
	if (raw.via === 'docker') problem = need('container', raw.container, validContainer);
	if (raw.via === 'netns') problem = need('netns', raw.netns, validNetns);
	if (raw.via === 'sim') {
		problem = need('url', raw.url, validUrl);
		if (!problem) point.url = validUrl(raw.url).ok ? raw.url!.replace(/\/+$/, '') : undefined;
	}
	if (problem) return {ok: false, error: problem};
	if (raw.via === 'ssh') point.destination = raw.destination;
	if (raw.via === 'docker') point.container = raw.container;
	if (raw.via === 'netns') point.netns = raw.netns;
	if (raw.via === 'pf' || (raw.via === 'ssh' && raw.os === 'darwin')) {
		const anchor = validAnchor(raw.anchor ?? defaultAnchor);
		if (!anchor.ok) return {ok: false, error: `drill point ${raw.host}: ${anchor.error}`};
		point.anchor = anchor.value;
		point.firewall = 'pf';
	}
	return {ok: true, value: {...point, label: describe(point)}};
}

/** The enforcement points of the config; default: the first cluster's host, local, dropping every other host. */
export function resolvePoints(config: Config): Result<EnforcementPoint[]> {
	const chain = validChain(config.drill.chain);
	if (!chain.ok) return chain;
	let raws = config.drill.points;
	if (!raws || raws.length === 0) {
		const first = Object.values(config.clusters)[0];
		if (!first) return {ok: false, error: 'no cluster configured to cut from'};
		raws = [{host: first.host, via: 'local'}];
	}
	const points: EnforcementPoint[] = [];
	for (const raw of raws) {
		const point = resolvePoint(config, raw);
		if (!point.ok) return point;
		if (points.some(other => other.label === point.value.label))
			return {ok: false, error: `drill point ${point.value.label} is listed twice`};
		points.push(point.value);
	}
	return {ok: true, value: points};
}

/** A container or router forwards traffic for others, so its FORWARD chain jumps too. */
export function pointRoutes(point: EnforcementPoint): boolean {
	return point.via === 'docker';
}

export interface PointPlan {
	point: EnforcementPoint;
	/** Full argv per command as it will run here (ssh and docker included). */
	cut: string[][];
	heal: string[][];
	/** Shown instead of commands for sim points. */
	note?: string;
	/** pf: the rules given to `pfctl -f -` on its standard input. */
	input?: string;
}

export function planPoint(point: EnforcementPoint, chain: string, drillId: string, ttlMs: number): PointPlan {
	if (point.via === 'sim') {
		const body = JSON.stringify({drillId, host: point.host, peers: point.peers, ttlMs});
		return {
			point,
			cut: [['POST', `${point.url}/_sim/partition`, body]],
			heal: [['POST', `${point.url}/_sim/heal`, JSON.stringify({drillId})]],
			note: 'the simulator has no timer of its own: this labwatch process heals it when the TTL runs out',
		};
	}
	if (point.firewall === 'pf') {
		return {
			point,
			cut: pfCutArgs(point.anchor!).map(args => programArgv(point, args)),
			heal: pfHealArgs(point.anchor!).map(args => programArgv(point, args)),
			input: pfRules(point.peers, drillId),
		};
	}
	return {
		point,
		cut: cutPlan(chain, point.peers, drillId, pointRoutes(point)).map(args => programArgv(point, args)),
		heal: healPlan(chain).map(args => programArgv(point, args)),
	};
}

export function planDrill(points: EnforcementPoint[], chain: string, drillId: string, ttlMs: number): PointPlan[] {
	return orderForCut(points).map(point => planPoint(point, chain, drillId, ttlMs));
}

/**
 * Cut order: points reached over the network first (ssh, docker, sim), then this machine's own (local, sudo,
 * netns), so a local cut never severs the path to a remote point that is still to be cut. Heal runs the reverse.
 */
export function orderForCut(points: EnforcementPoint[]): EnforcementPoint[] {
	const remote = (point: EnforcementPoint): number => (point.via === 'ssh' || point.via === 'docker' || point.via === 'sim' ? 0 : 1);
	return [...points].sort((a, b) => remote(a) - remote(b));
}

/** Commands as one copy-pasteable line each (for printing; never run through a shell). */
export function formatCommand(argv: string[]): string {
	return argv.map(word => (/^[A-Za-z0-9_./:@=,+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}
