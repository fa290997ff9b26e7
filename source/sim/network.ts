// The in-process network between simulated hosts. labwatch runs on `viewerHost` (m1); a partition cuts
// that host off from every other host, like the iptables DROP rules of homelab.md. Requests carry the
// asking host in a header (absent = labwatch itself, on the viewer host), so a server knows a cross-cut
// request and leaves it hanging, like dropped packets.
// Separate processes each hold their own SimNetwork: a cut applies to the process whose control URL
// was called (its server hangs cross-cut requests, its gateway's pings fail).

export const simHostHeader = 'x-labwatch-sim-host';
export const simClusterHeader = 'x-labwatch-sim-cluster';

export class SimNetwork {
	readonly viewerHost: string;
	private partitioned = false;
	private readonly listeners = new Set<(partitioned: boolean) => void>();

	constructor(viewerHost: string) {
		this.viewerHost = viewerHost;
	}

	isPartitioned(): boolean {
		return this.partitioned;
	}

	/** True when traffic between hosts `from` and `to` is dropped right now. */
	isCut(from: string, to: string): boolean {
		if (!this.partitioned || from === to) return false;
		return (from === this.viewerHost) !== (to === this.viewerHost);
	}

	/** The drill that made the cut, as the drill executor sent it (reported by /_sim/state). */
	drillId?: string;
	private ttlTimer?: NodeJS.Timeout;

	/** `ttlMs` heals by itself after that long, like a drill's dead-man timer, if no heal comes first. */
	partition(options: {drillId?: string; ttlMs?: number} = {}): void {
		this.clearTtl();
		this.drillId = options.drillId;
		if (options.ttlMs !== undefined && options.ttlMs > 0) this.ttlTimer = setTimeout(() => this.heal(), options.ttlMs);
		this.set(true);
	}

	heal(): void {
		this.clearTtl();
		this.drillId = undefined;
		this.set(false);
	}

	/** Clears the TTL timer (simulator shutdown). */
	dispose(): void {
		this.clearTtl();
	}

	private clearTtl(): void {
		if (this.ttlTimer) clearTimeout(this.ttlTimer);
		this.ttlTimer = undefined;
	}

	private set(partitioned: boolean): void {
		if (this.partitioned === partitioned) return;
		this.partitioned = partitioned;
		for (const listener of this.listeners) listener(partitioned);
	}

	onChange(listener: (partitioned: boolean) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
