// A partition drops packets silently: an open watch just goes quiet. Only an active probe with a short
// deadline tells "unreachable" from "nothing happened", so every cluster is asked /readyz every second.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import type {Agent} from 'node:http';
import {KubeRequestError, openRequest} from './http.js';

export type ProbeResult = {ok: true} | {ok: false; reason: string; silent: boolean};

export async function probeReadyz(kc: KubeConfig, timeoutMs: number, agent?: Agent): Promise<ProbeResult> {
	const result = await probeOnce(kc, timeoutMs, agent);
	// A kept-alive socket the server closed just as we reused it resets: that says nothing about the
	// cluster, so ask once more on a fresh connection before reporting it.
	if (!result.ok && agent && !result.silent && result.reason === 'connection reset') return probeOnce(kc, timeoutMs);
	return result;
}

async function probeOnce(kc: KubeConfig, timeoutMs: number, agent?: Agent): Promise<ProbeResult> {
	// A timer cleared on the answer, not AbortSignal.timeout: that one fires (and builds an exception)
	// after every probe, twice a second for as long as the pane is open.
	const deadline = new AbortController();
	const timer = setTimeout(() => deadline.abort(), timeoutMs);
	try {
		const response = await openRequest(kc, '/readyz', {signal: deadline.signal, timeoutMs, agent});
		const chunks: Buffer[] = [];
		for await (const chunk of response) chunks.push(chunk as Buffer);
		if (response.statusCode === 200) return {ok: true};
		const body = Buffer.concat(chunks).toString('utf8').trim().split('\n')[0]?.slice(0, 80) ?? '';
		return {ok: false, reason: `not ready: HTTP ${response.statusCode}${body ? ` ${body}` : ''}`, silent: false};
	} catch (error) {
		const message = error instanceof KubeRequestError ? error.message : String((error as Error).message);
		const silent = deadline.signal.aborted || message === 'timeout';
		return {ok: false, reason: silent ? 'timeout' : message, silent};
	} finally {
		clearTimeout(timer);
	}
}
