// etcd in `labwatch check`: text lines and the JSON section, from the snapshot's status and verdict.
import type {LabSnapshot, Level} from '../store/types.js';
import {memberWords, quorumOf} from './verdict.js';
import {terminalSafe} from '../text/terminal-safe.js';

const words: Record<Level, string> = {ok: 'OK', warn: 'WARNING', crit: 'CRITICAL', unknown: 'UNKNOWN'};

export function etcdLines(snapshot: LabSnapshot): string[] {
	const etcd = snapshot.etcd;
	if (!etcd) return [];
	const leader = etcd.leader ? `leader ${etcd.leader}` : 'no leader';
	const quorum = etcd.quorum ? `quorum ${etcd.up}/${etcd.total}` : `QUORUM LOST ${etcd.up}/${etcd.total} (${quorumOf(etcd.total)} needed)`;
	const reads = etcd.readable === undefined ? '' : etcd.readable ? ', reads ok' : `, reads fail${etcd.readError ? `: ${etcd.readError}` : ''}`;
	const lines = [`etcd ${words[etcd.verdict.level]} ${leader}, ${quorum}${reads}`];
	for (const member of etcd.members) lines.push(`  ${member.name} ${memberWords(member)}`);
	const drill = snapshot.etcdDrill;
	if (drill && drill.stopped.length > 0) lines.push(`etcd drill WARNING ${drill.drillId ?? ''} stopped ${drill.stopped.join(', ')}: heal with labwatch etcd-heal`);
	else if (drill?.leftover && drill.leftover.length > 0) lines.push(`etcd drill WARNING leftover: ${drill.leftover.join(', ')} stopped by a drill nobody healed: run labwatch etcd-heal`);
	return lines;
}

export function etcdJson(snapshot: LabSnapshot): Record<string, unknown> {
	const etcd = snapshot.etcd;
	if (!etcd) return {};
	const drill = snapshot.etcdDrill;
	return {
		etcd: {
			status: words[etcd.verdict.level],
			leader: etcd.leader ?? null,
			up: etcd.up,
			total: etcd.total,
			quorum: etcd.quorum,
			readable: etcd.readable ?? null,
			reasons: etcd.verdict.reasons,
			members: etcd.members.map(member => ({
				name: member.name,
				url: member.url,
				up: member.up,
				error: member.error ?? null,
				isLeader: member.isLeader ?? null,
				hasLeader: member.hasLeader ?? null,
				term: member.term ?? null,
				raftIndex: member.raftIndex ?? null,
				leaderChanges: member.leaderChanges ?? null,
				version: member.version ?? null,
			})),
			drill: drill ? {drillId: drill.drillId ?? null, stopped: drill.stopped, leftover: drill.leftover ?? []} : null,
		},
	};
}

/** `labwatch drills`' line for an etcd drill's report: when, what was stopped, the election time against its goal. */
export function etcdReportLine(id: string, when: string, report: unknown): string {
	const data = (typeof report === 'object' && report !== null ? report : {}) as {stopped?: unknown; signals?: unknown; healAtMs?: unknown; cutAtMs?: unknown};
	const stopped = Array.isArray(data.stopped) ? data.stopped.map(stop => (stop as {member?: unknown})?.member).filter((member): member is string => typeof member === 'string') : [];
	const signals = Array.isArray(data.signals) ? (data.signals as Array<{signal?: unknown; afterMs?: unknown; ok?: unknown}>) : [];
	const seen = signals
		.filter(signal => typeof signal?.signal === 'string' && typeof signal.afterMs === 'number')
		.map(signal => `${signal.signal as string} ${((signal.afterMs as number) / 1000).toFixed(1)} s${signal.ok === false ? ' (over goal)' : ''}`);
	const length = typeof data.cutAtMs === 'number' && typeof data.healAtMs === 'number' ? `${Math.round((data.healAtMs - data.cutAtMs) / 1000)} s` : '—';
	// A report file is only as trustworthy as whatever last wrote it.
	return terminalSafe(`${id}  ${when}  etcd: stopped ${stopped.join(', ') || '—'} for ${length}  ${seen.slice(0, 3).join('; ') || 'no signals seen'}`);
}
