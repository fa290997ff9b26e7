// What the etcd source reports (issue 14, "etcd / Raft drill"): per member what its own endpoints say, and
// the cluster's verdict. The store carries it; the TUI and `labwatch check` read it.
import type {Verdict} from '../store/types.js';
import type {TimelineMark} from '../drill/types.js';

export interface EtcdMemberState {
	name: string;
	url: string;
	/** Answered its last poll (metrics or status). */
	up: boolean;
	/** Why not, in words ("connection refused", "timeout after 1s"). */
	error?: string;
	/** etcd_server_is_leader, or status.leader == status.header.member_id. */
	isLeader?: boolean;
	/** etcd_server_has_leader, or status.leader present and no "no leader" error. */
	hasLeader?: boolean;
	/** status.raftTerm. */
	term?: number;
	/** status.raftIndex (else etcd_server_proposals_committed_total). */
	raftIndex?: number;
	/** etcd_server_leader_changes_seen_total. */
	leaderChanges?: number;
	/** status.header.member_id (decimal, as the gateway gives it). */
	memberId?: string;
	/** status.leader: the member id this member follows. */
	leaderId?: string;
	version?: string;
	/** Stopped by a live etcd drill. */
	stopped?: boolean;
	/** When this state was read. */
	atMs: number;
}

export interface EtcdStatus {
	members: EtcdMemberState[];
	/** Name of the member every answering member agrees leads (or the one saying it is leader). */
	leader?: string;
	up: number;
	total: number;
	/** A majority of the configured members answer. */
	quorum: boolean;
	verdict: Verdict;
	atMs: number;
	/** Set once every member has been polled at least once. */
	polled: boolean;
	/** A linearizable read (it needs a leader and a quorum) worked through an answering member; undefined: none answers. */
	readable?: boolean;
	readError?: string;
	/** When that read came back: a read that waits out its timeout is news later than the members' facts. */
	readAtMs?: number;
}

export type EtcdDrillPhase = 'idle' | 'planned' | 'stopping' | 'stopped' | 'healing' | 'healed' | 'failed';

export interface EtcdDrillStatus {
	phase: EtcdDrillPhase;
	drillId?: string;
	/** When the first member was stopped. */
	sinceMs?: number;
	ttlMs?: number;
	/** Members stopped by the live drill, in order. */
	stopped: string[];
	/** The next stop's plan (member, and the exact commands: timer first, then the stop). */
	plan?: {member: string; role: string; commands: string[][]; start?: string[]; effect?: string};
	timeline: TimelineMark[];
	error?: string;
	reportPath?: string;
	/** Stops in the journal that no drill here made and nobody healed (a crashed run): heal starts them. */
	leftover?: string[];
}
