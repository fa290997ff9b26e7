// Bundles the CLI: dist/labwatch.js and the chunks it loads on demand (dist/chunks/), so `check` and `--help`
// never parse Ink, React or the simulator, and the TUI never parses the simulator unless --demo. NODE_ENV is fixed to production at build time: React's development
// build records a performance.measure() per commit and never clears them (a slow leak in a pane left
// open for days), and the bundle starts ~2.7x faster than loading from node_modules.
import {build, type Plugin} from 'esbuild';
import {chmodSync, rmSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const unusedClientNode = fileURLToPath(new URL('./source/kube/client-node-unused.ts', import.meta.url));

// client-node's config.js imports its generated API clients and undici for makeApiClient and fetch
// options, which labwatch never calls: route those imports (from client-node only) to a stub.
const clientNodeConfigOnly: Plugin = {
	name: 'client-node-config-only',
	setup(plugin) {
		// The package's index imports every API client: labwatch's own code takes KubeConfig from config.js.
		plugin.onResolve({filter: /^@kubernetes\/client-node$/}, args => ({
			errors: [{text: `${args.importer}: import KubeConfig from '@kubernetes/client-node/dist/config.js', not the package index`}],
		}));
		plugin.onResolve({filter: /^(undici|\.\/gen\/index\.js|\.\/middleware\.js)$/}, args =>
			args.importer.includes('@kubernetes/client-node/dist/') ? {path: unusedClientNode} : undefined,
		);
	},
};

// V8 flags for the launcher (the entry's shebang): a 1 MiB young generation instead of up to 16 MiB. The
// pane's garbage is small and short-lived; measured: idle RSS 132 -> 102-107 MiB at 2 x 500 pods, with no
// measurable CPU change. `node dist/labwatch.js` skips them; `labwatch` and `npm start` use them.
const launcherNodeFlags = ['--max-semi-space-size=1'];
// glibc tuning for the same process (env -S sets them, then execs node in place): one malloc arena and a
// 128 KiB trim threshold, so the native memory freed after parsing large list pages goes back to the system
// instead of staying in per-thread arenas. Measured at 2 x 5,000 real pods: RSS ~205 -> ~160 MiB. macOS's
// libc ignores them.
const launcherEnv = ['MALLOC_ARENA_MAX=1', 'MALLOC_TRIM_THRESHOLD_=131072'];

rmSync('dist', {recursive: true, force: true});

await build({
	entryPoints: {labwatch: 'source/main.ts'},
	outdir: 'dist',
	chunkNames: 'chunks/[name]-[hash]',
	splitting: true,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node22',
	// Minified and ASCII-only: V8 keeps a source with any non-ASCII character as a two-byte string, and
	// the whole bundle's source stays in memory for lazy compilation.
	minify: true,
	charset: 'ascii',
	sourcemap: 'linked',
	legalComments: 'none',
	define: {'process.env.NODE_ENV': '"production"'},
	// Ink imports react-devtools-core statically for its optional devtools; it is never used here.
	alias: {'react-devtools-core': './source/react-devtools-stub.ts'},
	plugins: [clientNodeConfigOnly],
	// CommonJS dependencies bundled into ESM need a real require (in every chunk; the shebang is harmless
	// in a chunk and needed in the entry).
	banner: {
		js: [
			`#!/usr/bin/env -S ${launcherEnv.join(' ')} node ${launcherNodeFlags.join(' ')}`,
			"import {createRequire as __labwatchCreateRequire} from 'node:module';",
			'const require = __labwatchCreateRequire(import.meta.url);',
		].join('\n'),
	},
	logLevel: 'warning',
});
// Run as `./dist/labwatch.js` (npm start) or through npm link's bin, the shebang must be executable.
chmodSync('dist/labwatch.js', 0o755);
