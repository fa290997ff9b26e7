// The life writer as a process (lab/life.ts): one cluster, until SIGTERM or SIGINT.
//
//   tsx lab/life-cli.ts --kubeconfig FILE --context CTX --cluster NAME [--pods N] [--seed S] [--peer HOST:PORT]
//                       [--churn N] [--gateway-interval MS] [--no-lifecycle] [--stats-every MS]
//
// stdout: ONE JSON line once the seed is on the server:
//   {"ready":"life","cluster":"m1","pid":…,"pods":…,"objects":…,"seedMs":…,"podsPerSecond":…}
// stderr: logs (and, with --stats-every, a JSON stats line that often). Exit 0 after a clean stop;
// 2 for bad arguments (one line naming the flag); 1 when the seed could not be written.
import {parseArgs} from 'node:util';
import {LifeError, startClusterLife, type ClusterLife} from './life.js';

function usageError(message: string): never {
	process.stderr.write(`life: ${message}\n`);
	process.exit(2);
}

function integer(flag: string, value: string | undefined, min = 0): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || Number(value) < min) usageError(`--${flag} ${JSON.stringify(value)}: expected an integer ≥ ${min}`);
	return Number(value);
}

export function parsePeer(value: string | undefined): {host: string; port: number} | undefined {
	if (value === undefined) return undefined;
	// HOST:PORT, [IPv6]:PORT
	const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
	const port = Number(match?.[3]);
	if (!match || port < 1 || port > 65535) usageError(`--peer ${JSON.stringify(value)}: expected HOST:PORT (the peer cluster's apiserver)`);
	return {host: (match[1] ?? match[2])!, port};
}

async function main(): Promise<void> {
	let values;
	try {
		({values} = parseArgs({
			options: {
				kubeconfig: {type: 'string'},
				context: {type: 'string'},
				cluster: {type: 'string'},
				pods: {type: 'string'},
				seed: {type: 'string'},
				peer: {type: 'string'},
				churn: {type: 'string'},
				'gateway-interval': {type: 'string'},
				'no-lifecycle': {type: 'boolean'},
				'stats-every': {type: 'string'},
			},
			strict: true,
			allowPositionals: false,
		}));
	} catch (error) {
		usageError((error as Error).message);
	}
	if (!values.kubeconfig) usageError('--kubeconfig FILE is required');
	if (!values.context) usageError('--context CTX is required');
	if (!values.cluster) usageError('--cluster NAME is required');
	const statsEvery = integer('stats-every', values['stats-every'], 100);

	let life: ClusterLife | undefined;
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		process.stderr.write(`life: ${values.cluster}: ${signal}, stopping\n`);
		await life?.stop();
		process.exit(0);
	};
	process.on('SIGTERM', () => void stop('SIGTERM'));
	process.on('SIGINT', () => void stop('SIGINT'));

	try {
		life = await startClusterLife({
			kubeconfigPath: values.kubeconfig,
			context: values.context,
			cluster: values.cluster,
			pods: integer('pods', values.pods),
			seed: integer('seed', values.seed),
			peer: parsePeer(values.peer),
			churnPerSecond: integer('churn', values.churn),
			gatewayIntervalMs: integer('gateway-interval', values['gateway-interval'], 100),
			lifecycle: !values['no-lifecycle'],
		});
	} catch (error) {
		if (stopping) return;
		const message = (error as Error).message;
		// A flag or the kubeconfig is wrong (exit 2), or the server refused the seed (exit 1).
		const usage = error instanceof LifeError && error.usage;
		process.stderr.write(`life: ${usage ? '' : `${values.cluster}: `}${message}\n`);
		process.exit(usage ? 2 : 1);
	}
	if (stopping) return;
	const {seed} = life.stats();
	process.stdout.write(`${JSON.stringify({ready: 'life', cluster: values.cluster, pid: process.pid, pods: seed.pods, objects: seed.objects, seedMs: seed.ms, podsPerSecond: seed.podsPerSecond})}\n`);
	if (statsEvery) {
		const startCpu = process.cpuUsage();
		const startedMs = Date.now();
		setInterval(() => {
			const cpu = process.cpuUsage(startCpu);
			const cpuPercent = Math.round(((cpu.user + cpu.system) / 1000 / (Date.now() - startedMs)) * 1000) / 10;
			process.stderr.write(`${JSON.stringify({stats: life!.stats(), cpuPercent, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20)})}\n`);
		}, statsEvery);
	}
}

await main();
