// npm run lab [-- NAME…]     real clusters (default m1 m2) until Ctrl-C; prints the merged kubeconfig
// npm run lab:build           builds (or finds) the labwatch-lab binary and prints its path
import {ensureLabBinary, LabBuildError} from './build.js';
import {startRealHomelab} from './cluster.js';

const [command = 'up', ...rest] = process.argv.slice(2);

async function main(): Promise<void> {
	if (command === 'build') {
		console.log(await ensureLabBinary());
		return;
	}
	if (command !== 'up') {
		console.error('usage: tsx lab/cli.ts build | up [NAME…]');
		process.exitCode = 2;
		return;
	}
	const names = rest.length > 0 ? rest : ['m1', 'm2'];
	const binary = await ensureLabBinary();
	console.error(`starting ${names.join(', ')} (real kube-apiserver + etcd each)…`);
	const lab = await startRealHomelab(names, {binary});
	for (const cluster of lab.clusters) {
		console.log(`${cluster.name}: ${cluster.server}  contexts ${cluster.context}, ${cluster.readonlyContext}  (${cluster.info.version}, ready in ${(cluster.info.totalMs / 1000).toFixed(1)} s, state in ${cluster.dir})`);
	}
	console.log(`\nexport KUBECONFIG=${lab.kubeconfigPath}\n\nCtrl-C stops the clusters and removes their state.`);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		console.error('\nstopping…');
		void lab.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	// Keep the process alive (the clusters' handles are unref'd).
	setInterval(() => {}, 1 << 30);
}

main().catch((error: unknown) => {
	console.error(error instanceof LabBuildError ? error.message : error);
	process.exit(1);
});
