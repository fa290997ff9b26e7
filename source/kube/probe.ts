// A partition drops packets silently: an open watch just goes quiet. Only an active probe with a short
// deadline tells "unreachable" from "nothing happened", so every cluster is asked /readyz every second.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import type {Agent} from 'node:http';
import {KubeRequestError, maxErrorBodyBytes, openRequest, plainText, readBody, statusError} from './http.js';

export type ProbeResult = {ok: true} | {ok: false; reason: string; silent: boolean};

export async function probeReadyz(kc: KubeConfig, timeoutMs: number, agent?: Agent): Promise<ProbeResult> {
	const result = await probeOnce(kc, timeoutMs, agent);
	// A kept-alive socket the server closed just as we reused it resets: that says nothing about the
	// cluster, so ask once more on a fresh connection before reporting it.
	if (!result.ok && agent && !result.silent && result.reason === 'connection reset') return probeOnce(kc, timeoutMs);
	return result;
}

/** A 401 on any request: the server rejects these credentials, so nothing in the cluster can be read. */
export function unauthorizedReason(kc: KubeConfig): string {
	return `unauthorized: check the credentials of context ${kc.getCurrentContext()}`;
}

/**
 * Why /readyz said no, in words: a 401 names the context whose credentials failed; a failing check list
 * (`[+]ping ok … [-]etcd failed: reason withheld`) gives its first failed check; a Status gives its message.
 */
export function notReadyReason(kc: KubeConfig, statusCode: number, body: string): string {
	if (statusCode === 401) return unauthorizedReason(kc);
	const failedCheck = body.split('\n').find(line => line.startsWith('[-]'));
	if (failedCheck) return `not ready: ${plainText(failedCheck, 200)}`;
	if (body.trimStart().startsWith('{')) return statusError(statusCode, body).message;
	const firstLine = plainText(body.split('\n').find(line => line.trim()) ?? '', 120);
	return `not ready: HTTP ${statusCode}${firstLine ? ` ${firstLine}` : ''}`;
}

async function probeOnce(kc: KubeConfig, timeoutMs: number, agent?: Agent): Promise<ProbeResult> {
	// A timer cleared on the answer, not AbortSignal.timeout: that one fires (and builds an exception)
	// after every probe, twice a second for as long as the pane is open.
	const deadline = new AbortController();
	const timer = setTimeout(() => deadline.abort(), timeoutMs);
	try {
		const response = await openRequest(kc, '/readyz', {signal: deadline.signal, timeoutMs, agent});
		const body = await readBody(response, maxErrorBodyBytes);
		if (response.statusCode === 200) return {ok: true};
		return {ok: false, reason: notReadyReason(kc, response.statusCode ?? 0, body), silent: false};
	} catch (error) {
		const message = error instanceof KubeRequestError ? error.message : String((error as Error).message);
		const silent = deadline.signal.aborted || message === 'timeout';
		return {ok: false, reason: silent ? 'timeout' : message, silent};
	} finally {
		clearTimeout(timer);
	}
}
