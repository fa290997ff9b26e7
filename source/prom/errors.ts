// Any failure of a Prometheus request as one short line: "connection refused", "timeout after 3s",
// "HTTP 503: upstream unavailable", "HTTP 401: unauthorized (check prometheus.basicAuth / bearerToken)".
import {PromRequestError} from './client.js';
import {formatBytes} from '../config/size.js';

const networkCodes: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	EPIPE: 'connection closed',
	ETIMEDOUT: 'timeout',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: self-signed certificate',
	SELF_SIGNED_CERT_IN_CHAIN: 'TLS: self-signed certificate in chain',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: unable to verify certificate',
	CERT_HAS_EXPIRED: 'TLS: certificate expired',
	ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: certificate does not match host name',
	ERR_SSL_WRONG_VERSION_NUMBER: 'TLS: wrong version number (is prometheus.url http or https?)',
};

const statusWords: Record<number, string> = {401: 'unauthorized', 403: 'forbidden', 404: 'not found', 429: 'too many requests'};

const maxReasonLength = 120;

function oneLine(text: string, maxLength = maxReasonLength): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

function seconds(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** "connection refused", "timeout after 3s", "HTTP 503: service unavailable", "TLS: self-signed certificate". */
export function promErrorReason(error: unknown, timeoutMs?: number): string {
	const timeout = timeoutMs !== undefined ? `timeout after ${seconds(timeoutMs)}` : 'timeout';
	if (error instanceof PromRequestError) {
		const {failure} = error;
		switch (failure.kind) {
			case 'timeout':
				return timeout;
			case 'aborted':
				return 'cancelled';
			case 'too-large':
				return `answer larger than ${formatBytes(failure.limitBytes)}: dropped`;
			case 'not-prometheus':
				return 'not a Prometheus API answer (is prometheus.url right?)';
			case 'network': {
				const known = failure.code ? networkCodes[failure.code] : undefined;
				if (known === 'timeout') return timeout;
				return known ?? oneLine(failure.message || failure.code || 'network error');
			}
			case 'http': {
				const word = statusWords[failure.status];
				const detail = failure.detail && failure.detail.toLowerCase() !== word ? failure.detail : undefined;
				const kind = failure.errorType && failure.errorType !== word ? `${failure.errorType}: ` : '';
				const text = [word, detail ? `${kind}${detail}` : kind ? kind.slice(0, -2) : undefined].filter(Boolean).join(': ') || 'no details';
				const hint = failure.status === 401 || failure.status === 403 ? ' (check prometheus.basicAuth / bearerToken)' : '';
				const retry = failure.retryAfterMs !== undefined ? ` (retry after ${seconds(Math.ceil(failure.retryAfterMs / 1000) * 1000)})` : '';
				// The hint and the retry time are the useful part: cut the server's words, not them.
				const tail = `${hint}${retry}`;
				return `${oneLine(`HTTP ${failure.status}: ${text}`, maxReasonLength - tail.length)}${tail}`;
			}
		}
	}
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (typeof code === 'string' && networkCodes[code]) return networkCodes[code] === 'timeout' ? timeout : networkCodes[code];
	if (error instanceof Error) return oneLine(error.message) || 'unknown error';
	return oneLine(String(error));
}
