// A log pane's lines, bounded in lines AND bytes: a chatty pod (or one very long line) never grows
// memory; the oldest lines go first and are counted, so the pane can say how many it dropped.

export interface LogBufferLimits {
	maxLines: number;
	maxBytes: number;
	/** A single line longer than this is cut (a minified JSON blob in a log). */
	maxLineLength: number;
}

export const defaultLogLimits: LogBufferLimits = {maxLines: 5000, maxBytes: 2 * 2 ** 20, maxLineLength: 4000};

export class LogBuffer {
	private lines: string[] = [];
	/** Index of the first live line in `lines` (dropped lines are sliced off in batches). */
	private start = 0;
	private bytesHeld = 0;
	private droppedCount = 0;
	private partial = '';
	private version = 0;

	constructor(private readonly limits: LogBufferLimits = defaultLogLimits) {}

	/** Appends a chunk of text; a line is complete at its newline, the rest waits for the next chunk. */
	push(chunk: string): void {
		const text = this.partial + chunk;
		const parts = text.split('\n');
		this.partial = parts.pop() ?? '';
		if (this.partial.length > this.limits.maxLineLength) {
			parts.push(this.partial);
			this.partial = '';
		}
		for (const part of parts) this.add(part);
	}

	/** The unterminated tail, as a line (the stream ended). */
	flush(): void {
		if (this.partial) this.add(this.partial);
		this.partial = '';
	}

	private add(raw: string): void {
		const line = raw.length > this.limits.maxLineLength ? `${raw.slice(0, this.limits.maxLineLength)}…` : raw.replace(/\r$/, '');
		this.lines.push(line);
		this.bytesHeld += line.length + 1;
		this.version++;
		while (this.lines.length - this.start > this.limits.maxLines || (this.bytesHeld > this.limits.maxBytes && this.lines.length - this.start > 1)) {
			this.bytesHeld -= this.lines[this.start]!.length + 1;
			this.start++;
			this.droppedCount++;
		}
		// Compact now and then, so the array does not keep dropped strings alive.
		if (this.start > 1024 && this.start * 2 > this.lines.length) {
			this.lines = this.lines.slice(this.start);
			this.start = 0;
		}
	}

	get length(): number {
		return this.lines.length - this.start;
	}

	get bytes(): number {
		return this.bytesHeld;
	}

	get dropped(): number {
		return this.droppedCount;
	}

	get changes(): number {
		return this.version;
	}

	/** Lines [from, to) of what is held. */
	slice(from = 0, to = this.length): string[] {
		return this.lines.slice(this.start + Math.max(0, from), this.start + Math.max(0, to));
	}
}
