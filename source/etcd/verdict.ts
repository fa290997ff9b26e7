// The etcd cluster's verdict, computed once here and shown by the TUI and `labwatch check` alike:
// no leader or no quorum is critical, a member down is a warning.
import type {Level, Verdict} from '../store/types.js';
import type {EtcdMemberState, EtcdStatus} from './types.js';

/** Raft needs a majority of the configured members: 2 of 3, 3 of 5. */
export function quorumOf(total: number): number {
	return Math.floor(total / 2) + 1;
}

/** The leader: the member that says it leads, else the one the answering members point at (by member id). */
export function leaderOf(members: EtcdMemberState[]): string | undefined {
	const up = members.filter(member => member.up);
	const self = up.find(member => member.isLeader === true);
	if (self) return self.name;
	const byId = new Map(up.filter(member => member.memberId).map(member => [member.memberId!, member.name]));
	for (const member of up) {
		if (member.hasLeader && member.leaderId && byId.has(member.leaderId)) return byId.get(member.leaderId);
	}
	return undefined;
}

export function etcdStatusFrom(members: EtcdMemberState[], atMs: number, polled = true): EtcdStatus {
	const total = members.length;
	const up = members.filter(member => member.up).length;
	const quorum = up >= quorumOf(total);
	const leader = leaderOf(members);
	const status: EtcdStatus = {members, leader, up, total, quorum, atMs, polled, verdict: {level: 'unknown', reasons: []}};
	status.verdict = etcdVerdict(status);
	return status;
}

export function etcdVerdict(status: EtcdStatus): Verdict {
	if (!status.polled) return {level: 'unknown', reasons: ['etcd not polled yet']};
	const levels: Level[] = [];
	const reasons: string[] = [];
	const down = status.members.filter(member => !member.up);
	const named = (list: EtcdMemberState[]) => list.map(member => `${member.name}${member.stopped ? ' (stopped by the drill)' : member.error ? ` (${member.error})` : ''}`).join(', ');
	if (!status.quorum) {
		levels.push('crit');
		reasons.push(`etcd quorum lost: ${status.up}/${status.total} members up, ${quorumOf(status.total)} needed (down: ${named(down)})`);
	} else if (down.length > 0) {
		levels.push('warn');
		reasons.push(`etcd ${down.length}/${status.total} member${down.length === 1 ? '' : 's'} down: ${named(down)}`);
	}
	if (status.up > 0 && status.leader === undefined) {
		levels.push('crit');
		reasons.push(`etcd has no leader (${status.up}/${status.total} members up)`);
	} else if (status.up === 0) {
		levels.push('crit');
		if (status.quorum) reasons.push('etcd: no member answers');
	}
	// A leader and a quorum, yet a linearizable read fails: etcd does not serve the API server now.
	if (status.quorum && status.leader !== undefined && status.readable === false) {
		levels.push('warn');
		reasons.push(`etcd reads fail${status.readError ? `: ${status.readError}` : ''}`);
	}
	if (levels.length === 0) return {level: 'ok', reasons: []};
	const rank: Record<Level, number> = {ok: 0, unknown: 1, warn: 2, crit: 3};
	const level = levels.reduce<Level>((a, b) => (rank[b] > rank[a] ? b : a), 'ok');
	return {level, reasons: reasons.sort((a, b) => Number(b.includes('quorum') || b.includes('leader')) - Number(a.includes('quorum') || a.includes('leader')))};
}

/** One line per member, as `check` and the TUI print it. */
export function memberWords(member: EtcdMemberState): string {
	if (!member.up) return `down${member.stopped ? ' (stopped by the drill)' : ''}${member.error ? `: ${member.error}` : ''}`;
	const role = member.isLeader ? 'leader' : member.hasLeader === false ? 'no leader' : 'follower';
	const facts = [role, member.term === undefined ? undefined : `term ${member.term}`, member.raftIndex === undefined ? undefined : `index ${member.raftIndex}`, member.leaderChanges === undefined ? undefined : `${member.leaderChanges} leader change${member.leaderChanges === 1 ? '' : 's'}`];
	return facts.filter(Boolean).join(', ');
}
