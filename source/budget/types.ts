// What the memory-budget source reports per host (issue: Prometheus and budgets).
import type {Verdict} from '../store/types.js';

export interface PlanLine {
	name: string;
	plannedBytes: number;
	/** Actual working set of the pods mapped to this line (undefined without metrics). */
	actualBytes?: number;
	requestBytes: number;
	limitBytes: number;
	pods: number;
}

export interface HostBudget {
	host: string;
	limitBytes: number;
	reservedBytes: number;
	plannedBytes: number;
	requestBytes: number;
	limitsBytes: number;
	/** Host use from node_exporter, else the sum of working sets; undefined when neither is known. */
	actualBytes?: number;
	/** Where actualBytes came from. */
	actualSource: 'node-exporter-linux' | 'node-exporter-darwin' | 'working-set' | 'requests' | 'none';
	headroomBytes?: number;
	lines: PlanLine[];
	/** Last 30 minutes of actual use, oldest first, for the sparkline. */
	history: number[];
	verdict: Verdict;
}

export interface PrometheusStatus {
	url: string;
	state: 'ok' | 'down' | 'unconfigured' | 'partial';
	/** Why data is missing: "timeout after 3s", "HTTP 503", "no series node_memory_MemTotal_bytes". */
	reason?: string;
	lastSuccessMs?: number;
	/** Scrape target health per job. */
	targets: Array<{job: string; instance: string; up: boolean}>;
}
