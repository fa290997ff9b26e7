import {test} from 'node:test';
import assert from 'node:assert/strict';
import {PromRequestError} from '../../source/prom/client.js';
import {promErrorReason} from '../../source/prom/errors.js';

const failed = (failure: ConstructorParameters<typeof PromRequestError>[0]) => new PromRequestError(failure);

test('every failure of a request becomes one short line', () => {
	assert.equal(promErrorReason(failed({kind: 'network', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1'})), 'connection refused');
	assert.equal(promErrorReason(failed({kind: 'timeout'}), 3000), 'timeout after 3s');
	assert.equal(promErrorReason(failed({kind: 'network', code: 'ETIMEDOUT', message: 'x'}), 1500), 'timeout after 1.5s');
	assert.equal(promErrorReason(failed({kind: 'http', status: 503, detail: 'Service Unavailable'})), 'HTTP 503: Service Unavailable');
	assert.equal(promErrorReason(failed({kind: 'http', status: 400, errorType: 'bad_data', detail: '1:5: parse error:\n unexpected'})), 'HTTP 400: bad_data: 1:5: parse error: unexpected');
	assert.equal(promErrorReason(failed({kind: 'http', status: 401, detail: 'Unauthorized'})), 'HTTP 401: unauthorized (check prometheus.basicAuth / bearerToken)');
	assert.equal(promErrorReason(failed({kind: 'http', status: 401})), 'HTTP 401: unauthorized (check prometheus.basicAuth / bearerToken)');
	assert.equal(
		promErrorReason(failed({kind: 'http', status: 401, detail: 'invalid bearer token'})),
		'HTTP 401: unauthorized: invalid bearer token (check prometheus.basicAuth / bearerToken)',
	);
	assert.equal(promErrorReason(failed({kind: 'http', status: 429, retryAfterMs: 6500})), 'HTTP 429: too many requests (retry after 7s)');
	assert.equal(promErrorReason(failed({kind: 'not-prometheus', detail: 'not JSON'})), 'not a Prometheus API answer (is prometheus.url right?)');
	assert.equal(promErrorReason(failed({kind: 'too-large', limitBytes: 16 * 2 ** 20})), 'answer larger than 16 MiB: dropped');
	assert.equal(promErrorReason(failed({kind: 'network', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self signed certificate'})), 'TLS: self-signed certificate');
	assert.equal(promErrorReason(new Error('boom\nsecond line')), 'boom second line');
	assert.equal(promErrorReason('x'.repeat(300)).length, 120);
	// A long server message is cut, never the hint.
	assert.match(promErrorReason(failed({kind: 'http', status: 403, detail: 'y'.repeat(300)})), /… \(check prometheus\.basicAuth \/ bearerToken\)$/);
});
