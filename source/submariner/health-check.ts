// Whether Submariner health-checks a gateway connection. Only a health-checked connection's `connected`
// says the tunnel carries traffic: without the pinger it is the cable driver's word (libreswan: an SA is
// listed; vxlan: always), so labwatch shows "not health-checked" there instead of a health verdict.
// Submariner pings a remote endpoint only when the health check is on (the CR's connectionHealthCheck,
// enabled by default) and the endpoint has a health-check IP; it writes latencyRTT only while it pings
// (pkg/cableengine/healthchecker, pkg/cableengine/syncer).
import type {GatewayConnection} from '../store/types.js';
import type {SubmarinerInfo} from './submariner-cr.js';

export type HealthCheckVerdict = {checked: true} | {checked: false; why: string};

export function connectionHealthCheck(connection: GatewayConnection, submariner: SubmarinerInfo | undefined): HealthCheckVerdict {
	if (submariner && !submariner.healthCheck.enabled) return {checked: false, why: `connectionHealthCheck disabled in ${submariner.namespace}/${submariner.name}`};
	if (connection.pinged) return {checked: true};
	// A gateway read by an older labwatch fixture says nothing either way: keep the health verdict.
	if (connection.healthCheckIP === '') return {checked: false, why: `${connection.remoteCluster}'s endpoint has no health-check IP`};
	return {checked: true};
}

/** The words after a connection's status when it is not health-checked. */
export const notHealthChecked = 'not health-checked';
