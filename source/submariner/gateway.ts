// A submariner.io/v1 Gateway trimmed to what labwatch shows (../shared/reference/submariner.md §1.1).
import type {GatewayConnection, GatewayInfo} from '../store/types.js';
import {parseGoDurationMs} from './go-duration.js';

/** Submariner's active gateway deletes peers whose update-timestamp is this old; a monitor calls them stale. */
export const gatewayStaleAfterMs = 15_000;

type Json = Record<string, any>;

export function trimGateway(object: Json): GatewayInfo {
	const metadata: Json = object.metadata ?? {};
	const status: Json = object.status ?? {};
	const stamp = Number(metadata.annotations?.['update-timestamp']);
	const connections: GatewayConnection[] = Array.isArray(status.connections)
		? status.connections.map((connection: Json) => ({
				remoteCluster: String(connection.endpoint?.cluster_id ?? '?'),
				remoteHostname: String(connection.endpoint?.hostname ?? ''),
				status: String(connection.status ?? 'unknown'),
				statusMessage: String(connection.statusMessage ?? ''),
				usingIP: connection.usingIP ? String(connection.usingIP) : undefined,
				// "0s" is what the pinger reports before its first reply: no measurement yet.
				rttAverageMs: parseGoDurationMs(connection.latencyRTT?.average) || undefined,
				backend: connection.endpoint?.backend ? String(connection.endpoint.backend) : undefined,
			}))
		: [];
	return {
		name: String(metadata.name ?? ''),
		namespace: String(metadata.namespace ?? ''),
		haStatus: String(status.haStatus ?? 'unknown'),
		version: String(status.version ?? ''),
		statusFailure: String(status.statusFailure ?? ''),
		localClusterId: String(status.localEndpoint?.cluster_id ?? ''),
		updatedMs: Number.isFinite(stamp) && stamp > 0 ? stamp * 1000 : undefined,
		connections,
	};
}

export function isGatewayStale(gateway: GatewayInfo, nowMs: number): boolean {
	return gateway.updatedMs === undefined || nowMs - gateway.updatedMs > gatewayStaleAfterMs;
}

/** `subctl show gateways` SUMMARY wording, so users see the words they know. */
export function gatewaySummary(gateway: GatewayInfo): string {
	if (gateway.statusFailure) return gateway.statusFailure;
	const total = gateway.connections.length;
	if (total === 0) return 'There are no connections';
	const up = gateway.connections.filter(connection => connection.status === 'connected').length;
	return up === total ? `All connections (${total}) are established` : `${up} connections out of ${total} are established`;
}
