// A submariner.io/v1 Gateway trimmed to what labwatch shows (../shared/reference/submariner.md §1.1).
import type {GatewayConnection, GatewayInfo} from '../store/types.js';
import {parseGoDurationMs} from './go-duration.js';
import {MalformedObject, objectOf, objectsOf} from '../kube/trim.js';

/** Submariner's active gateway deletes peers whose update-timestamp is this old; a monitor calls them stale. */
export const gatewayStaleAfterMs = 15_000;

type Json = Record<string, any>;

// Any JSON shape is tolerated (nulls where objects belong); a gateway without a name is refused.
// `skewMs`: how far the API server's clock (the gateway node's, in a kind cluster) is ahead of ours; the
// stamp is moved onto our clock with it, so staleness is measured on one clock.
export function trimGateway(object: Json, skewMs = 0): GatewayInfo {
	const metadata = objectOf(object?.metadata);
	const status = objectOf(object?.status);
	if (typeof metadata.name !== 'string' || !metadata.name) throw new MalformedObject('gateway without metadata.name');
	const stamp = Number(objectOf(metadata.annotations)['update-timestamp']);
	const connections: GatewayConnection[] = objectsOf(status.connections).map(connection => {
		const endpoint = objectOf(connection.endpoint);
		const average = objectOf(connection.latencyRTT).average;
		return {
			remoteCluster: String(endpoint.cluster_id ?? '?'),
			remoteHostname: String(endpoint.hostname ?? ''),
			status: String(connection.status ?? 'unknown'),
			statusMessage: String(connection.statusMessage ?? ''),
			usingIP: connection.usingIP ? String(connection.usingIP) : undefined,
			// "0s" is what the pinger reports before its first reply: no measurement yet.
			rttAverageMs: (typeof average === 'string' && parseGoDurationMs(average)) || undefined,
			backend: endpoint.backend ? String(endpoint.backend) : undefined,
			// Submariner pings only endpoints with a health-check IP, and writes latencyRTT only while it does.
			healthCheckIP: typeof endpoint.healthCheckIP === 'string' ? endpoint.healthCheckIP.slice(0, 64) : '',
			pinged: typeof connection.latencyRTT === 'object' && connection.latencyRTT !== null,
		};
	});
	return {
		name: metadata.name,
		namespace: String(metadata.namespace ?? ''),
		haStatus: String(status.haStatus ?? 'unknown'),
		version: String(status.version ?? ''),
		statusFailure: String(status.statusFailure ?? ''),
		localClusterId: String(objectOf(status.localEndpoint).cluster_id ?? ''),
		updatedMs: Number.isFinite(stamp) && stamp > 0 ? stamp * 1000 - skewMs : undefined,
		connections,
	};
}

/**
 * The stamp's age when the gateway was last known current: now while it is watched, or the moment a
 * one-shot list saw it (`check` reports a few seconds after it lists; those seconds are not the gateway's).
 */
export function gatewayAgeMs(gateway: GatewayInfo, nowMs: number): number | undefined {
	if (gateway.updatedMs === undefined) return undefined;
	return Math.min(nowMs, gateway.observedMs ?? nowMs) - gateway.updatedMs;
}

export function isGatewayStale(gateway: GatewayInfo, nowMs: number): boolean {
	const age = gatewayAgeMs(gateway, nowMs);
	return age === undefined || age > gatewayStaleAfterMs;
}

/**
 * Messages a driver writes on a healthy connection when the health check is off, which are not problems:
 * WireGuard's traffic counters ("Rx=123 Bytes, Tx=456 Bytes") and older libreswan's "Connected to …".
 */
const informational = [/^Rx=\d+ Bytes, Tx=\d+ Bytes$/, /^Connected to \S+/];

/** A `connected` connection whose message says something is wrong (subctl's DEGRADED). */
export function isConnectionDegraded(connection: Pick<GatewayConnection, 'status' | 'statusMessage'>): boolean {
	if (connection.status !== 'connected' || !connection.statusMessage) return false;
	return !informational.some(pattern => pattern.test(connection.statusMessage.trim()));
}

/** `subctl show gateways` SUMMARY wording, so users see the words they know. */
export function gatewaySummary(gateway: GatewayInfo): string {
	if (gateway.statusFailure) return gateway.statusFailure;
	const total = gateway.connections.length;
	if (total === 0) return 'There are no connections';
	const up = gateway.connections.filter(connection => connection.status === 'connected').length;
	return up === total ? `All connections (${total}) are established` : `${up} connections out of ${total} are established`;
}
