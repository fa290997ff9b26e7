// The demo's API front: the homelab's failover (homelab.md, "The experiments") as an endpoint on the viewer's
// host. Normally 80 % of answers come from m2's gateway and 20 % from m1's; a cut makes the m2 share fail
// until the health check notices (1.5 s), then everything goes to m1; after the heal traffic returns in
// steps (10 % → 50 % → 80 %, 3 s apart). Each answer names its gateway in a header and in its JSON body,
// the markers a failover probe reads. Shares follow a counter, not chance, so a window of ten is exact.
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {SimNetwork} from './network.js';

export const failoverFrontPath = '/gateway';
/** How long the front keeps sending to a cut primary before its health check notices. */
export const frontDetectMs = 1500;
export const frontReturnSteps = [10, 50, 80];
export const frontStepMs = 3000;

export interface FailoverFrontOptions {
	network: SimNetwork;
	/** The gateways' names: primary first. */
	primary: string;
	fallback: string;
	clock?: () => number;
}

export function createFailoverFront(options: FailoverFrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
	const clock = options.clock ?? Date.now;
	let count = 0;
	let changedAtMs = -Infinity;
	let partitioned = options.network.isPartitioned();
	options.network.onChange(now => {
		partitioned = now;
		changedAtMs = clock();
	});
	/** The primary's share now, in percent; undefined while the cut is not noticed (its share fails). */
	const primaryPercent = (): {percent: number; failing: boolean} => {
		const since = clock() - changedAtMs;
		if (partitioned) return since < frontDetectMs ? {percent: 80, failing: true} : {percent: 0, failing: false};
		const step = Math.floor(since / frontStepMs);
		return {percent: step < frontReturnSteps.length ? frontReturnSteps[step]! : 80, failing: false};
	};
	return (_req, res) => {
		const {percent, failing} = primaryPercent();
		// Request n goes to the primary when n mod 10 falls in its share: exact shares over any ten.
		const toPrimary = (count++ % 10) < percent / 10;
		if (toPrimary && failing) {
			res.writeHead(502, {'content-type': 'text/plain'}).end('bad gateway: no answer from the primary\n');
			return;
		}
		const gateway = toPrimary ? options.primary : options.fallback;
		res.writeHead(200, {'content-type': 'application/json', 'x-served-by': `gw-${gateway}`}).end(`${JSON.stringify({served_by: `gw-${gateway}`, ok: true})}\n`);
	};
}
