// The simulated host's memory as node_exporter reports it, in the dialect of the host's OS
// (reference homelab.md, "Host memory as node_exporter reports it"):
//   linux:  node_memory_MemTotal_bytes, MemAvailable_bytes, MemFree_bytes (/proc/meminfo)
//   darwin: node_memory_total_bytes (hw.memsize), free, active, inactive, wired, compressed, internal,
//           purgeable, swap_used, swap_total (collector/meminfo_darwin.go: page counts × the page size)
// The darwin split is made so that both of labwatch's formulas read back the model's `usedBytes` exactly
// (rounded to whole 16 KiB pages, Apple silicon's page size):
//   Activity Monitor's "Memory Used" = (internal − purgeable) + wired + compressed
//   older exporters:                  total − free − inactive
// and the pages add up as vm_stat's do: free + active + inactive + wired + compressed = total.

export type SimHostOs = 'darwin' | 'linux';

export interface HostMemorySample {
	name: string;
	value: number;
	help: string;
}

/** Apple silicon's VM page: node_exporter's darwin values are whole pages. */
export const darwinPageBytes = 16_384;

const pages = (bytes: number) => Math.max(0, Math.round(bytes / darwinPageBytes)) * darwinPageBytes;

export interface DarwinMemory {
	total: number;
	free: number;
	active: number;
	inactive: number;
	wired: number;
	compressed: number;
	internal: number;
	purgeable: number;
	swap_used: number;
	swap_total: number;
}

/** One plausible vm_stat for a Mac with `totalBytes` of which `usedBytes` are "Memory Used". */
export function darwinMemory(totalBytes: number, usedBytes: number): DarwinMemory {
	const total = pages(totalBytes);
	const used = Math.min(total, pages(usedBytes));
	// Kernel and driver memory, and what the compressor holds, grow with use.
	const wired = pages(used * 0.22);
	const compressed = pages(used * 0.08);
	// Caches apps marked purgeable: counted in internal, not in "Memory Used".
	const purgeable = pages(total / 64);
	const active = used - wired - compressed;
	const internal = active + purgeable;
	// What is not used is file cache (inactive) or free.
	const inactive = pages((total - used) * 0.6);
	const free = total - used - inactive;
	// macOS swaps once memory gets tight; swap files grow in 1 GiB steps.
	const swapUsed = pages(Math.max(0, used - total * 0.85) / 2);
	const swapTotal = Math.max(2 ** 30, Math.ceil(swapUsed / 2 ** 30) * 2 ** 30);
	return {total, free, active, inactive, wired, compressed, internal, purgeable, swap_used: swapUsed, swap_total: swapTotal};
}

export function hostMemorySamples(os: SimHostOs, totalBytes: number, usedBytes: number): HostMemorySample[] {
	if (os === 'linux') {
		const available = Math.max(0, totalBytes - usedBytes);
		const field = (name: string, value: number) => ({name: `node_memory_${name}_bytes`, value, help: `Memory information field ${name}_bytes.`});
		return [field('MemTotal', totalBytes), field('MemAvailable', available), field('MemFree', available)];
	}
	return Object.entries(darwinMemory(totalBytes, usedBytes)).map(([name, value]) => ({
		name: `node_memory_${name}_bytes`,
		value,
		help: `Memory information field ${name}_bytes.`,
	}));
}
