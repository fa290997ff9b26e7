// Strings from servers (names, messages, label values, error bodies) are untrusted: an escape sequence in
// a Gateway's statusFailure could retitle the user's tmux pane, blink, move the cursor or hide text. Every
// string that leaves for a terminal or a text report goes through here. JSON output does not: JSON.stringify
// escapes control characters itself, and a machine reader wants the exact value.

// ESC or C1 introducers and what they swallow, as a terminal would parse them:
//   CSI (ESC [ or U+009B) parameters, intermediates, final byte;
//   OSC, DCS, SOS, PM, APC (ESC ] P X ^ _ or U+009D U+0090 U+0098 U+009E U+009F) up to BEL or ST (ESC \ or
//   U+009C), or to the end of the string when never terminated (a terminal would swallow the rest);
//   any other ESC with its intermediates and final byte.
const escapeSequence =
	/(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
/** Line breaks and tabs become a space, so words on either side stay apart. */
const spacing = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
/** What is left of C0, DEL and C1, and the bidirectional controls that reorder what is shown (Trojan Source). */
const invisible = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Cheap test first: almost every string is clean and is returned as it is. */
const suspicious = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** One line of printable text: escape sequences, control characters and bidi overrides removed. */
export function terminalSafe(text: string): string {
	if (!suspicious.test(text)) return text;
	return text.replace(escapeSequence, '').replace(spacing, ' ').replace(invisible, '');
}

/** Several lines: each line made safe, the line breaks kept. */
export function terminalSafeLines(text: string): string {
	return text.split('\n').map(terminalSafe).join('\n');
}

/**
 * Every string inside plain data (objects and arrays) made safe. What holds no unsafe string is returned
 * as the same object, so a clean snapshot costs one walk and no copies, and identity checks still work.
 */
export function terminalSafeDeep<T>(value: T): T {
	if (typeof value === 'string') return (suspicious.test(value) ? terminalSafe(value) : value) as T;
	if (typeof value !== 'object' || value === null) return value;
	if (Array.isArray(value)) {
		let copy: unknown[] | undefined;
		for (let index = 0; index < value.length; index++) {
			const item: unknown = value[index];
			if (item === null || (typeof item !== 'object' && typeof item !== 'string')) continue;
			const safe = terminalSafeDeep(item);
			if (safe !== item) {
				copy ??= value.slice();
				copy[index] = safe;
			}
		}
		return (copy ?? value) as T;
	}
	if (Object.getPrototypeOf(value) !== Object.prototype) return value;
	let copy: Record<string, unknown> | undefined;
	const record = value as Record<string, unknown>;
	// for…in over plain data: no entries array per object (a snapshot holds thousands of pods).
	for (const key in record) {
		const item = record[key];
		if (item === null || (typeof item !== 'object' && typeof item !== 'string')) continue;
		const safe = terminalSafeDeep(item);
		if (safe !== item) {
			copy ??= {...record};
			copy[key] = safe;
		}
	}
	return (copy ?? value) as T;
}
