// The rows each dig view lists, shared by the views (to draw) and the router (to know what is selected
// and how far a pane scrolls). Pure functions of snapshots: no React here.
import type {ClusterSnapshot, GatewayInfo, LabSnapshot, NodeInfo, PodInfo} from '../source/store/types.js';
import type {DigSnapshot, NodeDetail} from '../source/store/dig-store.js';
import {mergeEvents, type EventInfo} from '../source/kube/events.js';
import {scopePods, sortPods, type SortKey} from '../source/store/pod-sort.js';
import {visiblePods} from './format.js';
import {exportRows, type ExportRow} from '../source/lighthouse/exports.js';

/** The pods a panel lists: filtered (name or namespace), scoped to a namespace, sorted. */
export function listedPods(cluster: ClusterSnapshot, filter: string, scope?: {sort: SortKey; namespace?: string}): PodInfo[] {
	const pods = visiblePods(cluster, filter);
	if (!scope) return pods;
	return sortPods(scopePods(pods, scope.namespace), scope.sort);
}

export interface NodeRow {
	cluster: string;
	node: NodeInfo;
	detail?: NodeDetail;
	pods: PodInfo[];
	requestBytes: number;
	stale: boolean;
}

const live = (pod: PodInfo) => pod.phase !== 'Succeeded' && pod.phase !== 'Failed';

export function nodeRows(snapshot: LabSnapshot, dig: DigSnapshot): NodeRow[] {
	const rows: NodeRow[] = [];
	for (const cluster of snapshot.clusters) {
		for (const node of cluster.nodes) {
			const pods = cluster.pods.filter(pod => pod.node === node.name && live(pod));
			rows.push({
				cluster: cluster.name,
				node,
				detail: dig.nodes?.items.find(item => item.cluster === cluster.name && item.name === node.name),
				pods,
				requestBytes: pods.reduce((sum, pod) => sum + pod.memoryRequestBytes, 0),
				stale: cluster.stale,
			});
		}
	}
	return rows;
}

export function podsOnNode(snapshot: LabSnapshot, cluster: string, node: string): PodInfo[] {
	return snapshot.clusters.find(item => item.name === cluster)?.pods.filter(pod => pod.node === node) ?? [];
}

export interface GatewayRow {
	cluster: string;
	gateway: GatewayInfo;
	stale: boolean;
}

export function gatewayRows(snapshot: LabSnapshot): GatewayRow[] {
	return snapshot.clusters.flatMap(cluster => cluster.gateways.map(gateway => ({cluster: cluster.name, gateway, stale: cluster.stale})));
}

export function eventRows(dig: DigSnapshot, search: string): EventInfo[] {
	return dig.events ? mergeEvents([dig.events.items], search) : [];
}

/** Log lines shown: all held, or those containing the search (case-insensitive). */
export function logRows(dig: DigSnapshot, search: string): string[] {
	const lines = dig.logs?.lines ?? [];
	if (!search) return lines;
	const needle = search.toLowerCase();
	return lines.filter(line => line.toLowerCase().includes(needle));
}

/** The services view's rows: every cluster's ServiceExports with where each is imported (source/lighthouse/exports.ts). */
export function serviceRows(snapshot: LabSnapshot): ExportRow[] {
	return exportRows(snapshot);
}
