// `check` needs one consistent look, not a watch: list each resource once, under a deadline.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import type {LabStore} from '../store/lab-store.js';
import {KubeRequestError} from './http.js';
import {listAll} from './list.js';
import {probeReadyz} from './probe.js';
import {gatewaysKind, nodesKind, podsKind} from './resources.js';
import type {ResourceKind} from './reflector.js';

/** The whole list, or 'missing' when the API does not serve the resource (no Submariner CRDs). */
async function listOrMissing<T>(kc: KubeConfig, kind: ResourceKind<T>, signal: AbortSignal, timeoutMs: number): Promise<T[] | 'missing'> {
	try {
		return (await listAll(kc, kind, {signal, timeoutMs})).items;
	} catch (error) {
		if (error instanceof KubeRequestError && error.statusCode === 404) return 'missing';
		throw error;
	}
}

/**
 * Fills the store with one cluster's nodes, pods and gateways, or marks it unreachable with the reason.
 * A /readyz probe runs beside the lists with the short probe deadline, so a cluster that is cut off or
 * asleep is reported in about a second instead of using up the whole check's time.
 */
export async function fetchClusterOnce(
	kc: KubeConfig,
	cluster: {name: string; submarinerNamespace: string},
	store: LabStore,
	timeoutMs: number,
	probeTimeoutMs = timeoutMs,
): Promise<void> {
	const deadline = AbortSignal.timeout(timeoutMs);
	const unanswered = new AbortController();
	const signal = AbortSignal.any([deadline, unanswered.signal]);
	let probeReason: string | undefined;
	const probeMs = Math.min(timeoutMs, probeTimeoutMs);
	void probeReadyz(kc, probeMs).then(result => {
		if (result.ok || signal.aborted) return;
		probeReason = result.silent ? `timeout after ${seconds(probeMs)}` : result.reason;
		unanswered.abort();
	});
	try {
		const [nodes, pods, gateways] = await Promise.all([
			listOrMissing(kc, nodesKind, signal, timeoutMs),
			listOrMissing(kc, podsKind, signal, timeoutMs),
			listOrMissing(kc, gatewaysKind(cluster.submarinerNamespace, kc.getCurrentCluster()?.server), signal, timeoutMs),
		]);
		if (nodes === 'missing' || pods === 'missing') throw new KubeRequestError('core API not found (is this a Kubernetes API server?)');
		store.replaceNodes(cluster.name, nodes);
		store.replacePods(cluster.name, pods);
		if (gateways === 'missing') store.markGatewaysMissing(cluster.name);
		// One look: each gateway's staleness is judged as of now, not when the report is printed.
		else store.replaceGateways(cluster.name, gateways.map(gateway => ({...gateway, observedMs: Date.now()})));
		store.setConnection(cluster.name, 'live');
	} catch (error) {
		const reason = probeReason ?? (deadline.aborted ? `timeout after ${seconds(timeoutMs)}` : (error as Error).message);
		// One look cannot tell when the outage began.
		store.setConnection(cluster.name, 'unreachable', reason, {sinceUnknown: true});
	}
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;
