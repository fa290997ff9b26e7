// Memory sizes in the config file ("16GiB", "512MiB") and Kubernetes quantities ("2Gi", "500M") as bytes.
import bytes from 'bytes-iec';
// The client library's own quantity parser; not re-exported from its index.
import {quantityToScalar} from '@kubernetes/client-node/dist/util.js';

const sizePattern = /^\s*\d+(\.\d+)?\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)\s*$/i;

/** Bytes for a config size such as "8GiB"; undefined when it is not one. A unit is required. */
export function parseSize(text: string): number | undefined {
	if (!sizePattern.test(text)) return undefined;
	const value = bytes.parse(text.trim(), {mode: 'binary'});
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Bytes for a Kubernetes quantity such as "512Mi"; undefined when absent or malformed. */
export function parseQuantity(quantity: string | undefined): number | undefined {
	if (!quantity) return undefined;
	try {
		const value = quantityToScalar(quantity);
		return typeof value === 'bigint' ? Number(value) : value;
	} catch {
		return undefined;
	}
}

/** "15.2 GiB" style: one decimal below 100, none above. */
export function formatBytes(value: number): string {
	const text = bytes.format(value, {mode: 'binary', decimalPlaces: Math.abs(value) >= 100 * 2 ** 30 ? 0 : 1});
	return text ? text.replace(/(\d)([A-Za-z])/, '$1 $2') : '?';
}

/** GiB with one decimal, no unit: for tight columns. */
export function gib(value: number): string {
	return (value / 2 ** 30).toFixed(1);
}
