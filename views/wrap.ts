// Long describe lines (a gateway's statusFailure, a BackOff message) are wrapped, never clipped: the
// point of describe is the full text the lists truncate. Continuations are indented under the value.
import type {DocLine} from '../source/kube/describe.js';

export function wrapDocLines(lines: DocLine[], width: number): DocLine[] {
	if (width < 20) return lines;
	const out: DocLine[] = [];
	for (const line of lines) {
		if (line.text.length <= width) {
			out.push(line);
			continue;
		}
		// Indent continuations to where the value starts ("Message: " …), within reason.
		const valueAt = /^(\s*[\w ()/-]+:\s+)/.exec(line.text)?.[1]?.length ?? /^\s*/.exec(line.text)![0].length + 2;
		const indent = ' '.repeat(Math.min(valueAt, Math.floor(width / 3)));
		let rest = line.text;
		let first = true;
		while (rest.length > 0) {
			const room = first ? width : width - indent.length;
			let cut = rest.length <= room ? rest.length : rest.lastIndexOf(' ', room);
			if (cut <= room / 2) cut = Math.min(room, rest.length);
			out.push({...line, text: (first ? '' : indent) + rest.slice(0, cut)});
			rest = rest.slice(cut).replace(/^ /, '');
			first = false;
		}
	}
	return out;
}
