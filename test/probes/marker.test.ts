// Which gateway answered: the marker read from a real answer (servers on 127.0.0.1), hostile values made
// safe, and the reasons an answer names no gateway.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {runProbeOnce, maxProbeBodyBytes} from '../../source/probes/run-once.js';
import {probeTargetSchema} from '../../source/config/schema.js';
import {probeMarkerSchema} from '../../source/config/probe-options.js';
import {gatewayFor, readMarker} from '../../source/probes/marker.js';

const servers: http.Server[] = [];
after(() => {
	for (const server of servers) {
		server.closeAllConnections();
		server.close();
	}
});

async function serve(handler: http.RequestListener): Promise<string> {
	const server = http.createServer(handler);
	servers.push(server);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const values = {m2: 'gw-m2', m1: ['gw-m1', 'gw-m1-b']};
const probe = (url: string, marker: Record<string, unknown>) => probeTargetSchema.parse({name: 'api', http: url, marker});

test('a header names the gateway, matched against values (one value or a list)', async () => {
	let next = 0;
	const names = ['gw-m2', 'gw-m1-b', 'gw-m3'];
	const url = await serve((_req, res) => res.writeHead(200, {'X-Served-By': names[next++ % names.length]!}).end('ok'));
	const configured = probe(url, {header: 'x-served-by', values});
	const results = [await runProbeOnce(configured), await runProbeOnce(configured), await runProbeOnce(configured)];
	assert.deepEqual(
		results.map(result => [result.ok, result.gateway, result.markerError]),
		[
			[true, 'm2', undefined],
			[true, 'm1', undefined],
			[true, undefined, 'unknown marker "gw-m3"'],
		],
	);
});

test('a JSON body field names the gateway; without values the value is the name', async () => {
	const url = await serve((_req, res) => res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({meta: {gateway: 'm2-gateway-7f9c'}})));
	const result = await runProbeOnce(probe(url, {json: 'meta.gateway'}));
	assert.equal(result.ok, true);
	assert.equal(result.gateway, 'm2-gateway-7f9c');
});

test('an answer without the marker is still an answer, with the reason in words', async () => {
	const plain = await serve((_req, res) => res.end('ok'));
	assert.deepEqual(pick(await runProbeOnce(probe(plain, {header: 'X-Served-By'}))), [true, undefined, 'no header X-Served-By']);
	assert.deepEqual(pick(await runProbeOnce(probe(plain, {json: 'served_by'}))), [true, undefined, 'body is not JSON']);
	const other = await serve((_req, res) => res.end('{"other": 1}'));
	assert.deepEqual(pick(await runProbeOnce(probe(other, {json: 'served_by'}))), [true, undefined, 'no field served_by']);
	const nested = await serve((_req, res) => res.end('{"served_by": {"name": "x"}}'));
	assert.deepEqual(pick(await runProbeOnce(probe(nested, {json: 'served_by'}))), [true, undefined, 'field served_by is not a string']);
});

test('a failed answer names no gateway: it is a failure in the share window', async () => {
	const url = await serve((_req, res) => res.writeHead(502, {'X-Served-By': 'gw-m2'}).end('bad gateway'));
	const result = await runProbeOnce(probe(url, {header: 'X-Served-By', values}));
	assert.deepEqual([result.ok, result.error, result.gateway], [false, 'HTTP 502', undefined]);
});

test('hostile values: escape sequences and control characters never pass, length is bounded', async () => {
	const url = await serve((_req, res) => res.end(JSON.stringify({served_by: '\u001b]0;pwned\u0007gw-\u001b[31mm2\u202e' + 'x'.repeat(500)})));
	const result = await runProbeOnce(probe(url, {json: 'served_by'}));
	assert.equal(result.ok, true);
	assert.doesNotMatch(result.gateway!, /[\u0000-\u001f\u007f-\u009f\u202e]/);
	assert.ok(result.gateway!.startsWith('gw-m2'), result.gateway);
	assert.ok(result.gateway!.length <= 64);
	// A header cannot carry raw control characters, but Node lets obs-text through: still made safe.
	assert.equal(readMarker(probeMarkerSchema.parse({header: 'X'}), {headers: {x: 'gw\u009b31m-m2'}}).value, 'gw-m2');
});

test('a body past the bound is not parsed as JSON, and the rest is not waited on', async () => {
	const url = await serve((_req, res) => {
		res.write(`{"served_by": "gw-m2", "pad": "${'x'.repeat(maxProbeBodyBytes)}`);
		// Never ends: the probe stops reading at the bound.
	});
	const result = await runProbeOnce(probe(url, {json: 'served_by'}));
	assert.deepEqual(pick(result), [true, undefined, 'body over 64 KiB: not read as JSON']);
});

test('gatewayFor: exact matches only', () => {
	const marker = probeMarkerSchema.parse({header: 'X', values});
	assert.deepEqual(gatewayFor(marker, 'gw-m2'), {gateway: 'm2'});
	assert.deepEqual(gatewayFor(marker, 'GW-M2'), {markerError: 'unknown marker "GW-M2"'});
});

function pick(result: {ok: boolean; gateway?: string; markerError?: string}): unknown[] {
	return [result.ok, result.gateway, result.markerError];
}
