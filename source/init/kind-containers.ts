// kind's node containers on this machine's Docker: `docker ps` with kind's label, an argument array
// through execa, never a shell. No docker (a Linux box without it, Docker Desktop not running) is a note,
// not a failure.
import {execa} from 'execa';

export interface KindContainer {
	/** The container's name: what a `via: docker` point execs into. */
	name: string;
	/** kind's cluster name (io.x-k8s.kind.cluster). */
	cluster: string;
	/** control-plane or worker (io.x-k8s.kind.role). */
	role: string;
}

export type KindContainers = {state: 'found'; containers: KindContainer[]} | {state: 'unavailable'; note: string};

export const dockerPsArgs = [
	'ps',
	'--filter',
	'label=io.x-k8s.kind.cluster',
	'--format',
	'{{.Names}}\t{{.Label "io.x-k8s.kind.cluster"}}\t{{.Label "io.x-k8s.kind.role"}}',
];

const containerName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** One container per line; lines that are not what the format asked for are skipped. */
export function parseDockerPs(stdout: string): KindContainer[] {
	const containers: KindContainer[] = [];
	for (const line of stdout.split('\n')) {
		const [name = '', cluster = '', role = ''] = line.trim().split('\t');
		if (!containerName.test(name) || !cluster) continue;
		containers.push({name, cluster, role});
	}
	return containers.sort((a, b) => a.name.localeCompare(b.name));
}

export async function findKindContainers(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<KindContainers> {
	const result = await execa('docker', dockerPsArgs, {reject: false, timeout: timeoutMs, stdin: 'ignore', encoding: 'utf8', env, extendEnv: false});
	if ((result as {code?: string}).code === 'ENOENT' || /ENOENT/.test(String(result.message ?? ''))) {
		return {state: 'unavailable', note: 'docker not found on PATH: no kind node containers looked for'};
	}
	if (result.timedOut) return {state: 'unavailable', note: `docker ps did not answer within ${timeoutMs / 1000}s`};
	if (result.exitCode !== 0) {
		const why = String(result.stderr ?? '').split('\n')[0]?.trim().slice(0, 160) || `exit ${result.exitCode}`;
		return {state: 'unavailable', note: `docker ps failed: ${why}`};
	}
	return {state: 'found', containers: parseDockerPs(String(result.stdout ?? ''))};
}
