// A seeded generator so a seeded homelab looks the same on every start (names, uids), which keeps tests
// and screenshots stable; life and churn use it too, so `life: false` runs are fully repeatable.

export class SimRandom {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** mulberry32: small, fast, good enough for names and jitter. */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	int(maxExclusive: number): number {
		return Math.floor(this.next() * maxExclusive);
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)]!;
	}

	/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits). */
	suffix(length: number): string {
		const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
		let text = '';
		for (let i = 0; i < length; i++) text += alphabet[this.int(alphabet.length)];
		return text;
	}

	uid(): string {
		const hex = (count: number) => {
			let text = '';
			for (let i = 0; i < count; i++) text += this.int(16).toString(16);
			return text;
		};
		return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[this.int(4)]}${hex(3)}-${hex(12)}`;
	}
}

/** RFC 3339 to the second, as the apiserver writes timestamps. */
export function kubeTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
