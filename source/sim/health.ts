// /healthz, /livez and /readyz as kube-apiserver answers them: `ok`, `?verbose` lists every check
// (`[+]etcd ok` … `readyz check passed`), `?exclude=etcd` marks one excluded, and `/readyz/<check>` asks one.
// The simulator is always healthy; the names are a real apiserver's (v1.37), fewer post-start hooks.
const hooks = [
	'poststarthook/start-apiserver-admission-initializer',
	'poststarthook/generic-apiserver-start-informers',
	'poststarthook/start-apiextensions-informers',
	'poststarthook/start-apiextensions-controllers',
	'poststarthook/crd-informer-synced',
	'poststarthook/rbac/bootstrap-roles',
	'poststarthook/apiservice-discovery-controller',
	'autoregister-completion',
];

const checks: Record<string, string[]> = {
	healthz: ['ping', 'log', 'loopback-serving-certificate', 'etcd', ...hooks],
	livez: ['ping', 'log', 'loopback-serving-certificate', 'etcd', ...hooks],
	readyz: ['ping', 'log', 'etcd', 'etcd-readiness', 'informer-sync', ...hooks, 'shutdown'],
};

/** The text/plain answer for a health path, or undefined when the path is no health check. */
export function healthAnswer(path: string, query: URLSearchParams): string | undefined {
	const [endpoint, ...rest] = path.slice(1).split('/');
	const names = checks[endpoint ?? ''];
	if (!names) return undefined;
	if (rest.length > 0) return names.includes(rest.join('/')) ? 'ok' : undefined;
	if (!query.has('verbose')) return 'ok';
	const excluded = new Set(query.getAll('exclude'));
	return `${names.map(name => `[+]${name} ${excluded.has(name) ? 'excluded: ' : ''}ok`).join('\n')}\n${endpoint} check passed\n`;
}
