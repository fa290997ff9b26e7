// Which plan line a pod belongs to. First rule that matches wins:
//  1. `hosts.<h>.match.<line>`: patterns with `*` wildcards. "key=value" tests a label, "ns/name" tests
//     namespace/name, anything else tests the pod name. Lines are tried in the order of `match`.
//  2. A line named `control-plane` takes kube-system's control-plane components (etcd, kube-apiserver,
//     kube-scheduler, kube-controller-manager) by their `component` label or name prefix.
//  3. Label `app`, label `app.kubernetes.io/name`, or the pod name equal to or starting with a line's name
//     (lines of rules 2 and 4 aside), or with its singular: a line is named for many pods ("ci-runners"
//     takes app=ci-runner and ci-runner-64522-x); the longest such line name wins ("api-gateway" beats
//     "api"). Failing that, a line named like the pod's namespace ("ci", "monitoring") takes it.
//  4. A line named `nodes` or ending in `-nodes` (m2's `worker-nodes`: the kind node VMs) takes what runs
//     for the nodes themselves: the rest of kube-system, local-path-storage and submariner-operator
//     (kube-proxy, kindnet, CoreDNS, the storage provisioner, Submariner's gateway and route agent), and
//     the control plane when the host has no control-plane line. A host with a control-plane line and no
//     nodes line (m1: "control plane on 3 kind nodes, 6 GiB") gives them to its control-plane line.
//     The VM's own overhead (guest OS, kubelet, containerd) is no pod: it shows in the host's total only.
//  5. Anything else is "other".
import type {HostConfig} from '../config/schema.js';

export const otherLine = 'other';
export const controlPlaneLine = 'control-plane';

/** What mapping needs of a pod; pods known only from metrics have no labels. */
export interface PodIdentity {
	namespace: string;
	name: string;
	labels: Record<string, string>;
}

const controlPlaneComponents = ['etcd', 'kube-apiserver', 'kube-scheduler', 'kube-controller-manager'];
const nodeNamespaces = new Set(['kube-system', 'local-path-storage', 'submariner-operator']);

function globToRegExp(glob: string): RegExp {
	const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
	return new RegExp(`^${escaped}$`);
}

export function matchesPattern(pattern: string, pod: PodIdentity): boolean {
	const equals = pattern.indexOf('=');
	if (equals > 0) {
		const value = pod.labels[pattern.slice(0, equals)];
		return value !== undefined && globToRegExp(pattern.slice(equals + 1)).test(value);
	}
	if (pattern.includes('/')) return globToRegExp(pattern).test(`${pod.namespace}/${pod.name}`);
	return globToRegExp(pattern).test(pod.name);
}

function isControlPlane(pod: PodIdentity): boolean {
	if (pod.namespace !== 'kube-system') return false;
	const component = pod.labels.component;
	if (component && controlPlaneComponents.includes(component)) return true;
	return controlPlaneComponents.some(prefix => pod.name.startsWith(`${prefix}-`));
}

function isNodesLine(line: string): boolean {
	return line === 'nodes' || line.endsWith('-nodes');
}

/** The names a pod is known by, for rule 3. */
function podNames(pod: PodIdentity): string[] {
	return [pod.labels.app, pod.labels['app.kubernetes.io/name'], pod.name].filter(
		(value): value is string => typeof value === 'string' && value.length > 0,
	);
}

/** "ci-runners" → "ci-runner", "caches" → "cache": the one pod a plural line is named for. */
function singular(line: string): string | undefined {
	if (line.endsWith('ies') && line.length > 4) return `${line.slice(0, -3)}y`;
	if (line.endsWith('s') && !line.endsWith('ss') && line.length > 2) return line.slice(0, -1);
	return undefined;
}

/** A pod name or label that is this line's: the line name as a prefix, or its singular as a whole word. */
function namesLine(name: string, line: string): boolean {
	if (name.startsWith(line)) return true;
	const one = singular(line);
	return one !== undefined && (name === one || name.startsWith(`${one}-`));
}

function namespaceLine(namespace: string, line: string): boolean {
	return namespace === line || namespace === singular(line) || singular(namespace) === line;
}

/** The plan line of one pod on `host` (see the rules above). */
export function planLineFor(pod: PodIdentity, host: HostConfig): string {
	for (const [line, patterns] of Object.entries(host.match)) {
		if (patterns.some(pattern => matchesPattern(pattern, pod))) return line;
	}
	const lines = Object.keys(host.plan);
	if (lines.includes(controlPlaneLine) && isControlPlane(pod)) return controlPlaneLine;
	const names = podNames(pod);
	const workloadLines = lines.filter(line => line !== controlPlaneLine && !isNodesLine(line));
	const byName = workloadLines.filter(line => names.some(name => namesLine(name, line))).sort((a, b) => b.length - a.length)[0];
	if (byName) return byName;
	const byNamespace = workloadLines.find(line => namespaceLine(pod.namespace, line));
	if (byNamespace) return byNamespace;
	const nodes = lines.find(isNodesLine) ?? (lines.includes(controlPlaneLine) ? controlPlaneLine : undefined);
	if (nodes && nodeNamespaces.has(pod.namespace)) return nodes;
	return otherLine;
}
