// The y/N question a drill command asks on a terminal before it changes anything.
import {createInterface} from 'node:readline/promises';

/** Anything but y or yes is no. */
export async function askTerminal(question: string): Promise<boolean> {
	const reader = createInterface({input: process.stdin, output: process.stdout});
	try {
		return /^y(es)?$/i.test((await reader.question(question)).trim());
	} finally {
		reader.close();
	}
}
