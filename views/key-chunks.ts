// One read from the terminal can hold several keys. Ink 8 already cuts escape sequences, backspaces and
// Ctrl+C out of a read, but hands a run of printable characters ("jjj", "/api", a paste ending in
// Enter) to useInput as one string. The router takes one key at a time, so a run becomes one key per
// character, in order; Enter and Tab inside a run become those keys.
import type {Key} from 'ink';

const plainKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** A named key (arrow, Esc, a modifier…) is one key whatever its input; only plain text is split. */
function isNamedKey(key: Key): boolean {
	return (Object.keys(plainKey) as Array<keyof Key>).some(name => name !== 'shift' && name !== 'capsLock' && name !== 'numLock' && key[name] === true);
}

export function splitKeys(input: string, key: Key): Array<[string, Key]> {
	const characters = Array.from(input);
	if (characters.length <= 1 || isNamedKey(key)) return [[input, key]];
	return characters.map((character): [string, Key] => {
		if (character === '\r' || character === '\n') return ['', {...plainKey, return: true}];
		if (character === '\t') return ['', {...plainKey, tab: true}];
		if (character === '\x7f' || character === '\b') return ['', {...plainKey, backspace: true}];
		return [character, {...plainKey, shift: /[A-Z]/.test(character)}];
	});
}
