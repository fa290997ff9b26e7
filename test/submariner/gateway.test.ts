import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseGoDurationMs, formatRtt} from '../../source/submariner/go-duration.js';
import {trimGateway, isGatewayStale, gatewaySummary} from '../../source/submariner/gateway.js';

test('Go duration strings as Submariner writes them', () => {
	assert.equal(parseGoDurationMs('447.358µs'), 0.447358);
	assert.equal(parseGoDurationMs('447.358us'), 0.447358);
	assert.equal(parseGoDurationMs('1.203417ms'), 1.203417);
	assert.equal(parseGoDurationMs('2.5s'), 2500);
	assert.equal(parseGoDurationMs('1m2.5s'), 62_500);
	assert.equal(parseGoDurationMs('1h0m0s'), 3_600_000);
	assert.equal(parseGoDurationMs('0s'), 0);
	assert.equal(parseGoDurationMs('0'), 0);
	assert.equal(parseGoDurationMs('250ns'), 0.00025);
	assert.equal(parseGoDurationMs(''), undefined);
	assert.equal(parseGoDurationMs('fast'), undefined);
	assert.equal(parseGoDurationMs('5 ms'), undefined);
	assert.equal(parseGoDurationMs('5msx'), undefined);
	assert.equal(formatRtt(0.68852), '0.69ms');
	assert.equal(formatRtt(42.4), '42ms');
	assert.equal(formatRtt(1500), '1.5s');
	assert.equal(formatRtt(undefined), '—');
});

const partitioned = {
	apiVersion: 'submariner.io/v1',
	kind: 'Gateway',
	metadata: {name: 'nuc-a1', namespace: 'submariner-operator', annotations: {'update-timestamp': '1730712960'}, managedFields: [{}]},
	status: {
		version: 'v0.18.1',
		haStatus: 'active',
		statusFailure: '',
		localEndpoint: {cluster_id: 'home-a', hostname: 'nuc-a1'},
		connections: [
			{
				status: 'error',
				statusMessage: 'Failed to successfully ping the remote endpoint IP "10.44.0.1"',
				usingIP: '192.168.20.31',
				endpoint: {cluster_id: 'home-b', hostname: 'pi-b1', backend: 'libreswan', healthCheckIP: '10.44.0.1'},
				latencyRTT: {last: '655.1µs', min: '401.377µs', average: '690.02µs', max: '4.918233ms', stdDev: '254.8µs'},
			},
		],
	},
};

test('a Gateway object is trimmed to what the panel and verdicts need (submariner.md §6.2)', () => {
	const gateway = trimGateway(partitioned);
	assert.deepEqual(gateway, {
		name: 'nuc-a1',
		namespace: 'submariner-operator',
		haStatus: 'active',
		version: 'v0.18.1',
		statusFailure: '',
		localClusterId: 'home-a',
		updatedMs: 1_730_712_960_000,
		connections: [
			{
				remoteCluster: 'home-b',
				remoteHostname: 'pi-b1',
				status: 'error',
				statusMessage: 'Failed to successfully ping the remote endpoint IP "10.44.0.1"',
				usingIP: '192.168.20.31',
				rttAverageMs: 0.69002,
				backend: 'libreswan',
				healthCheckIP: '10.44.0.1',
				pinged: true,
			},
		],
	});
	assert.equal(gatewaySummary(gateway), '0 connections out of 1 are established');
	assert.equal(isGatewayStale(gateway, 1_730_712_960_000 + 15_000), false);
	assert.equal(isGatewayStale(gateway, 1_730_712_960_000 + 15_001), true);
});

test('subctl summary wording', () => {
	const connected = trimGateway({...partitioned, status: {...partitioned.status, connections: [{...partitioned.status.connections[0], status: 'connected', statusMessage: ''}]}});
	assert.equal(gatewaySummary(connected), 'All connections (1) are established');
	const passive = trimGateway({...partitioned, status: {...partitioned.status, haStatus: 'passive', connections: []}});
	assert.equal(gatewaySummary(passive), 'There are no connections');
	const failing = trimGateway({...partitioned, status: {...partitioned.status, statusFailure: 'Error retrieving driver connections: boom'}});
	assert.equal(gatewaySummary(failing), 'Error retrieving driver connections: boom');
	const bare = trimGateway({metadata: {name: 'x'}});
	assert.equal(bare.updatedMs, undefined);
	assert.deepEqual(bare.connections, []);
	assert.equal(isGatewayStale(bare, Date.now()), true, 'no timestamp: cannot be called fresh');
});
