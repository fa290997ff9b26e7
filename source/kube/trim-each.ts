// Objects from a server are untrusted JSON: one that cannot be read is skipped and counted, never fatal
// to the list or the watch it came in.
import type {ResourceKind} from './reflector.js';

export function isObject(value: unknown): value is Record<string, any> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The trimmed object, or undefined when it is not an object or its trimming refuses it. */
export function trimOne<T>(kind: ResourceKind<T>, object: unknown): T | undefined {
	if (!isObject(object)) return undefined;
	try {
		return kind.trim(object);
	} catch {
		return undefined;
	}
}

export function trimEach<T>(kind: ResourceKind<T>, objects: unknown[]): {items: T[]; skipped: number} {
	const items: T[] = [];
	let skipped = 0;
	for (const object of objects) {
		const item = trimOne(kind, object);
		if (item === undefined) skipped++;
		else items.push(item);
	}
	return {items, skipped};
}
