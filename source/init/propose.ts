// From what discovery found to a proposed config: which clusters, which host each runs on, the hosts'
// memory and addresses, Prometheus and its jobs, the drill points. Pure: every fact comes in, so the
// rules are tested without a network. Each proposed value carries a note saying whether it was found
// (read from a cluster, Docker or Prometheus) or guessed (and from what), for the written comments.
import {instanceHost} from '../prom/host-memory.js';
import type {ClusterFacts, NodeFact} from './cluster-facts.js';
import type {ContextFact} from './contexts.js';
import type {KindContainers} from './kind-containers.js';
import type {NodeMemoryFact, PrometheusFacts} from './prometheus-facts.js';

export type Note = {kind: 'found' | 'guess'; text: string};

export interface DiscoveryFacts {
	/** The config's kubeconfig key: the --kubeconfig file, or none ($KUBECONFIG, ~/.kube/config are read anyway). */
	kubeconfigFlag?: string;
	kubeconfigFiles: string[];
	contexts: ContextFact[];
	clusters: Map<string, ClusterFacts>;
	kind: KindContainers;
	prometheus: PrometheusFacts;
	platform: NodeJS.Platform;
	/** Where iptables is on PATH, if it is. */
	iptablesPath?: string;
	/** This machine's IPv4 addresses on its network interfaces (not loopback), first the likeliest LAN one. */
	localAddresses: Array<{address: string; interface: string}>;
}

export interface ProposedCluster {
	name: string;
	context: string;
	host: string;
	submarinerNamespace?: string;
	notes: Note[];
}

export interface ProposedHost {
	name: string;
	memoryBytes: number;
	address: string;
	nodeExporter?: {label: string; value: string};
	notes: Note[];
}

export interface ProposedPoint {
	point: {host: string; via: 'local' | 'docker'; container?: string};
	note: Note;
}

export interface Proposal {
	kubeconfig?: string;
	clusters: ProposedCluster[];
	hosts: ProposedHost[];
	prometheus?: {url: string; jobs: Record<string, string>; notes: Note[]};
	/** Said where prometheus: would be, when none answered. */
	prometheusMissing?: string;
	points: ProposedPoint[];
	pointNotes: Note[];
	/** Everything else worth a line: contexts not proposed, clusters that did not answer, docker. */
	notes: Note[];
}

const GiB = 2 ** 30;
const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const found = (text: string): Note => ({kind: 'found', text});
const guess = (text: string): Note => ({kind: 'guess', text});

function net24(address: string | undefined): string | undefined {
	const match = address ? ipv4.exec(address) : null;
	return match ? `${match[1]}.${match[2]}.${match[3]}` : undefined;
}

/** The /24 most of the nodes' InternalIPs are in. */
function nodeNetwork(nodes: NodeFact[]): string | undefined {
	const counts = new Map<string, number>();
	for (const node of nodes) {
		const net = net24(node.internalIP);
		if (net) counts.set(net, (counts.get(net) ?? 0) + 1);
	}
	return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function serverHostname(server: string): string {
	try {
		return new URL(server).hostname.replace(/^\[|\]$/g, '');
	} catch {
		return '';
	}
}

function isLoopback(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '::1' || /^127\./.test(hostname);
}

/** A config size: whole GiB when it is one, else MiB. */
export function sizeText(bytes: number): string {
	return bytes % GiB === 0 ? `${bytes / GiB}GiB` : `${Math.round(bytes / 2 ** 20)}MiB`;
}

/** The kind of machine a cluster runs on, as a key: clusters with the same key share a host. */
function hostKey(context: ContextFact, facts: ClusterFacts | undefined, kind: KindContainers, local: Set<string>): {key: string; note: Note} {
	const nodes = facts?.reachable ? facts.nodes : [];
	const server = serverHostname(context.server);
	const net = nodeNetwork(nodes);
	if (context.kindCluster && kind.state === 'found' && kind.containers.some(container => container.cluster === context.kindCluster)) {
		return {key: 'docker', note: found(`its kind node containers run in this machine's Docker (kind clusters on one Docker share a host)`)};
	}
	if (net && net24(server) === net) {
		return {key: `net:${net}`, note: guess(`its API server and nodes share ${net}.0/24, a VM network: one host per such network`)};
	}
	if (isLoopback(server) || local.has(server)) {
		if (net) return {key: `local:${net}`, note: guess(`API server on this machine; nodes in ${net}.0/24 (clusters whose nodes share a /24 share a host)`)};
		return {key: `local:${context.context}`, note: guess('API server on this machine; no node addresses known')};
	}
	return {key: `remote:${server}`, note: found(`API server at ${server}: the host it runs on`)};
}

/** Memory the clusters' VMs take: kind nodes share one Docker VM (the largest node's capacity), other nodes add up. */
function vmBytes(nodes: NodeFact[]): number {
	const shared = nodes.filter(node => node.providerID?.startsWith('kind://'));
	const own = nodes.filter(node => !node.providerID?.startsWith('kind://'));
	return Math.max(0, ...shared.map(node => node.memoryBytes ?? 0)) + own.reduce((sum, node) => sum + (node.memoryBytes ?? 0), 0);
}

const exporterLabels = ['host', 'hostname', 'nodename'];

/** The host's node_exporter among Prometheus's memory totals: by a label naming the host, else by address. */
function matchExporter(host: {name: string; address: string; addressUnique: boolean}, series: NodeMemoryFact[]): {fact: NodeMemoryFact; selector?: {label: string; value: string}; how: string} | undefined {
	const rank = (a: NodeMemoryFact, b: NodeMemoryFact) => (a.dialect === b.dialect ? b.totalBytes - a.totalBytes : a.dialect === 'darwin' ? -1 : 1);
	for (const label of exporterLabels) {
		const match = series.filter(item => item.labels[label] === host.name).sort(rank)[0];
		if (match) return {fact: match, selector: {label, value: host.name}, how: `its series carry ${label}="${host.name}"`};
	}
	if (!host.addressUnique || isLoopback(host.address)) return undefined;
	const byAddress = series.filter(item => item.labels.instance && instanceHost(item.labels.instance) === host.address).sort(rank)[0];
	return byAddress ? {fact: byAddress, how: `instance ${byAddress.labels.instance} is at the host's address`} : undefined;
}

function jobFor(cluster: ContextFact, jobs: string[]): {job: string; note: Note} | undefined {
	for (const exact of [cluster.name, cluster.context, cluster.kindCluster]) {
		if (exact && jobs.includes(exact)) return {job: exact, note: found(`job ${exact} in Prometheus's targets`)};
	}
	const token = new RegExp(`(^|[^a-z0-9])${cluster.name}([^a-z0-9]|$)`);
	const named = jobs.filter(job => token.test(job));
	if (named.length === 1) return {job: named[0]!, note: guess(`job ${named[0]} is the only one naming ${cluster.name}`)};
	return undefined;
}

/** The contexts a homelab proposal is made of: kind, minikube, kubeadm, the simulator; every one if none is. */
export function chosenContexts(contexts: ContextFact[]): ContextFact[] {
	const known = contexts.filter(context => context.flavour !== 'other');
	return known.length > 0 ? known : contexts;
}

export function propose(facts: DiscoveryFacts): Proposal {
	const notes: Note[] = [];
	const known = facts.contexts.filter(context => context.flavour !== 'other');
	const chosen = chosenContexts(facts.contexts);
	if (known.length > 0) {
		for (const context of facts.contexts.filter(item => item.flavour === 'other')) {
			notes.push(found(`context ${context.context} not proposed: not a kind, minikube or kubeadm context`));
		}
	} else if (chosen.length > 0) {
		notes.push(guess('no kind, minikube or kubeadm context: every context proposed'));
	}
	if (facts.kind.state === 'unavailable') notes.push(found(facts.kind.note));

	const local = new Set(facts.localAddresses.map(item => item.address));
	const thisMachine = facts.localAddresses[0];
	const byKey = new Map<string, {name: string; clusters: ContextFact[]; note: Note; key: string}>();
	const clusters: ProposedCluster[] = [];
	for (const context of chosen) {
		const clusterFacts = facts.clusters.get(context.context);
		const {key, note} = hostKey(context, clusterFacts, facts.kind, local);
		let host = byKey.get(key);
		if (!host) {
			host = {name: context.name, clusters: [], note, key};
			byKey.set(key, host);
		}
		host.clusters.push(context);
		const clusterNotes: Note[] = [found(`${context.flavour === 'sim' ? "labwatch's simulator" : context.flavour} context ${context.context} at ${context.server}`)];
		if (clusterFacts?.reachable) {
			const versions = [...new Set(clusterFacts.nodes.map(node => node.kubeletVersion).filter(Boolean))].join(', ');
			const images = [...new Set(clusterFacts.nodes.map(node => node.osImage).filter(Boolean))].join(', ');
			clusterNotes.push(found(`${clusterFacts.nodes.length} nodes (${clusterFacts.nodes.map(node => `${node.name} ${node.internalIP ?? '?'}`).join(', ')})${versions ? `, kubelet ${versions}` : ''}${images ? `, ${images}` : ''}`));
		} else if (clusterFacts) {
			clusterNotes.push(guess(`did not answer (${clusterFacts.reason}): host guessed from its server address`));
		}
		clusterNotes.push(note.kind === 'found' ? found(`host: ${note.text}`) : guess(`host: ${note.text}`));
		const namespaces = clusterFacts?.reachable ? clusterFacts.submarinerNamespaces : [];
		if (namespaces.length > 0) clusterNotes.push(found(`Submariner Gateways in ${namespaces.join(', ')}`));
		clusters.push({name: context.name, context: context.context, host: host.name, ...(namespaces[0] ? {submarinerNamespace: namespaces[0]} : {}), notes: clusterNotes});
	}

	// Addresses first (an exporter is matched by address), then memory.
	const hostDrafts = [...byKey.values()].map(host => {
		const server = host.key.startsWith('remote:') ? host.key.slice('remote:'.length) : undefined;
		if (server && ipv4.test(server)) return {...host, address: server, addressNote: found(`the API server's address`)};
		if (thisMachine) return {...host, address: thisMachine.address, addressNote: guess(`this machine's address (${thisMachine.interface}): the clusters run here`)};
		return {...host, address: '127.0.0.1', addressNote: guess('no address known: set the host\'s LAN address')};
	});
	const addressCount = new Map<string, number>();
	for (const host of hostDrafts) addressCount.set(host.address, (addressCount.get(host.address) ?? 0) + 1);
	const series = facts.prometheus.state === 'found' ? facts.prometheus.nodeMemory : [];
	const hosts: ProposedHost[] = hostDrafts.map(host => {
		const hostNotes: Note[] = [];
		const addressUnique = addressCount.get(host.address) === 1;
		hostNotes.push(addressUnique ? host.addressNote : guess(`${host.addressNote.text}; other hosts got the same address: set each host's own LAN address`));
		const exporter = matchExporter({name: host.name, address: host.address, addressUnique}, series);
		if (exporter) {
			hostNotes.push(found(`memory: node_exporter (${exporter.fact.dialect}) reports ${sizeText(exporter.fact.totalBytes)}; ${exporter.how}`));
			return {name: host.name, memoryBytes: exporter.fact.totalBytes, address: host.address, ...(exporter.selector ? {nodeExporter: exporter.selector} : {}), notes: hostNotes};
		}
		const nodes = host.clusters.flatMap(context => {
			const clusterFacts = facts.clusters.get(context.context);
			return clusterFacts?.reachable ? clusterFacts.nodes : [];
		});
		const vm = vmBytes(nodes);
		if (vm > 0) {
			const memoryBytes = Math.ceil(vm / GiB) * GiB + 2 * GiB;
			hostNotes.push(guess(`memory: its nodes report ${sizeText(Math.ceil(vm / 2 ** 20) * 2 ** 20)} (kind nodes share one Docker VM), plus 2GiB for the host: set its physical memory`));
			return {name: host.name, memoryBytes, address: host.address, notes: hostNotes};
		}
		hostNotes.push(guess('memory: nothing reported it: set the physical memory'));
		return {name: host.name, memoryBytes: 16 * GiB, address: host.address, notes: hostNotes};
	});

	let prometheus: Proposal['prometheus'];
	let prometheusMissing: string | undefined;
	if (facts.prometheus.state === 'found') {
		const jobs = [...new Set(facts.prometheus.targets.map(target => target.job))].sort();
		const promNotes: Note[] = [found(`answered at ${facts.prometheus.url}: ${facts.prometheus.targets.length} targets in jobs ${jobs.join(', ') || '(none)'}`)];
		const jobMap: Record<string, string> = {};
		for (const cluster of chosen) {
			const job = jobFor(cluster, jobs);
			if (job) {
				jobMap[cluster.name] = job.job;
				promNotes.push({kind: job.note.kind, text: `jobs.${cluster.name}: ${job.note.text}`});
			} else {
				promNotes.push(guess(`jobs.${cluster.name}: no job names it: set it to see "Prometheus cannot see ${cluster.name}"`));
			}
		}
		prometheus = {url: facts.prometheus.url, jobs: jobMap, notes: promNotes};
	} else {
		prometheusMissing = facts.prometheus.tried.map(item => `${item.url} (${item.reason})`).join(', ') || 'no address to try';
	}

	// Drill points: iptables runs inside the kind nodes on a Mac; on Linux, here, where iptables is.
	const points: ProposedPoint[] = [];
	const pointNotes: Note[] = [];
	const hostOfKind = new Map(clusters.flatMap(cluster => {
		const context = chosen.find(item => item.context === cluster.context);
		return context?.kindCluster ? [[context.kindCluster, cluster.host] as const] : [];
	}));
	const localHost = hosts.find(host => [...byKey.values()].some(item => item.name === host.name && (item.key === 'docker' || item.key.startsWith('local:'))));
	const shared = [...addressCount.values()].some(count => count > 1);
	if (shared) {
		pointNotes.push(guess('no point proposed: hosts share an address, so a cut would drop this machine\'s own: set each host\'s address, then add points'));
	} else if (facts.platform === 'darwin') {
		const containers = facts.kind.state === 'found' ? facts.kind.containers.filter(container => hostOfKind.has(container.cluster)) : [];
		for (const container of containers) {
			points.push({point: {host: hostOfKind.get(container.cluster)!, via: 'docker', container: container.name}, note: found(`kind node ${container.name} (${container.cluster}, ${container.role || 'node'}): macOS has no iptables, its kind nodes do`)});
		}
		if (containers.length === 0) pointNotes.push(guess('no kind node containers here: on a Mac cut inside kind nodes (via: docker) or a Linux VM (via: ssh)'));
	} else if (facts.iptablesPath) {
		const host = localHost ?? hosts[0];
		if (host) points.push({point: {host: host.name, via: 'local'}, note: found(`iptables at ${facts.iptablesPath} on this ${facts.platform} machine (run labwatch as root)`)});
	} else {
		pointNotes.push(found('no iptables on PATH: no local point proposed'));
	}

	return {
		...(facts.kubeconfigFlag ? {kubeconfig: facts.kubeconfigFlag} : {}),
		clusters,
		hosts,
		...(prometheus ? {prometheus} : {}),
		...(prometheusMissing ? {prometheusMissing} : {}),
		points,
		pointNotes,
		notes,
	};
}
