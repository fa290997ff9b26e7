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

// The real-Kubernetes tests need the lab binary; a fresh machine builds it first (minutes, with progress),
// here rather than inside a test, whose timeout a cold build would outlast. Without Go they skip (CI fails).
if (only.length === 0 || only.some(part => /lab|conformance/.test(part))) {
	const {ensureLabBinary, goVersion, labBinaryIsBuilt} = await import('../lab/build.js');
	if (!labBinaryIsBuilt() && (await goVersion()) !== undefined) {
		console.log('building the real-Kubernetes lab (lab/README.md) before the tests; later runs reuse it');
		await ensureLabBinary({log: line => console.log(line)});
	}
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
