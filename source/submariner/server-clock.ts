// Submariner's `update-timestamp` is written with the gateway node's clock, and on Docker Desktop that is
// the VM's clock, which drifts from the Mac's after a sleep. The API server runs on the same VM, and every
// answer carries its clock in the `Date` header: the gap between that and ours says how to read the stamp.

/** Per API server URL: how far its clock is ahead of ours (ms; negative when behind). */
const skews = new Map<string, number>();

/**
 * Records one answer's `Date` header, read at `localMs`. The header has whole seconds, cut down, so the
 * server's time was on average half a second past it.
 */
export function noteServerDate(server: string, date: string | undefined, localMs = Date.now()): void {
	if (!date) return;
	const serverMs = Date.parse(date);
	if (Number.isFinite(serverMs)) skews.set(server, serverMs + 500 - localMs);
}

/** How far the server's clock is ahead of ours; 0 until it has answered (so the local clock is used). */
export function serverSkewMs(server: string | undefined): number {
	return (server !== undefined ? skews.get(server) : undefined) ?? 0;
}

/** Tests: forget what was seen. */
export function forgetServerClocks(): void {
	skews.clear();
}
