// Node 20's test runner neither expands globs nor finds .ts/.tsx files by itself, so list them here.
import {readdirSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {spawnSync} from 'node:child_process';

const root = new URL('.', import.meta.url).pathname;
const only = process.argv.slice(2);

function collect(dir: string): string[] {
	const files: string[] = [];
	for (const entry of readdirSync(dir).sort()) {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) files.push(...collect(path));
		else if (/\.test\.tsx?$/.test(entry)) files.push(path);
	}
	return files;
}

const files = collect(root)
	.map(file => relative(process.cwd(), file))
	.filter(file => only.length === 0 || only.some(part => file.includes(part)));
const result = spawnSync(
	process.execPath,
	['--test', '--import', 'tsx', '--test-reporter=spec', '--test-timeout=120000', ...files],
	{stdio: 'inherit', env: {...process.env, FORCE_COLOR: '0'}},
);
process.exit(result.status ?? 1);
