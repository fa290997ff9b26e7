// npm run lab -- up | down | status | tui   the homelab in a box (lab/box.ts), in the background
// npm run lab [-- run [NAME…]]              real clusters on loopback until Ctrl-C (as before)
// npm run lab:build                         builds (or finds) the labwatch-lab binary and prints its path
import {resolve} from 'node:path';
import {parseArgs} from 'node:util';
import {ensureLabBinary, LabBuildError} from './build.js';
import {startRealHomelab} from './cluster.js';
import {defaultStateDir, down, LabUsageError, status, tui, up, whatIsMissing} from './box.js';

const help = `npm run lab -- COMMAND [FLAGS]      the real-Kubernetes lab (lab/README.md)

The homelab in a box (Linux, root): two network namespaces joined by a veth pair (10.231.0.1/30, .2),
a real kube-apiserver + etcd + controller-manager per cluster inside its namespace, Prometheus in the
first namespace scraping node_exporter in each, a labwatch config and kubeconfig for it.

  up      start it in the background; returns once ready (exit 1 if a lab already runs from --state)
          --kubeconfig FILE   write the merged kubeconfig here (default: <state>/kubeconfig.yaml)
          --config-out FILE   write labwatch's config here (default: <state>/config.yaml)
          --pods N            filler pods per cluster beside the homelab's own (default 0)
  down    stop it and remove its namespaces, processes and files (idempotent)
  status  what runs: namespaces, addresses, pids, memory, URLs, files
          (exit 0 all running, 1 part of it, 3 nothing)
  tui     labwatch's TUI in the first cluster's namespace (needs npm run build)
          common flags: --state DIR (default ${defaultStateDir()}),
          --prefix P (namespaces P<name>, default none: m1 and m2)

  run [NAME…]   clusters on loopback (default m1 m2) in the foreground until Ctrl-C; also what
                \`npm run lab\` with no command does (any user, no namespaces)
  build         build (or find) the labwatch-lab binary and print its path

Example:  sudo npm run lab -- up && sudo npm run lab -- tui     then p, y to cut; r, y to heal
`;

async function runForeground(rest: string[]): Promise<void> {
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

const boxCommands = new Set(['up', 'down', 'status', 'tui']);

function boxFlags(command: string, args: string[]) {
	const {values, positionals} = parseArgs({
		args,
		allowPositionals: true,
		options: {
			state: {type: 'string'},
			prefix: {type: 'string', default: ''},
			kubeconfig: {type: 'string'},
			'config-out': {type: 'string'},
			pods: {type: 'string', default: '0'},
		},
	});
	if (positionals.length > 0) throw new LabUsageError(`npm run lab -- ${command}: unexpected argument ${positionals[0]}`);
	if (command !== 'up') {
		for (const flag of ['kubeconfig', 'config-out'] as const) {
			if (values[flag] !== undefined) throw new LabUsageError(`--${flag} is a flag of up, not of ${command}`);
		}
	}
	const pods = Number(values.pods);
	if (!Number.isInteger(pods) || pods < 0 || pods > 5000) throw new LabUsageError(`--pods ${values.pods}: expected a whole number from 0 to 5000`);
	if (!/^[a-z0-9-]{0,12}$/.test(values.prefix)) throw new LabUsageError(`--prefix ${values.prefix}: expected up to 12 of a-z, 0-9, -`);
	return {
		stateDir: resolve(values.state ?? defaultStateDir()),
		prefix: values.prefix,
		clusters: ['m1', 'm2'],
		pods,
		configOut: values['config-out'] === undefined ? undefined : resolve(values['config-out']),
		kubeconfigOut: values.kubeconfig === undefined ? undefined : resolve(values.kubeconfig),
		readyTimeoutMs: 240_000,
	};
}

async function main(): Promise<number> {
	const [command = 'run', ...rest] = process.argv.slice(2);
	if (command === '--help' || command === '-h' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
		process.stdout.write(help);
		return 0;
	}
	if (command === 'build') {
		console.log(await ensureLabBinary());
		return 0;
	}
	if (command === 'run') {
		await runForeground(rest);
		return -1;
	}
	if (!boxCommands.has(command)) {
		console.error(`npm run lab: unknown command ${command} (see npm run lab -- --help)`);
		return 2;
	}
	const options = boxFlags(command, rest);
	const missing = whatIsMissing();
	if (missing) {
		console.error(missing);
		return 2;
	}
	if (command === 'up') return up(options);
	if (command === 'down') return down(options.stateDir);
	if (command === 'status') return status(options.stateDir);
	return tui(options.stateDir);
}

main().then(
	code => {
		if (code >= 0) process.exit(code);
	},
	(error: unknown) => {
		if (error instanceof LabUsageError || (error as {code?: string}).code?.startsWith('ERR_PARSE_ARGS')) {
			// parseArgs adds advice about positionals after the first sentence: one line is enough.
			console.error(`npm run lab: ${(error as Error).message.split(/\.\s/)[0]}`);
			process.exit(2);
		}
		console.error(error instanceof LabBuildError ? error.message : error);
		process.exit(1);
	},
);
