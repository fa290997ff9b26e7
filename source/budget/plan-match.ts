// Which plan line a pod belongs to. First rule that matches wins:
//  1. `hosts.<h>.match.<line>`: patterns with `*` wildcards. "key=value" tests a label, "ns/name" tests
//     namespace/name, anything else tests the pod name. Lines are tried in the order of `match`.
//  2. A line named `control-plane` takes kube-system's control-plane components (etcd, kube-apiserver,
//     kube-scheduler, kube-controller-manager) by their `component` label or name prefix.
//  3. Label `app`, label `app.kubernetes.io/name`, or the pod name equal to or starting with a line's name
//     (lines of rules 2 and 4 aside); the longest such line name wins ("api-gateway" beats "api").
//  4. A line named `nodes` or ending in `-nodes` (m2's `worker-nodes`: the kind node VMs) takes what runs
//     for the nodes themselves: the rest of kube-system and local-path-storage (kube-proxy, kindnet,
//     CoreDNS, the storage provisioner), and the control plane when the host has no control-plane line.
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
const nodeNamespaces = new Set(['kube-system', 'local-path-storage']);

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

/** The plan line of one pod on `host` (see the rules above). */
export function planLineFor(pod: PodIdentity, host: HostConfig): string {
	for (const [line, patterns] of Object.entries(host.match)) {
		if (patterns.some(pattern => matchesPattern(pattern, pod))) return line;
	}
	const lines = Object.keys(host.plan);
	if (lines.includes(controlPlaneLine) && isControlPlane(pod)) return controlPlaneLine;
	const names = podNames(pod);
	const byName = lines
		.filter(line => line !== controlPlaneLine && !isNodesLine(line))
		.filter(line => names.some(name => name.startsWith(line)))
		.sort((a, b) => b.length - a.length)[0];
	if (byName) return byName;
	const nodes = lines.find(isNodesLine);
	if (nodes && nodeNamespaces.has(pod.namespace)) return nodes;
	return otherLine;
}
