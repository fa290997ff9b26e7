// prometheus-query throws plain objects, not Errors (stack-notes §4): turn any of them into one short line.

const networkCodes: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	EPIPE: 'connection closed',
	ERR_CANCELED: 'cancelled',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: self-signed certificate',
	SELF_SIGNED_CERT_IN_CHAIN: 'TLS: self-signed certificate in chain',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: unable to verify certificate',
	CERT_HAS_EXPIRED: 'TLS: certificate expired',
	ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: certificate does not match host name',
};

const maxReasonLength = 120;

function oneLine(text: string): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > maxReasonLength ? `${line.slice(0, maxReasonLength - 1)}…` : line;
}

function field(value: unknown, key: string): unknown {
	return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function seconds(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** "connection refused", "timeout after 3s", "HTTP 503: service unavailable", "TLS: self-signed certificate". */
export function promErrorReason(error: unknown, timeoutMs?: number): string {
	const errorType = field(error, 'errorType');
	const code = field(error, 'code');
	const message = field(error, 'error') ?? field(error, 'message');
	const text = typeof message === 'string' ? message : '';

	if (errorType === 'timeout_error' || code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(text)) {
		return timeoutMs !== undefined ? `timeout after ${seconds(timeoutMs)}` : 'timeout';
	}
	if (errorType === 'http_error') {
		const status = field(error, 'httpStatus');
		const body = field(error, 'prometheus');
		const kind = field(body, 'errorType');
		const detail = text || 'no details';
		const hint = status === 401 || status === 403 ? ' (check prometheus.basicAuth / bearerToken)' : '';
		return oneLine(`HTTP ${String(status)}: ${typeof kind === 'string' && kind !== 'http' ? `${kind}: ` : ''}${detail}${hint}`);
	}
	if (errorType === 'client_error') return 'not a Prometheus API answer (is prometheus.url right?)';
	if (typeof code === 'string' && networkCodes[code]) return networkCodes[code];
	if (errorType === 'ssl_error') return oneLine(`TLS: ${text || String(code)}`);
	// axios wraps the socket error; the cause carries the errno code.
	const original = field(error, 'original');
	const causeCode = field(field(original, 'cause'), 'code') ?? field(original, 'code');
	if (typeof causeCode === 'string' && networkCodes[causeCode]) return networkCodes[causeCode];
	if (text) return oneLine(text);
	if (error instanceof Error) return oneLine(error.message);
	return oneLine(String(error));
}
