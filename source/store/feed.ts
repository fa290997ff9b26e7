// Words for the event feed: what changed, in one short line.
import type {ConnectionPhase} from './types.js';

export function describeTransition(cluster: string, from: ConnectionPhase, to: ConnectionPhase, reason?: string): string | undefined {
	const why = reason ? `: ${reason}` : '';
	if (to === 'live') return from === 'connecting' ? `${cluster}: connected` : `${cluster}: back (live)`;
	if (to === 'unreachable') return `${cluster}: lost (unreachable${why})`;
	if (to === 'reconnecting') return `${cluster}: reconnecting${why}`;
	return undefined;
}
