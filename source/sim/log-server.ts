// GET /api/v1/namespaces/{ns}/pods/{name}/log: the kubelet's answers through the apiserver. text/plain,
// `tailLines`, `timestamps`, `previous`, `follow` (new lines as they are written, until the container
// stops, restarts or the pod goes). A follow stream goes silent while the network cuts its client off,
// and resumes with what was written meanwhile, as a TCP stream would deliver its backlog.
import type {ServerResponse} from 'node:http';
import type {ClusterModel} from './cluster-model.js';
import type {SimNetwork} from './network.js';
import {formatLogLine, logLines, logRunFor} from './logs.js';
import {statusBody} from './status.js';

export interface PodLogRequest {
	res: ServerResponse;
	url: URL;
	namespace: string;
	name: string;
	originHost: string;
	intervalMs: number;
	streams: Set<ServerResponse>;
}

function fail(res: ServerResponse, code: number, message: string): void {
	const body = JSON.stringify(statusBody(code, message));
	res.writeHead(code, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)});
	res.end(body);
}

export function servePodLog(model: ClusterModel, network: SimNetwork, request: PodLogRequest): void {
	const {res, url, namespace, name} = request;
	const pod = model.get('pods', namespace, name);
	if (!pod) return fail(res, 404, `pods "${name}" not found`);
	const containers = ((pod.spec as {containers?: Array<{name: string}>}).containers ?? []).map(item => item.name);
	const container = url.searchParams.get('container') ?? (containers.length === 1 ? containers[0]! : '');
	if (!container) return fail(res, 400, `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
	if (!containers.includes(container)) return fail(res, 400, `container ${container} is not valid for pod ${name}`);
	const previous = url.searchParams.get('previous') === 'true';
	const answer = logRunFor(pod, container, previous);
	if ('error' in answer) return fail(res, 400, answer.error);
	const tail = Number(url.searchParams.get('tailLines') ?? '');
	const timestamps = url.searchParams.get('timestamps') === 'true';
	const intervalMs = request.intervalMs;
	const startNowMs = Date.now();
	const lines = logLines(pod, answer.run, {tailLines: Number.isInteger(tail) && tail >= 0 ? tail : undefined, timestamps, intervalMs, nowMs: startNowMs});
	res.writeHead(200, {'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked'});
	if (lines.length > 0) res.write(lines.join('\n') + '\n');
	const follow = url.searchParams.get('follow') === 'true';
	if (!follow || answer.ended) {
		res.end();
		return;
	}
	// Follow: the next line index is where the history stopped; lines are due every intervalMs.
	const uid = pod.metadata.uid;
	const restarts = (pod.status as {containerStatuses?: Array<{restartCount?: number}>}).containerStatuses?.[0]?.restartCount ?? 0;
	let next = Math.floor((startNowMs - answer.run.startedMs) / intervalMs) + 1;
	request.streams.add(res);
	const timer = setInterval(() => {
		const current = model.get('pods', namespace, name);
		const currentRestarts = (current?.status as {containerStatuses?: Array<{restartCount?: number}>} | undefined)?.containerStatuses?.[0]?.restartCount ?? 0;
		// The container this stream reads is gone: the kubelet ends the stream.
		if (!current || current.metadata.uid !== uid || currentRestarts !== restarts) return stop(true);
		if (network.isCut(request.originHost, model.host)) return;
		const dueUntil = Math.floor((Date.now() - answer.run.startedMs) / intervalMs);
		if (dueUntil < next) return;
		const chunk: string[] = [];
		// Bounded per tick, so a stream that was cut for long catches up in steps.
		for (const last = Math.min(dueUntil, next + 5000); next <= last; next++) chunk.push(formatLogLine(current, next, answer.run.startedMs + next * intervalMs, timestamps));
		res.write(chunk.join('\n') + '\n');
	}, Math.max(50, Math.min(1000, intervalMs)));
	const stop = (end: boolean) => {
		clearInterval(timer);
		request.streams.delete(res);
		if (end && !res.writableEnded) res.end();
	};
	res.on('close', () => stop(false));
}
