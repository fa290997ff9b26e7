// What one poll of Prometheus brought back, trimmed to plain numbers and labels (no Date objects).

/** One series of an instant vector; `labels.__name__` is kept when Prometheus returns it. */
export interface PromSample {
	labels: Record<string, string>;
	value: number;
}

/** One series of a range query, oldest point first. */
export interface PromSeries {
	labels: Record<string, string>;
	points: Array<{atMs: number; value: number}>;
}

export interface PromData {
	/** The evaluation time sent with every instant query (ms since epoch). */
	atMs: number;
	url: string;
	/** False when Prometheus itself could not be asked (down, timeout, HTTP error on every query). */
	reachable: boolean;
	/** One-line reason when not reachable: "connection refused", "timeout after 3s". */
	error?: string;
	/** Queries that failed while others succeeded, by catalogue name. */
	queryErrors: Record<string, string>;
	hostMemory: PromSample[];
	workingSets: PromSample[];
	up: PromSample[];
	/** The server asked to wait this long before asking again (HTTP 429/503 Retry-After, bounded). */
	retryAfterMs?: number;
	/** Host used bytes over the last 30 minutes; empty until the first range query answers. */
	usedHistory: PromSeries[];
}
