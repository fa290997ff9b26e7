// Container logs for the simulated pods: plausible lines per workload, written at a steady pace since
// the container started (so `tailLines` is the last N of them), a crash's last words at the end of a run
// that died, and the previous run's logs (`previous=true`) once a container has restarted. Pure: the
// lines are a function of the pod object and the clock, so nothing is stored per pod.
import type {KubeObject} from './resources.js';

export interface SimLogRun {
	startedMs: number;
	/** Set for a run that ended: its lines stop here, with the last words of its end. */
	finishedMs?: number;
	reason?: string;
	exitCode?: number;
}

/** Which run a request reads, or the error the kubelet answers (HTTP 400). */
export type LogRunAnswer = {run: SimLogRun; ended: boolean} | {error: string};

interface ContainerStatus {
	name: string;
	restartCount?: number;
	state?: {running?: {startedAt?: string}; waiting?: {reason?: string}; terminated?: {startedAt?: string; finishedAt?: string; reason?: string; exitCode?: number}};
	lastState?: {terminated?: {startedAt?: string; finishedAt?: string; reason?: string; exitCode?: number}};
}

export function containerStatusOf(pod: KubeObject, container?: string): ContainerStatus | undefined {
	const statuses = ((pod.status as {containerStatuses?: ContainerStatus[]} | undefined)?.containerStatuses ?? []);
	return container ? statuses.find(status => status.name === container) : statuses[0];
}

/** The run `kubectl logs [--previous]` reads, as the kubelet picks it. */
export function logRunFor(pod: KubeObject, container: string, previous: boolean): LogRunAnswer {
	const status = containerStatusOf(pod, container);
	const podName = pod.metadata.name;
	if (!status) return {error: `container ${container} is not valid for pod ${podName}`};
	const last = status.lastState?.terminated;
	const ended = (terminated: NonNullable<typeof last>): SimLogRun => ({
		startedMs: Date.parse(terminated.startedAt ?? '') || Date.now() - 60_000,
		finishedMs: Date.parse(terminated.finishedAt ?? '') || Date.now(),
		reason: terminated.reason,
		exitCode: terminated.exitCode,
	});
	if (previous) {
		if (!last) return {error: `previous terminated container "${container}" in pod "${podName}" not found`};
		return {run: ended(last), ended: true};
	}
	if (status.state?.running) return {run: {startedMs: Date.parse(status.state.running.startedAt ?? '') || Date.now()}, ended: false};
	if (status.state?.terminated) return {run: ended(status.state.terminated), ended: true};
	// Waiting after a crash (CrashLoopBackOff): the kubelet still serves the last run's logs.
	if (last) return {run: ended(last), ended: true};
	return {error: `container "${container}" in pod "${podName}" is waiting to start: ${status.state?.waiting?.reason ?? 'ContainerCreating'}`};
}

const chatter: Record<string, string[]> = {
	postgresql: [
		'LOG:  checkpoint starting: time',
		'LOG:  checkpoint complete: wrote 112 buffers (0.7%); 0 WAL file(s) added, 0 removed, 1 recycled',
		'LOG:  connection received: host=10.244.2.7 port=51744',
		'LOG:  connection authorized: user=app database=app application_name=backend',
		'LOG:  automatic vacuum of table "app.public.sessions": index scans: 1',
	],
	redis: ['* Background saving started by pid 412', '* DB saved on disk', '* Background saving terminated with success', '* 100 changes in 300 seconds. Saving...'],
	kafka: [
		'INFO [LocalLog partition=events-0, dir=/bitnami/kafka/data] Rolled new log segment at offset 81234 (kafka.log.LocalLog)',
		'INFO [GroupCoordinator 0]: Preparing to rebalance group backend in state PreparingRebalance (kafka.coordinator.group.GroupCoordinator)',
		'INFO [ReplicaManager broker=0] Handling LeaderAndIsr request (kafka.server.ReplicaManager)',
		'INFO [Log partition=events-1] Deleting segments due to log start offset 80000 breach (kafka.log.UnifiedLog)',
	],
	prometheus: [
		'level=info component=tsdb msg="Compacting head" mint=1733140800000',
		'level=info component=tsdb msg="Head GC completed" duration=41.2ms',
		'level=info component="scrape manager" msg="Scrape pool reloaded" scrape_pool=kubernetes-pods',
	],
	grafana: ['logger=context method=GET path=/api/health status=200 duration=1ms', 'logger=cleanup msg="Completed cleanup jobs" duration=9ms'],
	coredns: ['[INFO] 10.244.1.4:43211 - 1 "A IN kafka.data.svc.cluster.local. udp 50 false 512" NOERROR qr,aa,rd 94 0.0001s', '[INFO] plugin/reload: Running configuration SHA512 = 591cf328'],
	backend: ['GET /api/orders 200 12ms', 'POST /api/orders 201 31ms', 'GET /healthz 200 0ms', 'kafka producer: flushed 24 messages'],
	'api-gateway': ['10.245.1.1 - - "GET /api/orders HTTP/1.1" 200 512 "-" "curl/8.5" 14ms', 'time="…" level=info msg="Configuration loaded from flags."'],
	frontend: ['GET / 200 3ms', 'GET /static/app.js 304 1ms'],
	'ml-inference': ['INFO  batch=32 latency_p50=84ms latency_p99=212ms', 'INFO  model ready: resnet50 (onnx, cpu)', 'INFO  queue depth 4'],
	'ci-runner': ['Running job: build (#64522)', 'Job build completed with result: Succeeded', 'Downloading action repository actions/checkout@v4'],
};
const generic = ['ready to serve requests', 'health check ok', 'metrics flushed'];

/** The last words of a run that ended, before the kubelet restarts it. */
function lastWords(app: string, run: SimLogRun): string[] {
	if (run.reason === 'OOMKilled') return [`WARN  memory usage at 97% of the container limit`, `allocating ${app === 'ml-inference' ? '512 MiB batch buffer' : 'buffer'}…`];
	if (run.reason === 'Completed') return ['done, exiting 0'];
	return [`ERROR lost connection to ${app === 'backend' ? 'kafka.data.svc:9092' : 'peer'}: connection reset by peer`, `FATAL unrecoverable error, exiting with status ${run.exitCode ?? 1}`];
}

export interface LogOptions {
	tailLines?: number;
	timestamps?: boolean;
	/** One line per this many ms since the run started. */
	intervalMs?: number;
	nowMs?: number;
}

function appOf(pod: KubeObject): string {
	return pod.metadata.labels?.app ?? pod.metadata.name.replace(/-[a-z0-9]+(-[a-z0-9]+)?$/, '');
}

export function formatLogLine(pod: KubeObject, index: number, atMs: number, timestamps: boolean): string {
	const lines = chatter[appOf(pod)] ?? generic;
	const text = lines[index % lines.length]!;
	const stamp = new Date(atMs).toISOString();
	return timestamps ? `${stamp} ${text}` : `${stamp.slice(0, 19)}Z ${text}`;
}

/** The lines of one run up to now (or its end), the last `tailLines` of them. */
export function logLines(pod: KubeObject, run: SimLogRun, options: LogOptions = {}): string[] {
	const intervalMs = options.intervalMs ?? 5000;
	const endMs = run.finishedMs ?? options.nowMs ?? Date.now();
	const count = Math.max(1, Math.floor((endMs - run.startedMs) / intervalMs) + 1);
	const words = run.finishedMs !== undefined ? lastWords(appOf(pod), run) : [];
	const total = count + words.length;
	const tail = options.tailLines !== undefined && options.tailLines >= 0 ? Math.min(total, options.tailLines) : total;
	const lines: string[] = [];
	for (let index = total - tail; index < total; index++) {
		if (index < count) lines.push(formatLogLine(pod, index, run.startedMs + index * intervalMs, options.timestamps ?? false));
		else {
			const stamp = new Date(endMs).toISOString();
			const text = words[index - count]!;
			lines.push(options.timestamps ? `${stamp} ${text}` : `${stamp.slice(0, 19)}Z ${text}`);
		}
	}
	return lines;
}
