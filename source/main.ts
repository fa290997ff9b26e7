// The launcher's entry: Node's on-disk compile cache first, so every chunk loaded after it (the CLI,
// Ink, client-node, the simulator) is compiled from cache on later starts; then the CLI.
import module from 'node:module';

module.enableCompileCache?.();
await import('./cli.js');
