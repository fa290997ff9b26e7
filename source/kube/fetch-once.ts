// `check` needs one consistent look, not a watch: list each resource once, under a deadline.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import type {LabStore} from '../store/lab-store.js';
import type {ResourceName} from '../store/types.js';
import {KubeRequestError} from './http.js';
import {listAll} from './list.js';
import {probeReadyz, unauthorizedReason} from './probe.js';
import {discoveryKindsFor, gatewaysKind, nodesKind, podsKind} from './resources.js';
import {discoveryKinds} from '../store/discovery.js';
import type {ResourceKind} from './reflector.js';

type Listed<T> = {items: T[]; skipped: number} | 'missing';

/** The whole list, or 'missing' when the API does not serve the resource (no Submariner CRDs). */
async function listOrMissing<T>(kc: KubeConfig, kind: ResourceKind<T>, signal: AbortSignal, timeoutMs: number): Promise<Listed<T>> {
	try {
		const {items, skipped} = await listAll(kc, kind, {signal, timeoutMs});
		return {items, skipped};
	} catch (error) {
		if (error instanceof KubeRequestError && error.statusCode === 404) return 'missing';
		throw error;
	}
}

/**
 * Fills the store with one cluster's nodes, pods and gateways, or marks it unreachable with the reason.
 * A /readyz probe runs beside the lists with the short probe deadline, so a cluster that is cut off or
 * asleep is reported in about a second instead of using up the whole check's time.
 * Only a failed connection or probe makes the cluster unreachable: a resource the server answers with
 * an error (403, 410, 500) is that resource's error, and the cluster is live.
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
	const discoveryKindsHere = discoveryKindsFor(cluster.submarinerNamespace);
	const [nodes, pods, gateways, ...discovery] = await Promise.allSettled([
		listOrMissing(kc, nodesKind, signal, timeoutMs),
		listOrMissing(kc, podsKind, signal, timeoutMs),
		listOrMissing(kc, gatewaysKind(cluster.submarinerNamespace, kc.getCurrentCluster()?.server), signal, timeoutMs),
		...discoveryKinds.map(kind => listOrMissing<unknown>(kc, discoveryKindsHere[kind] as ResourceKind<unknown>, signal, timeoutMs)),
	]);
	const unreachable = (reason: string) => store.setConnection(cluster.name, 'unreachable', reason, {sinceUnknown: true}); // one look cannot tell when the outage began
	if (probeReason) return unreachable(probeReason);
	if (deadline.aborted) return unreachable(`timeout after ${seconds(timeoutMs)}`);
	const results = {nodes, pods, gateways, ...Object.fromEntries(discoveryKinds.map((kind, index) => [kind, discovery[index]!]))} as Record<ResourceName, PromiseSettledResult<Listed<unknown>>>;
	// A 401 is the cluster's credentials, whichever answer came first: /readyz may answer after the lists.
	if (Object.values(results).some(result => result.status === 'rejected' && result.reason instanceof KubeRequestError && result.reason.statusCode === 401)) {
		return unreachable(unauthorizedReason(kc));
	}
	for (const [resource, result] of Object.entries(results)) {
		if (result.status === 'rejected' && !(result.reason instanceof KubeRequestError && result.reason.answered)) {
			return unreachable(`${resource}: ${(result.reason as Error)?.message ?? String(result.reason)}`);
		}
	}
	if (nodes.status === 'fulfilled' && nodes.value === 'missing' && pods.status === 'fulfilled' && pods.value === 'missing') {
		return unreachable('core API not found (is this a Kubernetes API server?)');
	}
	const apply = <T>(resource: ResourceName, result: PromiseSettledResult<Listed<T>>, replace: (items: T[]) => void, missing: () => void) => {
		if (result.status === 'rejected') {
			store.setResourceError(cluster.name, resource, (result.reason as Error).message);
		} else if (result.value === 'missing') {
			missing();
		} else {
			replace(result.value.items);
			store.countSkipped(cluster.name, resource, result.value.skipped, true);
		}
	};
	apply('nodes', nodes, items => store.replaceNodes(cluster.name, items), () => store.setResourceError(cluster.name, 'nodes', 'not found: the server does not serve nodes'));
	apply('pods', pods, items => store.replacePods(cluster.name, items), () => store.setResourceError(cluster.name, 'pods', 'not found: the server does not serve pods'));
	// One look: each gateway's staleness is judged as of the list, not when the report is printed.
	const observedMs = Date.now();
	apply('gateways', gateways, items => store.replaceGateways(cluster.name, items.map(gateway => ({...gateway, observedMs}))), () => store.markGatewaysMissing(cluster.name));
	// Lighthouse and Submariner's other kinds: a 404 is "not installed", a fact.
	discoveryKinds.forEach((kind, index) => {
		apply(kind, discovery[index]!, items => store.replaceDiscovery(cluster.name, kind, items as never), () => store.markDiscoveryMissing(cluster.name, kind));
	});
	store.setConnection(cluster.name, 'live');
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;
