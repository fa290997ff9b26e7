import {test} from 'node:test';
import assert from 'node:assert/strict';
import {instanceHost, readHostMemory} from '../../source/prom/host-memory.js';
import {GiB, MiB, darwinHost, linuxHost, sample, testConfig} from '../budget/fixtures.js';

const memory = {total: 8 * GiB, free: 512 * MiB, active: 3 * GiB, inactive: 2 * GiB, wired: GiB, compressed: 768 * MiB, internal: 4 * GiB, purgeable: 256 * MiB};

test('instance host part', () => {
	assert.equal(instanceHost('192.168.1.20:9100'), '192.168.1.20');
	assert.equal(instanceHost('192.168.1.20'), '192.168.1.20');
	assert.equal(instanceHost('[::1]:9100'), '::1');
	assert.equal(instanceHost('http://10.0.0.1:9100/metrics'), '10.0.0.1');
});

test('address match is exact: 127.0.0.1 is not 127.0.0.12', () => {
	const host = testConfig().hosts.m2!;
	const other = readHostMemory({...host, address: '127.0.0.1'}, linuxHost('127.0.0.12:9100', 8 * GiB, GiB));
	assert.equal(other.state, 'missing');
	const own = readHostMemory(host, linuxHost('127.0.0.12:9100', 8 * GiB, GiB));
	assert.deepEqual(own, {state: 'ok', dialect: 'linux', instance: '127.0.0.12:9100', totalBytes: 8 * GiB, usedBytes: 7 * GiB});
});

test('nodeExporter selects by instance or by another label', () => {
	const host = testConfig().hosts.m2!;
	const samples = [...linuxHost('a:9100', 8 * GiB, 2 * GiB), ...darwinHost('mac', memory).map(item => ({...item, labels: {...item.labels, hostname: 'mbp'}}))];
	assert.equal(readHostMemory({...host, nodeExporter: 'a:9100'}, samples).state, 'ok');
	const byLabel = readHostMemory({...host, nodeExporter: {label: 'hostname', value: 'mbp'}}, samples);
	assert.equal(byLabel.state === 'ok' && byLabel.dialect, 'darwin');
});

test('darwin: Activity Monitor formula, and the fallback for exporters without internal/purgeable', () => {
	const host = {...testConfig().hosts.m2!, nodeExporter: 'mac'};
	const full = readHostMemory(host, darwinHost('mac', memory));
	assert.equal(full.state === 'ok' && full.usedBytes, 4 * GiB - 256 * MiB + GiB + 768 * MiB);
	const old = darwinHost('mac', memory).filter(item => !/internal|purgeable/.test(item.labels.__name__ ?? ''));
	const fallback = readHostMemory(host, old);
	assert.equal(fallback.state === 'ok' && fallback.usedBytes, 8 * GiB - 512 * MiB - 2 * GiB);
});

test('missing series and down targets are named', () => {
	const host = {...testConfig().hosts.m2!, nodeExporter: 'm2:9100'};
	assert.deepEqual(readHostMemory(host, linuxHost('m2:9100', 8 * GiB, GiB).slice(0, 1)), {
		state: 'missing',
		reason: 'no series node_memory_MemAvailable_bytes for instance m2:9100',
	});
	assert.deepEqual(readHostMemory(host, []), {
		state: 'missing',
		reason: 'no series node_memory_MemTotal_bytes or node_memory_total_bytes for instance m2:9100',
	});
	assert.deepEqual(readHostMemory(host, [], [sample({instance: 'm2:9100', job: 'node'}, 0)]), {
		state: 'missing',
		reason: 'node_exporter target m2:9100 down',
	});
	const noWired = darwinHost('m2:9100', memory).filter(item => item.labels.__name__ !== 'node_memory_wired_bytes');
	assert.deepEqual(readHostMemory(host, noWired), {state: 'missing', reason: 'no series node_memory_wired_bytes for instance m2:9100'});
});

test('several down targets at the host address: all named, none guessed to be the node_exporter', () => {
	// The real-Kubernetes lab scrapes node_exporter (:9100) and the apiserver (:6443) at one address; a cut
	// downs both, and Prometheus lists them in any order.
	const host = testConfig().hosts.m2!;
	const address = host.address;
	const apiserver = sample({instance: `${address}:6443`, job: 'apiserver-m2'}, 0);
	const exporter = sample({instance: `${address}:9100`, job: 'm2'}, 0);
	const expected = {state: 'missing', reason: `no node_exporter series; targets at ${address} down: ${address}:6443 (job apiserver-m2), ${address}:9100 (job m2)`};
	assert.deepEqual(readHostMemory(host, [], [apiserver, exporter]), expected);
	assert.deepEqual(readHostMemory(host, [], [exporter, apiserver]), expected);
});
