// The operator's Submariner CR (submariners.submariner.io/v1alpha1, normally submariner-operator/submariner)
// trimmed to what labwatch uses: the cluster ID, cable driver, whether service discovery (Lighthouse) is
// on, and spec.connectionHealthCheck. The operator treats an absent connectionHealthCheck as
// {enabled: true, intervalSeconds: 1, maxPacketLossCount: 5} (controllers/submariner/gateway_resources.go),
// so absence is "enabled, defaults", never "disabled".
import {MalformedObject, objectOf} from '../kube/trim.js';

export interface ConnectionHealthCheck {
	enabled: boolean;
	intervalSeconds: number;
	maxPacketLossCount: number;
	/** The CR has no connectionHealthCheck: these are the operator's defaults. */
	defaulted: boolean;
}

export interface SubmarinerInfo {
	namespace: string;
	name: string;
	clusterId: string;
	/** Where the gateways, Endpoints and Clusters live (spec.namespace). */
	submarinerNamespace: string;
	cableDriver: string;
	/** spec.serviceDiscoveryEnabled: the operator deploys Lighthouse. */
	serviceDiscoveryEnabled: boolean;
	healthCheck: ConnectionHealthCheck;
}

export const defaultHealthCheck: ConnectionHealthCheck = {enabled: true, intervalSeconds: 1, maxPacketLossCount: 5, defaulted: true};

const text = (value: unknown, max = 253): string => (typeof value === 'string' ? value.slice(0, max) : '');
const count = (value: unknown): number => (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 86_400 ? (value as number) : 0);

export function trimSubmariner(object: Record<string, any>): SubmarinerInfo {
	const metadata = objectOf(object?.metadata);
	if (typeof metadata.name !== 'string' || !metadata.name) throw new MalformedObject('submariner without metadata.name');
	const spec = objectOf(object?.spec);
	const check = spec.connectionHealthCheck;
	// The operator copies the struct as it is: a present but empty one is enabled=false, 0 s, 0 (the pinger
	// then falls back to 1 s and 5 for the zeros).
	const healthCheck: ConnectionHealthCheck =
		typeof check === 'object' && check !== null && !Array.isArray(check)
			? {enabled: check.enabled === true, intervalSeconds: count(check.intervalSeconds), maxPacketLossCount: count(check.maxPacketLossCount), defaulted: false}
			: defaultHealthCheck;
	return {
		namespace: text(metadata.namespace),
		name: metadata.name,
		clusterId: text(spec.clusterID, 63),
		submarinerNamespace: text(spec.namespace),
		cableDriver: text(spec.cableDriver, 32),
		serviceDiscoveryEnabled: spec.serviceDiscoveryEnabled === true,
		healthCheck,
	};
}

/** "health check every 1 s, error after 5 lost", "health check off". */
export function healthCheckWords(check: ConnectionHealthCheck): string {
	if (!check.enabled) return 'health check off';
	const interval = check.intervalSeconds || 1;
	const loss = check.maxPacketLossCount || 5;
	return `health check every ${interval} s, error after ${loss} lost${check.defaulted ? ' (operator defaults)' : ''}`;
}
