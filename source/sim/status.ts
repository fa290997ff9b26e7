// Error bodies: always a metav1.Status, as the apiserver writes them (kube-api-wire.md, "Errors").

const reasons: Record<number, string> = {
	400: 'BadRequest',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'NotFound',
	405: 'MethodNotAllowed',
	409: 'Conflict',
	410: 'Expired',
	422: 'Invalid',
	429: 'TooManyRequests',
	500: 'InternalError',
	503: 'ServiceUnavailable',
	504: 'Timeout',
};

export interface StatusBody {
	kind: 'Status';
	apiVersion: 'v1';
	metadata: Record<string, never>;
	status: 'Failure';
	message: string;
	reason: string;
	details?: Record<string, unknown>;
	code: number;
}

export function statusBody(code: number, message: string, details?: Record<string, unknown>, reason?: string): StatusBody {
	return {
		kind: 'Status',
		apiVersion: 'v1',
		metadata: {},
		status: 'Failure',
		message,
		reason: reason ?? reasons[code] ?? 'Unknown',
		...(details ? {details} : {}),
		code,
	};
}

export function injectedStatus(code: number): StatusBody {
	const messages: Record<number, string> = {
		500: 'Internal error occurred: injected by the labwatch simulator',
		503: 'the server is currently unable to handle the request',
		504: 'the server was unable to return a response in the time allotted',
		401: 'Unauthorized',
		403: 'forbidden: injected by the labwatch simulator',
	};
	return statusBody(code, messages[code] ?? `injected error ${code}`);
}
