// One full list of a resource, page by page (`limit`/`continue`), trimmed as it arrives: what the
// reflector starts from and what `check` looks at. Bounded in pages, items and bytes, so a server
// that keeps sending continue tokens or a body that never ends costs a reason, not the machine.
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import {KubeRequestError, formatMiB, getJson, maxBodyBytes} from './http.js';
import type {ResourceKind} from './reflector.js';
import {trimEach} from './trim-each.js';

interface ListResponse {
	metadata?: {resourceVersion?: string; continue?: string};
	items?: unknown;
}

export interface ListLimits {
	pageSize?: number;
	/** More pages than this is a server that never ends its continue tokens. */
	maxPages?: number;
	/** More objects than a homelab has, by far. */
	maxItems?: number;
	/** Largest page body, and largest sum of page bodies. */
	maxPageBytes?: number;
	maxTotalBytes?: number;
}

export const listLimits = {
	pageSize: 500,
	// 100 pages of 500 is maxItems: a server that needs more pages is not paging honestly.
	maxPages: 100,
	maxItems: 50_000,
	maxPageBytes: maxBodyBytes,
	maxTotalBytes: 256 * 2 ** 20,
} satisfies Required<ListLimits>;

export interface ListResult<T> {
	items: T[];
	resourceVersion?: string;
	/** Objects the server sent that could not be read: skipped, not fatal. */
	skipped: number;
}

export async function listAll<T>(
	kc: KubeConfig,
	kind: ResourceKind<T>,
	options: {signal: AbortSignal; timeoutMs: number} & ListLimits,
): Promise<ListResult<T>> {
	const limits = {...listLimits, ...definedOnly(options)};
	try {
		return await listPages(kc, kind, options, limits, limits.pageSize);
	} catch (error) {
		// An expired continue token (410, the data was compacted between pages): client-go's pager lists
		// again in one piece, which is consistent, rather than continuing with the fresh token it is
		// offered, which is not.
		if (error instanceof KubeRequestError && error.statusCode === 410 && error.continueToken !== undefined) {
			return listPages(kc, kind, options, limits, 0);
		}
		throw error;
	}
}

async function listPages<T>(
	kc: KubeConfig,
	kind: ResourceKind<T>,
	options: {signal: AbortSignal; timeoutMs: number},
	limits: Required<ListLimits>,
	pageSize: number,
): Promise<ListResult<T>> {
	const items: T[] = [];
	let skipped = 0;
	let continueToken: string | undefined;
	let resourceVersion: string | undefined;
	let pages = 0;
	let totalBytes = 0;
	do {
		if (++pages > limits.maxPages) {
			throw new KubeRequestError(`list stopped after ${limits.maxPages} pages: the server keeps sending continue tokens`, undefined, undefined, {answered: true});
		}
		const query = new URLSearchParams(pageSize > 0 ? {limit: String(pageSize)} : {});
		if (continueToken) query.set('continue', continueToken);
		const remainingBytes = limits.maxTotalBytes - totalBytes;
		const path = query.size > 0 ? `${kind.path}?${query}` : kind.path;
		let page: ListResponse;
		try {
			page = await getJson<ListResponse>(kc, path, {signal: options.signal, timeoutMs: options.timeoutMs, maxBytes: Math.min(limits.maxPageBytes, remainingBytes), onBytes: bytes => (totalBytes += bytes)});
		} catch (error) {
			if (error instanceof KubeRequestError && /^answer larger than/.test(error.message)) {
				throw new KubeRequestError(`list stopped: ${remainingBytes < limits.maxPageBytes ? `more than ${formatMiB(limits.maxTotalBytes)} in all` : `a page larger than ${formatMiB(limits.maxPageBytes)}`}`, undefined, undefined, {answered: true});
			}
			throw error;
		}
		const trimmed = trimEach(kind, Array.isArray(page?.items) ? page.items : []);
		skipped += trimmed.skipped;
		if (items.length + trimmed.items.length > limits.maxItems) {
			throw new KubeRequestError(`list stopped: more than ${limits.maxItems} ${kind.name}`, undefined, undefined, {answered: true});
		}
		for (const item of trimmed.items) items.push(item);
		const metadata = page && typeof page.metadata === 'object' && page.metadata ? page.metadata : {};
		continueToken = typeof metadata.continue === 'string' && metadata.continue ? metadata.continue : undefined;
		resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
	} while (continueToken);
	return {items, resourceVersion, skipped};
}

function definedOnly(options: ListLimits): ListLimits {
	const result: ListLimits = {};
	for (const key of ['pageSize', 'maxPages', 'maxItems', 'maxPageBytes', 'maxTotalBytes'] as const) {
		if (options[key] !== undefined) result[key] = options[key];
	}
	return result;
}
