// init's rules without a network: contexts to clusters, clusters to hosts, memory, Prometheus jobs, drill
// points, and the written text (which labwatch's own loader must accept).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseConfigText} from '../../source/config/load.js';
import {nodeFacts, type ClusterFacts, type NodeFact} from '../../source/init/cluster-facts.js';
import {classifyContext, readKubeconfigs, type ContextFact} from '../../source/init/contexts.js';
import {dockerPsArgs, parseDockerPs} from '../../source/init/kind-containers.js';
import {localAddresses} from '../../source/init/machine.js';
import {nodeMemoryFacts, targetFacts, type PrometheusFacts} from '../../source/init/prometheus-facts.js';
import {propose, type DiscoveryFacts} from '../../source/init/propose.js';
import {renderProposal} from '../../source/init/render.js';
import {prometheusCandidates} from '../../source/init/run-init.js';

const GiB = 2 ** 30;

test('contexts: kind, minikube, kubeadm and the simulator are recognised; names suit the config', () => {
	assert.deepEqual(classifyContext('kind-m1-cluster', new Set()), {flavour: 'kind', name: 'm1', kindCluster: 'm1-cluster'});
	assert.deepEqual(classifyContext('kind-edge', new Set()), {flavour: 'kind', name: 'edge', kindCluster: 'edge'});
	assert.deepEqual(classifyContext('minikube', new Set()), {flavour: 'minikube', name: 'minikube'});
	assert.deepEqual(classifyContext('m2', new Set(['m2'])), {flavour: 'minikube', name: 'm2'});
	assert.deepEqual(classifyContext('kubernetes-admin@Lab_VMs', new Set()), {flavour: 'kubeadm', name: 'lab-vms'});
	assert.deepEqual(classifyContext('sim-m2', new Set()), {flavour: 'sim', name: 'm2'});
	assert.equal(classifyContext('gke_project_europe-west1_prod', new Set()).flavour, 'other');
});

test('kubeconfig: minikube found by its extension, every context switched to itself, duplicate names suffixed', t => {
	const directory = mkdtempSync(join(tmpdir(), 'labwatch-init-kc-'));
	t.after(() => rmSync(directory, {recursive: true, force: true}));
	const file = join(directory, 'config');
	writeFileSync(
		file,
		`apiVersion: v1
kind: Config
clusters:
- {name: a, cluster: {server: "https://127.0.0.1:6443"}}
- {name: b, cluster: {server: "https://192.168.49.2:8443"}}
contexts:
- {name: kind-m1, context: {cluster: a, user: u}}
- name: laptop
  context:
    cluster: b
    user: u
    extensions:
    - {name: context_info, extension: {provider: minikube.sigs.k8s.io, version: v1.34.0}}
- {name: sim-m1, context: {cluster: a, user: u}}
users:
- {name: u, user: {token: x}}
current-context: kind-m1
`,
	);
	const facts = readKubeconfigs(file, {});
	assert.deepEqual(
		facts.contexts.map(context => [context.context, context.flavour, context.name, context.server]),
		[
			['kind-m1', 'kind', 'm1', 'https://127.0.0.1:6443'],
			['laptop', 'minikube', 'laptop', 'https://192.168.49.2:8443'],
			['sim-m1', 'sim', 'm1-2', 'https://127.0.0.1:6443'],
		],
	);
	assert.equal(facts.kubeConfigs.get('laptop')!.getCurrentCluster()!.server, 'https://192.168.49.2:8443');
	assert.throws(() => readKubeconfigs(join(directory, 'missing'), {}), /^ConfigError: kubeconfig .*missing: no such file$/);
});

test('server answers are parsed defensively: nodes, docker ps lines, Prometheus targets and totals', () => {
	assert.deepEqual(
		nodeFacts({
			items: [
				{metadata: {name: 'n1'}, spec: {providerID: 'kind://docker/m1/n1'}, status: {addresses: [{type: 'Hostname', address: 'n1'}, {type: 'InternalIP', address: '172.18.0.2'}], capacity: {memory: '8123456Ki'}, nodeInfo: {osImage: 'Debian', kubeletVersion: 'v1.31.0'}}},
				{metadata: {}, status: {capacity: {memory: 'lots'}}},
			],
		}),
		[
			{name: 'n1', internalIP: '172.18.0.2', memoryBytes: 8123456 * 1024, osImage: 'Debian', kubeletVersion: 'v1.31.0', providerID: 'kind://docker/m1/n1'},
			{name: '?'},
		],
	);
	assert.deepEqual(dockerPsArgs, ['ps', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Names}}\t{{.Label "io.x-k8s.kind.cluster"}}\t{{.Label "io.x-k8s.kind.role"}}']);
	assert.deepEqual(parseDockerPs('m1-cluster-worker\tm1-cluster\tworker\nbad name;rm\tx\tworker\n\nm1-cluster-control-plane\tm1-cluster\tcontrol-plane\n'), [
		{name: 'm1-cluster-control-plane', cluster: 'm1-cluster', role: 'control-plane'},
		{name: 'm1-cluster-worker', cluster: 'm1-cluster', role: 'worker'},
	]);
	assert.equal(targetFacts({status: 'error'}), undefined);
	assert.deepEqual(targetFacts({status: 'success', data: {activeTargets: [{labels: {job: 'node', instance: '192.168.1.10:9100'}, health: 'up'}, {labels: {}, scrapePool: 'm2', health: 'down'}]}}), [
		{job: 'node', instance: '192.168.1.10:9100', up: true},
		{job: 'm2', instance: '', up: false},
	]);
	assert.deepEqual(nodeMemoryFacts({data: {result: [{metric: {__name__: 'node_memory_total_bytes', instance: 'a'}, value: [1, '17179869184']}, {metric: {__name__: 'other'}, value: [1, '5']}, {metric: {__name__: 'node_memory_MemTotal_bytes'}, value: [1, 'NaN']}]}}), [
		{dialect: 'darwin', totalBytes: 16 * GiB, labels: {instance: 'a'}},
	]);
});

test('this machine: LAN addresses first, bridges and loopback never', () => {
	const ip = (address: string, internal = false) => ({address, family: 'IPv4' as const, internal, netmask: '', mac: '', cidr: null});
	assert.deepEqual(
		localAddresses({lo: [ip('127.0.0.1', true)], docker0: [ip('172.17.0.1')], 'br-1a2b': [ip('172.18.0.1')], eth1: [ip('172.20.0.5')], en0: [ip('192.168.1.10')]} as never),
		[{address: '192.168.1.10', interface: 'en0'}, {address: '172.20.0.5', interface: 'eth1'}],
	);
});

test('Prometheus candidates: the flag alone; else configured, loopback, then remote API servers only', () => {
	const contexts = [
		{context: 'kind-m1', flavour: 'kind', name: 'm1', server: 'https://127.0.0.1:6443'},
		{context: 'kind-m2', flavour: 'kind', name: 'm2', server: 'https://192.168.1.20:6443'},
		{context: 'here', flavour: 'kind', name: 'here', server: 'https://192.168.1.10:6443'},
	] satisfies ContextFact[];
	assert.deepEqual(prometheusCandidates({flag: 'http://127.0.0.1:1/p', contexts, local: new Set()}), ['http://127.0.0.1:1/p']);
	assert.deepEqual(prometheusCandidates({configured: 'http://10.0.0.1:9090', contexts, local: new Set(['192.168.1.10'])}), [
		'http://10.0.0.1:9090',
		'http://127.0.0.1:9090',
		'http://localhost:9090',
		'http://192.168.1.20:9090',
	]);
});

// A Mac mini with two kind clusters in its Docker, and the MacBook's kind cluster reached over the LAN.
function kindNodes(prefix: string, cluster: string, count: number, memory = 8 * GiB): NodeFact[] {
	return Array.from({length: count}, (_, index) => ({name: `${cluster}-n${index}`, internalIP: `${prefix}.${index + 2}`, memoryBytes: memory, providerID: `kind://docker/${cluster}/${cluster}-n${index}`}));
}

function homelab(overrides: Partial<DiscoveryFacts> = {}): DiscoveryFacts {
	const reachable = (nodes: NodeFact[]): ClusterFacts => ({reachable: true, nodes, submarinerNamespaces: ['submariner-operator']});
	return {
		kubeconfigFiles: ['/k'],
		contexts: [
			{context: 'kind-m1-cluster', flavour: 'kind', name: 'm1', kindCluster: 'm1-cluster', server: 'https://127.0.0.1:50001'},
			{context: 'kind-lab', flavour: 'kind', name: 'lab', kindCluster: 'lab', server: 'https://127.0.0.1:50002'},
			{context: 'kind-m2-cluster', flavour: 'kind', name: 'm2', kindCluster: 'm2-cluster', server: 'https://192.168.1.20:6443'},
			{context: 'prod-eks', flavour: 'other', name: 'prod-eks', server: 'https://eks.example'},
		],
		clusters: new Map([
			['kind-m1-cluster', reachable(kindNodes('172.18.0', 'm1-cluster', 3))],
			['kind-lab', reachable(kindNodes('172.18.0', 'lab', 1))],
			// Docker Desktop on the MacBook uses the same kind network: only the server tells the hosts apart.
			['kind-m2-cluster', reachable(kindNodes('172.18.0', 'm2-cluster', 2, 4 * GiB))],
		]),
		kind: {
			state: 'found',
			containers: [
				{name: 'lab-control-plane', cluster: 'lab', role: 'control-plane'},
				{name: 'm1-cluster-control-plane', cluster: 'm1-cluster', role: 'control-plane'},
				{name: 'm1-cluster-worker', cluster: 'm1-cluster', role: 'worker'},
			],
		},
		prometheus: {state: 'none', tried: [{url: 'http://127.0.0.1:9090', reason: 'connection refused'}]},
		platform: 'darwin',
		localAddresses: [{address: '192.168.1.10', interface: 'en0'}],
		...overrides,
	};
}

test('hosts: kind clusters in this Docker share a host; a cluster served from another address is that host', () => {
	const proposal = propose(homelab());
	assert.deepEqual(proposal.clusters.map(cluster => [cluster.name, cluster.context, cluster.host, cluster.submarinerNamespace]), [
		['m1', 'kind-m1-cluster', 'm1', 'submariner-operator'],
		['lab', 'kind-lab', 'm1', 'submariner-operator'],
		['m2', 'kind-m2-cluster', 'm2', 'submariner-operator'],
	]);
	assert.deepEqual(proposal.hosts.map(host => [host.name, host.address, host.memoryBytes]), [
		// kind nodes share the Docker VM: the largest node (8 GiB), plus 2 GiB for macOS.
		['m1', '192.168.1.10', 10 * GiB],
		['m2', '192.168.1.20', 6 * GiB],
	]);
	assert.equal(proposal.hosts[0]!.notes[0]!.kind, 'guess');
	assert.deepEqual(proposal.hosts[1]!.notes[0], {kind: 'found', text: "the API server's address"});
	assert.ok(proposal.notes.some(note => /context prod-eks not proposed/.test(note.text)));
	// On a Mac: iptables inside this Docker's kind nodes, one point per node container.
	assert.deepEqual(proposal.points.map(item => item.point), [
		{host: 'm1', via: 'docker', container: 'lab-control-plane'},
		{host: 'm1', via: 'docker', container: 'm1-cluster-control-plane'},
		{host: 'm1', via: 'docker', container: 'm1-cluster-worker'},
	]);
});

test('drill points: local only where iptables is on PATH (not on a Mac); none when docker is missing on a Mac', () => {
	assert.deepEqual(propose(homelab({platform: 'linux', iptablesPath: '/usr/sbin/iptables'})).points.map(item => item.point), [{host: 'm1', via: 'local'}]);
	const linuxWithout = propose(homelab({platform: 'linux'}));
	assert.deepEqual(linuxWithout.points, []);
	assert.match(linuxWithout.pointNotes[0]!.text, /no iptables on PATH/);
	const noDocker = propose(homelab({kind: {state: 'unavailable', note: 'docker not found on PATH: no kind node containers looked for'}, iptablesPath: '/usr/sbin/iptables'}));
	assert.deepEqual(noDocker.points, [], 'a Mac never gets a local iptables point');
	assert.ok(noDocker.notes.some(note => note.text.startsWith('docker not found on PATH')));
	// Without Docker's word, kind clusters on this machine still share a host by their nodes' /24.
	assert.deepEqual(noDocker.clusters.map(cluster => cluster.host), ['m1', 'm1', 'm2']);
});

test('a kubeadm cluster whose API server sits in its nodes\' /24 is one VM-network host', () => {
	const proposal = propose(
		homelab({
			contexts: [{context: 'kubernetes-admin@kubernetes', flavour: 'kubeadm', name: 'kubernetes', server: 'https://172.16.5.10:6443'}],
			clusters: new Map([
				['kubernetes-admin@kubernetes', {reachable: true, submarinerNamespaces: [], nodes: [10, 11, 12, 13].map(last => ({name: `vm${last}`, internalIP: `172.16.5.${last}`, memoryBytes: 4 * GiB}))}],
			]),
			kind: {state: 'found', containers: []},
		}),
	);
	// Separate VMs add up: 4 × 4 GiB, plus 2 GiB.
	assert.deepEqual(proposal.hosts.map(host => [host.name, host.address, host.memoryBytes]), [['kubernetes', '192.168.1.10', 18 * GiB]]);
	assert.match(proposal.clusters[0]!.notes.at(-1)!.text, /share 172\.16\.5\.0\/24, a VM network/);
});

test('Prometheus: memory and exporter from node_exporter (darwin first), jobs by name', () => {
	const prometheus: PrometheusFacts = {
		state: 'found',
		url: 'http://127.0.0.1:9090',
		tried: [],
		targets: [
			{job: 'kubernetes-m1', instance: 'a', up: true},
			{job: 'm2-cluster', instance: 'b', up: true},
			{job: 'node', instance: '192.168.1.20:9100', up: true},
		],
		nodeMemory: [
			{dialect: 'linux', totalBytes: 7.6 * GiB, labels: {instance: '192.168.1.20:9101', job: 'node'}},
			{dialect: 'darwin', totalBytes: 8 * GiB, labels: {instance: '192.168.1.20:9100', job: 'node'}},
			{dialect: 'darwin', totalBytes: 16 * GiB, labels: {instance: 'mini', host: 'm1', job: 'node'}},
		],
	};
	const proposal = propose(homelab({prometheus}));
	assert.deepEqual(proposal.hosts.map(host => [host.name, host.memoryBytes, host.nodeExporter]), [
		['m1', 16 * GiB, {label: 'host', value: 'm1'}],
		['m2', 8 * GiB, undefined],
	]);
	assert.match(proposal.hosts[1]!.notes.at(-1)!.text, /node_exporter \(darwin\) reports 8GiB; instance 192\.168\.1\.20:9100 is at the host's address/);
	assert.deepEqual(proposal.prometheus!.jobs, {m1: 'kubernetes-m1', m2: 'm2-cluster'});
	assert.deepEqual(proposal.prometheus!.notes.slice(1).map(note => note.kind), ['guess', 'guess', 'found']);
});

test('the written text: labwatch loads it as is, every guess is a comment, hostile names stay inert', () => {
	const hostile = homelab({
		contexts: [{context: 'kind-evil\n# injected: true', flavour: 'kind', name: 'evil-injected-true', kindCluster: 'evil', server: 'https://127.0.0.1:1'}],
		clusters: new Map([['kind-evil\n# injected: true', {reachable: false, reason: 'timeout\nprometheus: {url: x}'}]]),
		kind: {state: 'found', containers: []},
		prometheus: {
			state: 'found',
			url: 'http://127.0.0.1:9090',
			tried: [],
			targets: [{job: 'evil": x\n', instance: '', up: true}],
			nodeMemory: [],
		},
	});
	const proposal = propose(hostile);
	const text = renderProposal(proposal, new Date('2026-12-02T19:00:00Z'));
	const config = parseConfigText(text, 'config.yaml');
	assert.deepEqual(Object.keys(config.clusters), ['evil-injected-true']);
	assert.equal(config.clusters['evil-injected-true']!.context, 'kind-evil\n# injected: true');
	assert.equal(config.prometheus!.url, 'http://127.0.0.1:9090');
	assert.doesNotMatch(text, /^prometheus: \{url: x\}/m);
	assert.match(text, /^ {2}# guess: did not answer \(timeout prometheus: \{url: x\}\): host guessed from its server address$/m);

	const full = renderProposal(propose(homelab()), new Date('2026-12-02T19:00:00Z'));
	const loaded = parseConfigText(full, 'config.yaml');
	assert.deepEqual(Object.keys(loaded.hosts), ['m1', 'm2']);
	assert.equal(loaded.drill.points!.length, 3);
	assert.equal(loaded.prometheus, undefined);
	assert.match(full, /^# found: no Prometheus answered at http:\/\/127\.0\.0\.1:9090 \(connection refused\): budgets use Kubernetes requests\.$/m);
	assert.match(full, /^ {2}# guess: memory: its nodes report 8GiB \(kind nodes share one Docker VM\), plus 2GiB for the host: set its physical memory$/m);
	assert.match(full, /^ {4}# found: kind node m1-cluster-worker \(m1-cluster, worker\): macOS has no iptables, its kind nodes do$/m);
});
