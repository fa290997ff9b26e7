// A probe run from inside a cluster, without an agent: `kubectl exec` into a named pod, or a short-lived pod
// (`kubectl run --rm --attach`). kubectl gets an argument array, never a shell string; the check inside the
// pod is a fixed script whose URL, host, port and timeout are its positional arguments. Everything kubectl or
// the pod prints is untrusted: reasons are one sanitised line. A probe that cannot run says why, as its error.
import {randomBytes} from 'node:crypto';
import type {ProbeTargetConfig} from '../config/schema.js';
import type {ProbeFromConfig} from '../config/probe-options.js';
import {formatDurationMs} from '../config/duration.js';
import {terminalSafe, terminalSafeLines} from '../text/terminal-safe.js';
import {markerReading} from './marker.js';
import type {ProbeResult} from './types.js';

export interface KubectlTarget {
	context: string;
	kubeconfig?: string;
	/** The kubectl binary; default `kubectl` on PATH. */
	kubectl?: string;
}

/** What the pod may print: a health answer is small; more is cut off (and kubectl killed). */
export const maxFromOutputBytes = 64 * 1024;
/** kubectl exec's own round trip (API server, kubelet, stream setup) on top of the check's timeout. */
export const execSlackMs = 5000;

/** The trailer the default check (curl) prints after the body: the status and the time measured inside. */
const trailer = /(?:^|\n)labwatch-probe status=(\d{3}) seconds=([0-9.]+)\s*$/;

// Inside the pod: curl when the image has it (it times the request itself), else BusyBox's or GNU wget.
const httpScript = [
	'if command -v curl >/dev/null 2>&1; then',
	`  exec curl -sS -m "$2" -w '\\nlabwatch-probe status=%{http_code} seconds=%{time_total}\\n' "$1"`,
	'fi',
	'exec wget -q -T "$2" -O- "$1"',
].join('\n');
const tcpScript = ['if command -v nc >/dev/null 2>&1; then', '  exec nc -z -w "$3" "$1" "$2"', 'fi', 'echo "no nc in the container" >&2', 'exit 127'].join('\n');

/** The check's argv inside the pod: the user's (placeholders filled in) or the portable default. */
export function checkArgv(probe: ProbeTargetConfig, from: ProbeFromConfig, timeoutMs: number): string[] {
	const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
	const {url, host, port} = targetParts(probe);
	if (from.command) {
		const fill: Record<string, string> = {url, host, port, timeout: seconds};
		return from.command.map(part => part.replace(/\{(url|host|port|timeout)\}/g, (_, key: string) => fill[key]!));
	}
	return probe.http !== undefined ? ['sh', '-c', httpScript, 'labwatch-probe', url, seconds] : ['sh', '-c', tcpScript, 'labwatch-probe', host, port, seconds];
}

function targetParts(probe: ProbeTargetConfig): {url: string; host: string; port: string} {
	if (probe.http !== undefined) {
		const parsed = new URL(probe.http);
		return {url: probe.http, host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port || (parsed.protocol === 'https:' ? '443' : '80')};
	}
	const colon = probe.tcp!.lastIndexOf(':');
	return {url: '', host: probe.tcp!.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: probe.tcp!.slice(colon + 1)};
}

function kubectlPrefix(target: KubectlTarget): string[] {
	return [target.kubectl ?? 'kubectl', ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []), '--context', target.context];
}

/** The whole kubectl argv: exec into the named pod, or run a pod that is removed when the check ends. */
export function fromArgv(probe: ProbeTargetConfig, from: ProbeFromConfig, timeoutMs: number, target: KubectlTarget, podName?: string): string[] {
	const check = checkArgv(probe, from, timeoutMs);
	if (from.via === 'exec') return [...kubectlPrefix(target), 'exec', '-n', from.namespace, from.pod, ...(from.container ? ['-c', from.container] : []), '--', ...check];
	return [
		...kubectlPrefix(target),
		'run',
		podName ?? probePodName(probe.name),
		'-n',
		from.namespace,
		`--image=${from.image}`,
		'--restart=Never',
		// Not --rm: a pod that did not start is looked at (why not?) and then deleted by labwatch, every run.
		'--attach',
		'--quiet',
		`--pod-running-timeout=${Math.ceil(from.startTimeout / 1000)}s`,
		'--labels=app.kubernetes.io/managed-by=labwatch,labwatch/probe=' + probe.name,
		'--command',
		'--',
		...check,
	];
}

/** A fresh pod name per run: a pod left by a hung run never blocks the next. */
export function probePodName(probe: string): string {
	return `labwatch-probe-${probe}-${randomBytes(3).toString('hex')}`;
}

/** What the check printed, read: the body (for a JSON marker), the status and the time measured inside. */
export function parseCheckOutput(stdout: string): {body: string; status?: number; insideMs?: number} {
	const found = trailer.exec(stdout);
	if (!found) return {body: stdout};
	return {body: stdout.slice(0, found.index), status: Number(found[1]), insideMs: Math.round(Number(found[2]) * 1_000_000) / 1000};
}

/** kubectl's and the check's complaints in a few words: the first line that says something, made safe. */
export function fromErrorWords(stderr: string, context: {from: ProbeFromConfig; exitCode?: number; pod?: string}): string {
	const {from} = context;
	const text = terminalSafeLines(stderr.replace(/\r\n?/g, '\n')).trim();
	const pod = context.pod ?? (from.via === 'exec' ? from.pod : 'labwatch-probe');
	const where = `${from.namespace}/${pod}`;
	const notFound = /pods? "([^"]*)" not found/i.exec(text)?.[1];
	// The API server proxies exec to the pod's kubelet: a pod on a node it does not know reads "pods <node> not found".
	if (notFound !== undefined) return notFound === pod ? `pod ${where} not found` : `exec: no kubelet answers for ${where} (its node ${notFound.slice(0, 64)} is not known)`;
	const container = /container (\S+) is not valid for pod/i.exec(text)?.[1];
	if (container !== undefined) return `container ${container.slice(0, 64)} not found in ${where}`;
	if (/does not have a host assigned/i.test(text)) return `exec: pod ${where} is on no node (not scheduled: no kubelet runs it)`;
	if (/no preferred addresses found|unable to upgrade connection|error dialing backend|proxy error/i.test(text)) return `exec: no kubelet answers for ${where} (${firstLine(text).replace(/^Error from server[^:]*: /, '').slice(0, 80)})`;
	if (/context "[^"]*" does not exist/i.test(text)) return `kubeconfig has no context ${JSON.stringify(text.match(/context "([^"]*)"/)?.[1] ?? '')}`.slice(0, 200);
	// kubectl's own connection to the API server, not the check's connection inside the pod.
	if (/Unable to connect to the server|The connection to the server .* was refused|^error: .*dial tcp .*(connection refused|no such host|i\/o timeout)/im.test(text)) return `cannot reach the cluster's API: ${firstLine(text)}`.slice(0, 200);
	if (/forbidden/i.test(text)) return `forbidden: ${firstLine(text)}`.slice(0, 200);
	// The check's own words (curl, wget, nc), before kubectl's "command terminated with exit code N".
	const lines = text.split('\n').map(line => line.trim()).filter(line => line && !/^command terminated with exit code/.test(line));
	const check = lines[0];
	if (check) return check.replace(/^error: /, '').slice(0, 200);
	return context.exitCode === undefined ? 'failed' : `exit ${context.exitCode}`;
}

function firstLine(text: string): string {
	return text.split('\n')[0]!.replace(/^error: /, '').slice(0, 160);
}

export interface FromOptions {
	clock?: () => number;
	target?: KubectlTarget;
}

export async function runFromCluster(probe: ProbeTargetConfig, from: ProbeFromConfig, timeoutMs: number, options: FromOptions): Promise<ProbeResult> {
	const clock = options.clock ?? Date.now;
	const atMs = clock();
	const target = options.target;
	if (!target) return {atMs, ok: false, error: `no cluster ${from.cluster} in the config`};
	const podName = from.via === 'pod' ? probePodName(probe.name) : undefined;
	const argv = fromArgv(probe, from, timeoutMs, target, podName);
	const deadlineMs = timeoutMs + (from.via === 'exec' ? execSlackMs : from.startTimeout + execSlackMs);
	// Loaded on the first run: labwatch without such probes never pays for it.
	const {execa} = await import('execa');
	const started = performance.now();
	const result = await execa(argv[0]!, argv.slice(1), {
		reject: false,
		timeout: deadlineMs,
		forceKillAfterDelay: 1000,
		stdin: 'ignore',
		encoding: 'utf8',
		maxBuffer: maxFromOutputBytes,
		stripFinalNewline: false,
	});
	const aroundMs = Math.round((performance.now() - started) * 1000) / 1000;
	const stdout = String(result.stdout ?? '');
	const stderr = String(result.stderr ?? '');
	if ((result as {code?: string}).code === 'ENOENT') return {atMs, ok: false, error: `${target.kubectl ?? 'kubectl'} not found`};
	const hung = result.timedOut || (result.isTerminated && result.exitCode === undefined);
	// kubectl run's pod-start failures, in words a person acts on, read before the pod is deleted.
	const startFailed = podName !== undefined && (hung || (result.exitCode !== 0 && /timed out waiting|pod-running-timeout|ImagePull|ErrImage/i.test(stderr)));
	const startWords = startFailed ? await podStartWords(target, from.namespace, podName) : undefined;
	// Every pod this run made goes, whether it answered, failed or hung.
	if (podName) await deletePod(target, from.namespace, podName);
	if (hung) return {atMs, ok: false, error: startWords ?? `no answer within ${formatDurationMs(deadlineMs)}`};
	if (result.isMaxBuffer) return {atMs, ok: false, error: `the check printed more than ${maxFromOutputBytes / 1024} KiB`};
	const parsed = parseCheckOutput(stdout);
	if (result.exitCode !== 0) return {atMs, ok: false, error: startWords ?? fromErrorWords(stderr, {from, exitCode: result.exitCode, ...(podName ? {pod: podName} : {})})};
	const status = parsed.status;
	// Inside timing when the check gave it; around `kubectl exec` otherwise; a pod's start is no latency at all.
	const timing: Pick<ProbeResult, 'latencyMs' | 'latencyFrom'> =
		parsed.insideMs !== undefined ? {latencyMs: parsed.insideMs, latencyFrom: 'inside'} : from.via === 'exec' ? {latencyMs: aroundMs, latencyFrom: 'around-exec'} : {};
	if (status !== undefined && (status < 200 || status >= 400)) return {atMs, ok: false, ...timing, status, error: status === 0 ? 'no HTTP answer' : `HTTP ${status}`};
	const reading = probe.marker ? markerReading(probe.marker, {body: parsed.body, bodyCut: parsed.body.length >= maxFromOutputBytes}) : {};
	return {atMs, ok: true, ...timing, ...(status !== undefined ? {status} : {}), ...reading};
}

/** Why a probe pod did not start, from its status: an image pull, no node, or its waiting reason. */
async function podStartWords(target: KubectlTarget, namespace: string, pod: string): Promise<string | undefined> {
	const {execa} = await import('execa');
	const result = await execa(target.kubectl ?? 'kubectl', [...kubectlPrefix(target).slice(1), 'get', 'pod', pod, '-n', namespace, '-o', 'json'], {
		reject: false,
		timeout: 5000,
		stdin: 'ignore',
		encoding: 'utf8',
		maxBuffer: 1024 * 1024,
	});
	if (result.exitCode !== 0) return undefined;
	try {
		const object = JSON.parse(String(result.stdout)) as {spec?: {nodeName?: string}; status?: {phase?: string; containerStatuses?: Array<{state?: {waiting?: {reason?: string; message?: string}}}>}};
		const waiting = object.status?.containerStatuses?.[0]?.state?.waiting;
		if (waiting?.reason && /ImagePull|ErrImage|InvalidImageName/.test(waiting.reason)) return terminalSafe(`image pull failed: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`).slice(0, 200);
		if (!object.spec?.nodeName) return `pod ${namespace}/${pod} not started: no node took it (no scheduler or kubelet answers)`;
		if (waiting?.reason) return terminalSafe(`pod ${namespace}/${pod} not started: ${waiting.reason}`).slice(0, 200);
		return `pod ${namespace}/${pod} not started: ${terminalSafe(object.status?.phase ?? 'unknown phase').slice(0, 40)}`;
	} catch {
		return undefined;
	}
}

async function deletePod(target: KubectlTarget, namespace: string, pod: string): Promise<void> {
	const {execa} = await import('execa');
	await execa(target.kubectl ?? 'kubectl', [...kubectlPrefix(target).slice(1), 'delete', 'pod', pod, '-n', namespace, '--ignore-not-found', '--wait=false', '--grace-period=1'], {
		reject: false,
		timeout: 10_000,
		stdin: 'ignore',
	});
}

/** kubectl's context (and kubeconfig file) per configured cluster: what a probe's from.cluster names. */
export function kubectlTargets(config: {kubeconfig?: string; clusters: Record<string, {context: string; kubeconfig?: string}>}, kubectl?: string): (cluster: string) => KubectlTarget | undefined {
	return name => {
		const cluster = config.clusters[name];
		if (!cluster) return undefined;
		const kubeconfig = cluster.kubeconfig ?? config.kubeconfig;
		return {context: cluster.context, ...(kubeconfig ? {kubeconfig} : {}), ...(kubectl ? {kubectl} : {})};
	};
}

/** "exec m2 data/toolbox", "pod m2 busybox:1.36": where a probe runs, for the status line. */
export function fromWords(from: ProbeFromConfig): string {
	return from.via === 'exec' ? `exec ${from.cluster} ${from.namespace}/${from.pod}${from.container ? `:${from.container}` : ''}` : `pod ${from.cluster} ${from.image}`;
}
