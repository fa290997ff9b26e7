// `kubectl describe` for the three things labwatch lists (pods, nodes, Submariner gateways): the facts a
// person needs, in describe's order, from the full object fetched on demand. Every message is shown in
// full (the lists truncate them). Pure: object in, lines out; every string from the server is cleaned.
import type {Level} from '../store/types.js';
import {formatAge} from '../config/duration.js';
import {formatBytes, parseQuantity} from '../config/size.js';
import {parseGoDurationMs} from '../submariner/go-duration.js';
import {cleanText, type EventInfo} from './events.js';

type Json = Record<string, any>;

export interface DocLine {
	text: string;
	level?: Level;
	/** A section title (Containers:, Events:). */
	heading?: boolean;
}

export type DescribeKind = 'pod' | 'node' | 'gateway';

const field = (label: string, value: unknown, level?: Level, indent = 0): DocLine => ({
	text: `${' '.repeat(indent)}${`${label}:`.padEnd(Math.max(15 - indent, label.length + 2))}${cleanText(value === undefined || value === null || value === '' ? '<none>' : value)}`,
	...(level ? {level} : {}),
});
const heading = (text: string): DocLine => ({text, heading: true});
const timeText = (value: unknown, nowMs: number) => {
	const ms = Date.parse(typeof value === 'string' ? value : '');
	return Number.isFinite(ms) ? `${new Date(ms).toUTCString()} (${formatAge(nowMs - ms)} ago)` : '<none>';
};
const labelsText = (labels: Json | undefined) =>
	labels && Object.keys(labels).length > 0 ? Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(', ') : '<none>';

function eventLines(events: EventInfo[], nowMs: number): DocLine[] {
	if (events.length === 0) return [heading('Events:'), {text: '  <none>'}];
	const sorted = [...events].sort((a, b) => a.lastMs - b.lastMs);
	const lines: DocLine[] = [heading('Events:'), {text: `  ${'Type'.padEnd(8)}${'Reason'.padEnd(18)}${'Age'.padEnd(12)}${'From'.padEnd(20)}Message`}];
	for (const event of sorted) {
		const age = event.count > 1 ? `${formatAge(nowMs - event.lastMs)} (x${event.count})` : formatAge(nowMs - event.lastMs);
		lines.push({
			text: `  ${event.type.padEnd(8)}${event.reason.padEnd(18)}${age.padEnd(12)}${event.source.padEnd(20)}${event.message}`,
			...(event.type === 'Warning' ? {level: 'warn' as Level} : {}),
		});
	}
	return lines;
}

function stateLines(label: string, state: Json | undefined, nowMs: number): DocLine[] {
	if (!state || Object.keys(state).length === 0) return label === 'State' ? [field(label, 'Unknown', undefined, 4)] : [];
	if (state.running) return [field(label, 'Running', 'ok', 4), field('Started', timeText(state.running.startedAt, nowMs), undefined, 6)];
	if (state.waiting) {
		return [
			field(label, 'Waiting', 'warn', 4),
			field('Reason', state.waiting.reason, state.waiting.reason === 'ContainerCreating' ? undefined : 'crit', 6),
			...(state.waiting.message ? [field('Message', state.waiting.message, undefined, 6)] : []),
		];
	}
	const terminated: Json = state.terminated ?? {};
	const bad = terminated.reason !== 'Completed' && Number(terminated.exitCode) !== 0;
	return [
		field(label, 'Terminated', bad ? 'crit' : undefined, 4),
		field('Reason', terminated.reason, bad ? 'crit' : undefined, 6),
		...(terminated.message ? [field('Message', terminated.message, undefined, 6)] : []),
		field('Exit Code', terminated.exitCode ?? '<none>', bad ? 'crit' : undefined, 6),
		field('Started', timeText(terminated.startedAt, nowMs), undefined, 6),
		field('Finished', timeText(terminated.finishedAt, nowMs), undefined, 6),
	];
}

function resourceText(resources: Json | undefined): string {
	if (!resources || Object.keys(resources).length === 0) return '<none>';
	return Object.entries(resources)
		.map(([name, value]) => (name === 'memory' ? `memory ${value} (${formatBytes(parseQuantity(String(value)) ?? 0)})` : `${name} ${value}`))
		.join(', ');
}

export function describePod(pod: Json, cluster: string, events: EventInfo[], nowMs: number): DocLine[] {
	const metadata: Json = pod.metadata ?? {};
	const spec: Json = pod.spec ?? {};
	const status: Json = pod.status ?? {};
	const owner = (metadata.ownerReferences as Json[] | undefined)?.find(reference => reference.controller) ?? metadata.ownerReferences?.[0];
	const statuses = new Map<string, Json>(((status.containerStatuses ?? []) as Json[]).map(item => [item.name, item]));
	const lines: DocLine[] = [
		field('Name', metadata.name),
		field('Namespace', metadata.namespace),
		field('Cluster', cluster),
		field('Service Account', spec.serviceAccountName),
		field('Node', spec.nodeName ? `${spec.nodeName}/${status.hostIP ?? ''}` : undefined),
		field('Start Time', timeText(status.startTime ?? metadata.creationTimestamp, nowMs)),
		field('Labels', labelsText(metadata.labels)),
		field('Status', metadata.deletionTimestamp ? 'Terminating' : status.phase, status.phase === 'Running' || status.phase === 'Succeeded' ? undefined : 'warn'),
		...(status.reason ? [field('Reason', status.reason, 'crit')] : []),
		...(status.message ? [field('Message', status.message)] : []),
		field('IP', status.podIP),
		field('IPs', ((status.podIPs ?? []) as Json[]).map(item => item.ip).join(', ') || status.podIP),
		field('Controlled By', owner ? `${owner.kind}/${owner.name}` : undefined),
		heading('Containers:'),
	];
	for (const container of (spec.containers ?? []) as Json[]) {
		const containerStatus = statuses.get(container.name) ?? {};
		const restarts = Number(containerStatus.restartCount ?? 0);
		lines.push({text: `  ${cleanText(container.name)}:`});
		lines.push(field('Image', container.image, undefined, 4));
		lines.push(...stateLines('State', containerStatus.state, nowMs));
		lines.push(...stateLines('Last State', containerStatus.lastState, nowMs));
		lines.push(field('Ready', containerStatus.ready ? 'True' : 'False', containerStatus.ready ? undefined : 'warn', 4));
		lines.push(field('Restart Count', restarts, restarts >= 5 ? 'warn' : undefined, 4));
		lines.push(field('Limits', resourceText(container.resources?.limits), undefined, 4));
		lines.push(field('Requests', resourceText(container.resources?.requests), undefined, 4));
	}
	lines.push(heading('Conditions:'), {text: `  ${'Type'.padEnd(18)}${'Status'.padEnd(8)}Reason`});
	for (const condition of (status.conditions ?? []) as Json[]) {
		lines.push({
			text: `  ${cleanText(condition.type).padEnd(18)}${cleanText(condition.status).padEnd(8)}${cleanText(condition.reason ?? '')}${condition.message ? ` ${cleanText(condition.message)}` : ''}`,
			...(condition.status === 'True' ? {} : {level: 'warn' as Level}),
		});
	}
	lines.push(field('QoS Class', status.qosClass));
	lines.push(...eventLines(events, nowMs));
	return lines;
}

export interface NodePodLine {
	namespace: string;
	name: string;
	memoryRequestBytes: number;
	memoryLimitBytes: number;
}

export function describeNode(node: Json, cluster: string, pods: NodePodLine[], events: EventInfo[], nowMs: number): DocLine[] {
	const metadata: Json = node.metadata ?? {};
	const status: Json = node.status ?? {};
	const info: Json = status.nodeInfo ?? {};
	const allocatable = parseQuantity(status.allocatable?.memory) ?? 0;
	const requested = pods.reduce((sum, pod) => sum + pod.memoryRequestBytes, 0);
	const limits = pods.reduce((sum, pod) => sum + pod.memoryLimitBytes, 0);
	const percent = (bytes: number) => (allocatable > 0 ? ` (${Math.round((bytes / allocatable) * 100)}%)` : '');
	const lines: DocLine[] = [
		field('Name', metadata.name),
		field('Cluster', cluster),
		field('Roles', nodeRoles(metadata.labels).join(',') || '<none>'),
		field('Labels', labelsText(metadata.labels)),
		field('Created', timeText(metadata.creationTimestamp, nowMs)),
		field('Unschedulable', node.spec?.unschedulable ? 'true' : 'false', node.spec?.unschedulable ? 'warn' : undefined),
		heading('Conditions:'),
		{text: `  ${'Type'.padEnd(16)}${'Status'.padEnd(8)}${'Reason'.padEnd(28)}Message`},
	];
	for (const condition of (status.conditions ?? []) as Json[]) {
		const healthy = condition.type === 'Ready' ? condition.status === 'True' : condition.status === 'False';
		lines.push({
			text: `  ${cleanText(condition.type).padEnd(16)}${cleanText(condition.status).padEnd(8)}${cleanText(condition.reason).padEnd(28)}${cleanText(condition.message)}`,
			...(healthy ? {} : {level: 'crit' as Level}),
		});
	}
	lines.push(heading('Addresses:'));
	for (const address of (status.addresses ?? []) as Json[]) lines.push({text: `  ${cleanText(address.type)}: ${cleanText(address.address)}`});
	lines.push(
		field('Memory', `capacity ${formatBytes(parseQuantity(status.capacity?.memory) ?? 0)}, allocatable ${formatBytes(allocatable)}`),
		heading('System Info:'),
		field('Kubelet Version', info.kubeletVersion, undefined, 2),
		field('Container Runtime', info.containerRuntimeVersion, undefined, 2),
		field('OS Image', info.osImage, undefined, 2),
		field('Kernel Version', info.kernelVersion, undefined, 2),
		field('Architecture', info.architecture, undefined, 2),
		field('PodCIDR', node.spec?.podCIDR),
		heading(`Non-terminated Pods: (${pods.length} in total)`),
	);
	for (const pod of pods) lines.push({text: `  ${`${pod.namespace}/${pod.name}`.padEnd(56)} req ${formatBytes(pod.memoryRequestBytes).padEnd(10)} lim ${formatBytes(pod.memoryLimitBytes)}`});
	lines.push(
		heading('Allocated resources:'),
		{text: `  memory requests ${formatBytes(requested)}${percent(requested)}, limits ${formatBytes(limits)}${percent(limits)}`, ...(requested > allocatable && allocatable > 0 ? {level: 'crit' as Level} : {})},
	);
	lines.push(...eventLines(events, nowMs));
	return lines;
}

export function nodeRoles(labels: Json | undefined): string[] {
	return Object.keys(labels ?? {})
		.filter(key => key.startsWith('node-role.kubernetes.io/'))
		.map(key => key.slice('node-role.kubernetes.io/'.length) || 'node');
}

export function describeGateway(gateway: Json, cluster: string, events: EventInfo[], nowMs: number): DocLine[] {
	const metadata: Json = gateway.metadata ?? {};
	const status: Json = gateway.status ?? {};
	const local: Json = status.localEndpoint ?? {};
	const stamp = Number(metadata.annotations?.['update-timestamp']);
	const lines: DocLine[] = [
		field('Name', metadata.name),
		field('Namespace', metadata.namespace),
		field('Cluster', cluster),
		field('HA Status', status.haStatus, status.haStatus === 'active' ? 'ok' : 'warn'),
		field('Version', status.version),
		field('Updated', Number.isFinite(stamp) && stamp > 0 ? `${formatAge(nowMs - stamp * 1000)} ago` : '<none>'),
		field('Status Failure', status.statusFailure || '<none>', status.statusFailure ? 'crit' : undefined),
		heading('Local Endpoint:'),
		field('Cluster ID', local.cluster_id, undefined, 2),
		field('Hostname', local.hostname, undefined, 2),
		field('Private IP', local.private_ip, undefined, 2),
		field('Public IP', local.public_ip, undefined, 2),
		field('Backend', local.backend, undefined, 2),
		field('Subnets', Array.isArray(local.subnets) ? local.subnets.join(', ') : undefined, undefined, 2),
		heading('Connections:'),
	];
	const connections = (status.connections ?? []) as Json[];
	if (connections.length === 0) lines.push({text: '  <none>'});
	for (const connection of connections) {
		const endpoint: Json = connection.endpoint ?? {};
		const rtt: Json = connection.latencyRTT ?? {};
		const ms = (value: unknown) => {
			const parsed = parseGoDurationMs(typeof value === 'string' ? value : undefined);
			return parsed === undefined ? '?' : `${Math.round(parsed * 100) / 100}ms`;
		};
		const level: Level = connection.status === 'connected' ? 'ok' : connection.status === 'error' ? 'crit' : 'warn';
		lines.push({text: `  → ${cleanText(endpoint.cluster_id)} (${cleanText(endpoint.hostname)})`});
		lines.push(field('Status', connection.status, level, 4));
		lines.push(field('Status Message', connection.statusMessage || '<none>', connection.statusMessage && level !== 'ok' ? level : undefined, 4));
		lines.push(field('Using IP', connection.usingIP, undefined, 4));
		lines.push(field('RTT', `last ${ms(rtt.last)}, min ${ms(rtt.min)}, average ${ms(rtt.average)}, max ${ms(rtt.max)}`, undefined, 4));
	}
	lines.push(...eventLines(events, nowMs));
	return lines;
}
