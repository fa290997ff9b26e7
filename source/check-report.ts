// `check`'s two outputs, text and JSON, drawn from the same snapshot and verdicts as the TUI.
import type {LabSnapshot, Level} from './store/types.js';
import {clockTime} from './store/clock-time.js';
import {formatRtt} from './submariner/go-duration.js';
import {formatBytes} from './config/size.js';
import {terminalSafe} from './text/terminal-safe.js';
import {formatMs, type PhaseCriterion} from './phases/checklist.js';
import {failoverWords, probeWords} from './probes/words.js';
import {connectionVerdict, probeLevel} from './store/verdicts.js';
import {etcdJson, etcdLines} from './etcd/report-lines.js';
import {discoveryJson, discoveryLines} from './check-discovery.js';

/** The Nagios plugin convention. */
export const exitCodes: Record<Level, number> = {ok: 0, warn: 1, crit: 2, unknown: 3};
export const statusWords: Record<Level, string> = {ok: 'OK', warn: 'WARNING', crit: 'CRITICAL', unknown: 'UNKNOWN'};

export function checkText(snapshot: LabSnapshot, phases: PhaseCriterion[] = []): string {
	const lines: string[] = [];
	const {verdict} = snapshot;
	const live = snapshot.clusters.filter(cluster => cluster.connection.phase === 'live').length;
	const summary = verdict.reasons[0] ?? `${live}/${snapshot.clusters.length} clusters live`;
	lines.push(`LABWATCH ${statusWords[verdict.level]} - ${summary}`);
	for (const cluster of snapshot.clusters) {
		const {connection} = cluster;
		let state: string;
		if (connection.phase === 'live') {
			const {running, failing, pending, failed, succeeded, total} = cluster.podCounts;
			state = `live, nodes ${cluster.nodeCounts.ready}/${cluster.nodeCounts.total} Ready, pods ${running} running ${failing} failing ${pending} pending ${failed} failed ${succeeded} succeeded of ${total}`;
		} else {
			const since = connection.sinceUnknown ? '' : ` since ${clockTime(connection.sinceMs)}`;
			state = `${connection.phase}${since}${connection.reason ? `: ${connection.reason}` : ''}`;
		}
		lines.push(`${cluster.name} ${statusWords[cluster.verdict.level]} ${state}`);
		// The unreachable reason is already on the cluster's line.
		for (const reason of cluster.verdict.reasons.filter(reason => !reason.startsWith(`${cluster.name} unreachable`))) lines.push(`  ${reason}`);
	}
	for (const gateway of snapshot.gateways) {
		const cluster = snapshot.clusters.find(each => each.name === gateway.cluster);
		const connections = (cluster?.gateways ?? [])
			.filter(each => each.haStatus === 'active')
			.flatMap(each => each.connections)
			.map(connection => {
				const verdict = connectionVerdict(connection, cluster?.discovery?.submariner, snapshot.atMs);
				const rtt = connection.rttAverageMs !== undefined && connection.status === 'connected' && verdict.healthChecked ? ` ${formatRtt(connection.rttAverageMs)}` : '';
				return `→${connection.remoteCluster} ${verdict.words}${rtt}`;
			});
		const staleNote = gateway.stale ? ' (stale)' : '';
		lines.push(`gateway ${gateway.cluster} ${statusWords[gateway.verdict.level]}${staleNote} ${connections.join(', ') || 'no connections'}`);
		// The failure and messages behind a gateway's verdict, in full: the TUI's line has to cut them.
		for (const reason of gateway.stale ? [] : gateway.verdict.reasons) lines.push(`  ${reason}`);
	}
	lines.push(...discoveryLines(snapshot));
	for (const host of snapshot.hosts ?? []) {
		const used = host.actualBytes === undefined ? 'use unknown' : `${formatBytes(host.actualBytes)} used`;
		lines.push(`host ${host.host} ${statusWords[host.verdict.level]} ${used} of ${formatBytes(host.limitBytes - host.reservedBytes)} usable (${host.actualSource})`);
		for (const reason of host.verdict.reasons) lines.push(`  ${reason}`);
	}
	if (snapshot.prometheus && snapshot.prometheus.state !== 'ok') {
		const {state, url, reason} = snapshot.prometheus;
		lines.push(`prometheus ${state}${url ? ` ${url}` : ''}${reason ? `: ${reason}` : ''}`);
	}
	if (snapshot.partition?.active) {
		const since = snapshot.partition.sinceMs ? ` since ${clockTime(snapshot.partition.sinceMs)}` : '';
		lines.push(`partition WARNING active${since} at ${snapshot.partition.points.join(', ')}`);
	} else if (snapshot.partition?.leftover) {
		lines.push(`partition WARNING leftover rules at ${snapshot.partition.points.join(', ')}: run labwatch heal`);
	}
	for (const probe of snapshot.probes ?? []) {
		lines.push(`probe ${probe.name} ${probeWords(probe)}${probe.from ? ` (from ${probe.from})` : ''}`);
		const failover = failoverWords(probe);
		if (failover) lines.push(`failover ${failover}`);
	}
	lines.push(...etcdLines(snapshot));
	for (const item of phases) lines.push(`phase ${item.phase} ${item.status} ${item.criterion}: ${item.evidence}`);
	// Names, reasons and messages come from servers: no escape sequence reaches the terminal or a log.
	return lines.map(terminalSafe).join('\n') + '\n';
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function checkJson(snapshot: LabSnapshot, phases: PhaseCriterion[] = []): Record<string, unknown> {
	return {
		status: statusWords[snapshot.verdict.level],
		exitCode: exitCodes[snapshot.verdict.level],
		checkedAt: iso(snapshot.atMs),
		reasons: snapshot.verdict.reasons,
		clusters: snapshot.clusters.map(cluster => ({
			name: cluster.name,
			context: cluster.context,
			host: cluster.host,
			status: statusWords[cluster.verdict.level],
			reachable: cluster.connection.phase === 'live' || cluster.connection.phase === 'reconnecting',
			connection: {
				phase: cluster.connection.phase,
				since: cluster.connection.sinceUnknown ? null : iso(cluster.connection.sinceMs),
				reason: cluster.connection.reason ?? null,
				lastLive: iso(cluster.connection.lastLiveMs),
			},
			// Each resource fails on its own: a forbidden one carries the server's words, the rest are live.
			resources: Object.fromEntries(
				Object.entries(cluster.resources ?? {}).map(([resource, state]) => [
					resource,
					{error: state.error ?? null, errorSince: iso(state.errorSinceMs), skippedObjects: state.skippedObjects},
				]),
			),
			nodes: cluster.nodeCounts,
			pods: cluster.podCounts,
			problems: cluster.pods
				.filter(pod => pod.problem)
				.slice(0, 50)
				.map(pod => ({namespace: pod.namespace, name: pod.name, problem: pod.problem, phase: pod.phase, restarts: pod.restarts, node: pod.node ?? null})),
			reasons: cluster.verdict.reasons,
		})),
		gateways: snapshot.gateways.map(gateway => {
			const cluster = snapshot.clusters.find(each => each.name === gateway.cluster);
			return {
				cluster: gateway.cluster,
				status: statusWords[gateway.verdict.level],
				stale: gateway.stale,
				reasons: gateway.verdict.reasons,
				gateways: (cluster?.gateways ?? []).map(each => ({
					name: each.name,
					haStatus: each.haStatus,
					statusFailure: each.statusFailure,
					updated: iso(each.updatedMs),
					connections: each.connections.map(connection => ({
						remoteCluster: connection.remoteCluster,
						status: connection.status,
						statusMessage: connection.statusMessage,
						rttAverageMs: connection.rttAverageMs ?? null,
						// false: Submariner does not ping it, so `connected` is the cable driver's word only.
						healthChecked: connectionVerdict(connection, cluster?.discovery?.submariner, snapshot.atMs).healthChecked,
					})),
				})),
			};
		}),
		...discoveryJson(snapshot),
		...(snapshot.hosts ? {hosts: snapshot.hosts.map(host => ({...host, status: statusWords[host.verdict.level]}))} : {}),
		...(snapshot.prometheus ? {prometheus: snapshot.prometheus} : {}),
		probes: (snapshot.probes ?? []).map(probe => ({
			name: probe.name,
			kind: probe.kind,
			target: probe.target,
			status: statusWords[probeLevel(probe)],
			ok: probe.last?.ok ?? null,
			latencyMs: probe.last?.latencyMs ?? null,
			error: probe.last?.error ?? null,
			httpStatus: probe.last?.status ?? null,
			samples: probe.samples,
			successRate: probe.successRate ?? null,
			p50Ms: probe.p50Ms ?? null,
			p95Ms: probe.p95Ms ?? null,
			maxMs: probe.maxMs ?? null,
			lastError: probe.lastError ? {at: iso(probe.lastError.atMs), error: probe.lastError.error} : null,
			from: probe.from ?? null,
			latencyFrom: probe.last?.latencyFrom ?? null,
			failover: probe.shares
				? {
						window: probe.shares.window,
						results: probe.shares.results,
						primary: probe.shares.primary ?? null,
						fallback: probe.shares.fallback ?? null,
						gateways: probe.shares.gateways,
						failed: probe.shares.failed,
						unmarked: probe.shares.unmarked,
					}
				: null,
		})),
		phases,
		...etcdJson(snapshot),
		...(snapshot.partition
			? {
					partition: {
						active: snapshot.partition.active,
						since: iso(snapshot.partition.sinceMs),
						ttl: snapshot.partition.ttlMs === undefined ? null : snapshot.partition.ttlMs / 1000,
						points: snapshot.partition.points,
						leftover: snapshot.partition.leftover,
					},
				}
			: {}),
	};
}
