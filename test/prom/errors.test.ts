import {test} from 'node:test';
import assert from 'node:assert/strict';
import {promErrorReason} from '../../source/prom/errors.js';

test('prometheus-query error objects become one-line reasons', () => {
	assert.equal(promErrorReason({status: 'error', errorType: 'network_error', error: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED'}), 'connection refused');
	assert.equal(promErrorReason({status: 'error', errorType: 'timeout_error', error: 'timeout of 3000ms exceeded', code: 'ECONNABORTED'}, 3000), 'timeout after 3s');
	assert.equal(promErrorReason({status: 'error', errorType: 'network_error', code: 'ETIMEDOUT'}, 1500), 'timeout after 1.5s');
	assert.equal(
		promErrorReason({status: 'error', errorType: 'http_error', httpStatus: 503, error: 'Service Unavailable', prometheus: {status: 'error', errorType: 'http', error: 'Service Unavailable'}}),
		'HTTP 503: Service Unavailable',
	);
	assert.equal(
		promErrorReason({status: 'error', errorType: 'http_error', httpStatus: 400, error: '1:5: parse error:\n unexpected', prometheus: {errorType: 'bad_data'}}),
		'HTTP 400: bad_data: 1:5: parse error: unexpected',
	);
	assert.match(promErrorReason({errorType: 'http_error', httpStatus: 401, error: 'Unauthorized'}), /^HTTP 401: Unauthorized \(check prometheus\.basicAuth/);
	assert.equal(promErrorReason({errorType: 'client_error', error: 'unexpected client error'}), 'not a Prometheus API answer (is prometheus.url right?)');
	assert.equal(promErrorReason({errorType: 'ssl_error', code: 'ERR_SSL_WRONG_VERSION_NUMBER', error: 'wrong version number'}), 'TLS: wrong version number');
	assert.equal(promErrorReason({errorType: 'network_error', code: 'DEPTH_ZERO_SELF_SIGNED_CERT'}), 'TLS: self-signed certificate');
	assert.equal(promErrorReason(new Error('boom\nsecond line')), 'boom second line');
	assert.equal(promErrorReason('x'.repeat(300)).length, 120);
});
