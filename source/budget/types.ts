// What the memory-budget source reports per host (issue: Prometheus and budgets).
import type {Verdict} from '../store/types.js';

/** Samples in a host's 30-minute history: the sparkline's width, so the range query's step fits it (2 min). */
export const historyPoints = 15;

export interface PlanLine {
	/** The plan line's name, or "other" for pods that map to no line (plannedBytes 0). */
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
	/**
	 * Host use from node_exporter, else the sum of working sets, else (source 'requests') the pods' memory
	 * requests as an estimate; undefined (source 'none') when not even pods are known.
	 */
	actualBytes?: number;
	/** Where actualBytes came from. */
	actualSource: 'node-exporter-linux' | 'node-exporter-darwin' | 'working-set' | 'requests' | 'none';
	/** Why the source is not the host's exporter: "no series node_memory_MemTotal_bytes for instance m2:9100". */
	sourceNote?: string;
	/** What the numbers still wait for before they mean anything ("Prometheus", "pods from m1"); absent once answered. */
	waiting?: string[];
	/** limit − reserved − actual; negative when over budget. */
	headroomBytes?: number;
	lines: PlanLine[];
	/** Last 30 minutes of actual use, oldest first, for the sparkline (exporter hosts only). */
	history: number[];
	verdict: Verdict;
}

export interface PrometheusStatus {
	url: string;
	state: 'ok' | 'down' | 'unconfigured' | 'partial';
	/** Why data is missing: "timeout after 3s", "HTTP 503: …", "no series node_memory_MemTotal_bytes …". */
	reason?: string;
	/** Every problem seen in the last poll, the first being `reason`. */
	problems?: string[];
	lastSuccessMs?: number;
	/** Scrape target health per job. */
	targets: Array<{job: string; instance: string; up: boolean}>;
}

/** What the budget source hands to the store on every change. */
export interface BudgetUpdate {
	hosts: HostBudget[];
	prometheus: PrometheusStatus;
}
