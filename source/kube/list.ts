// One full list of a resource, page by page (`limit`/`continue`), trimmed as it arrives: what the
// reflector starts from and what `check` looks at.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {getJson} from './http.js';
import type {ResourceKind} from './reflector.js';

interface ListResponse {
	metadata?: {resourceVersion?: string; continue?: string};
	items?: Array<Record<string, any>>;
}

export async function listAll<T>(
	kc: KubeConfig,
	kind: ResourceKind<T>,
	options: {signal: AbortSignal; timeoutMs: number; pageSize?: number},
): Promise<{items: T[]; resourceVersion?: string}> {
	const items: T[] = [];
	let continueToken: string | undefined;
	let resourceVersion: string | undefined;
	do {
		const query = new URLSearchParams({limit: String(options.pageSize ?? 500)});
		if (continueToken) query.set('continue', continueToken);
		const page = await getJson<ListResponse>(kc, `${kind.path}?${query}`, {signal: options.signal, timeoutMs: options.timeoutMs});
		for (const object of page.items ?? []) items.push(kind.trim(object));
		continueToken = page.metadata?.continue || undefined;
		resourceVersion = page.metadata?.resourceVersion;
	} while (continueToken);
	return {items, resourceVersion};
}
