// etcd in `labwatch check`: text lines and the JSON section, from the snapshot's status and verdict.
import type {LabSnapshot, Level} from '../store/types.js';
import {memberWords, quorumOf} from './verdict.js';

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
