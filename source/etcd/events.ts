// What changed between two etcd polls, as feed lines: a member down or back, a new leader, quorum lost or back.
import type {FeedEvent} from '../store/types.js';
import type {EtcdStatus} from './types.js';

export function etcdEvents(before: EtcdStatus | undefined, after: EtcdStatus): FeedEvent[] {
	if (!before?.polled || !after.polled) return [];
	const events: FeedEvent[] = [];
	const atMs = after.atMs;
	for (const member of after.members) {
		const was = before.members.find(entry => entry.name === member.name);
		if (!was || was.up === member.up) continue;
		events.push({atMs, level: member.up ? 'ok' : 'warn', text: member.up ? `etcd ${member.name} up again` : `etcd ${member.name} down${member.stopped ? ' (stopped by the drill)' : member.error ? `: ${member.error}` : ''}`});
	}
	if (before.quorum && !after.quorum) events.push({atMs, level: 'crit', text: `etcd quorum lost: ${after.up}/${after.total} members up`});
	if (!before.quorum && after.quorum) events.push({atMs, level: 'ok', text: `etcd quorum regained: ${after.up}/${after.total} members up`});
	if (before.leader !== after.leader) {
		if (after.leader === undefined) events.push({atMs, level: 'crit', text: `etcd leader ${before.leader} lost: no leader`});
		else events.push({atMs, level: 'ok', text: `etcd leader now ${after.leader}${before.leader ? ` (was ${before.leader})` : ''}`});
	}
	return events;
}
