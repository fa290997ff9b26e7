// The launcher's entry: a Node too old for labwatch is told so in one line (instead of failing later on a
// missing API); Node's on-disk compile cache next, so every chunk loaded after it (the CLI, Ink, client-node,
// the simulator) is compiled from cache on later starts; then the CLI.
import module from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
	process.stderr.write(
		`labwatch: needs Node.js 22 or newer, this is ${process.version} (${process.execPath}); from the clone, \`npm exec -- labwatch\` runs it on the bundled Node 24\n`,
	);
	process.exit(2);
}
module.enableCompileCache?.();
await import('./cli.js');
