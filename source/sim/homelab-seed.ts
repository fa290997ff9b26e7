// The homelab of reference homelab.md as simulated clusters: m1 (Mac mini, data plane) and m2 (MacBook,
// edge and bursty compute), with the workloads and memory plan of that page. Addresses are data only.
import {ClusterModel, fillerLabel} from './cluster-model.js';
import {endpointSpec, makeGateway, type EndpointSpec, type GatewayConnection} from './gateway-object.js';
import type {SimHostOs} from './host-memory-series.js';
import {makePod} from './pod-factory.js';
import {SimRandom, kubeTime} from './random.js';
import {makeEndpoint, makeSubmarinerCluster, makeSubmarinerCr, stableUid, type SimHealthCheck} from './submariner-objects.js';
import {homelabExports, makeAggregatedServiceImport, makeLocalServiceImport, makeServiceExport} from './lighthouse-objects.js';
import type {KubeObject} from './resources.js';

const gib = 2 ** 30;
const dayMs = 86_400_000;

export interface WorkloadSpec {
	app: string;
	namespace: string;
	kind: 'Static' | 'StatefulSet' | 'Deployment' | 'DaemonSet' | 'Job';
	/** One pod per entry: the node it runs on. */
	nodes: string[];
	memory: string;
	/** Defaults to `memory` (Guaranteed QoS: request = limit = the plan's number). */
	requestMemory?: string;
	image: string;
	/** ReplicaSet hash for Deployment-style names; random when absent. */
	hash?: string;
	labels?: Record<string, string>;
	hostNetwork?: boolean;
}

export interface ClusterSpec {
	name: string;
	host: string;
	/** The host's LAN address: the Gateway's private_ip. Never dialled. */
	address: string;
	hostMemoryBytes: number;
	hostBaseBytes: number;
	/** The host's OS: which node_exporter dialect its memory series speak (the Macs: darwin). */
	os: SimHostOs;
	podCidr: string;
	serviceCidr: string;
	/** First three octets of the pod network; node i gets <prefix>.<i>.0/24. */
	podPrefix: string;
	/** kind's docker network for node InternalIPs. */
	nodeNetPrefix: string;
	nodes: string[];
	controlPlane: string;
	gatewayNode: string;
	workloads: WorkloadSpec[];
	/** CI runner Job pods come and go here (life). */
	ciNamespace?: string;
	seed: number;
}

export const gatewayNamespace = 'submariner-operator';

function controlPlane(node: string, all: string[]): WorkloadSpec[] {
	const labels = (component: string) => ({component, tier: 'control-plane'});
	return [
		{app: 'etcd', namespace: 'kube-system', kind: 'Static', nodes: all, memory: '1Gi', image: 'registry.k8s.io/etcd:3.5.15-0', labels: labels('etcd'), hostNetwork: true},
		{app: 'kube-apiserver', namespace: 'kube-system', kind: 'Static', nodes: [node], memory: '1536Mi', image: 'registry.k8s.io/kube-apiserver:v1.30.3', labels: labels('kube-apiserver'), hostNetwork: true},
		{app: 'kube-scheduler', namespace: 'kube-system', kind: 'Static', nodes: [node], memory: '512Mi', image: 'registry.k8s.io/kube-scheduler:v1.30.3', labels: labels('kube-scheduler'), hostNetwork: true},
		{app: 'kube-controller-manager', namespace: 'kube-system', kind: 'Static', nodes: [node], memory: '1Gi', image: 'registry.k8s.io/kube-controller-manager:v1.30.3', labels: labels('kube-controller-manager'), hostNetwork: true},
	];
}

function coredns(nodes: string[]): WorkloadSpec {
	return {app: 'coredns', namespace: 'kube-system', kind: 'Deployment', nodes, memory: '170Mi', requestMemory: '70Mi', image: 'registry.k8s.io/coredns/coredns:v1.11.1', hash: '7db6d8ff4d', labels: {'k8s-app': 'kube-dns'}};
}

function gatewayPod(node: string): WorkloadSpec {
	return {app: 'submariner-gateway', namespace: gatewayNamespace, kind: 'DaemonSet', nodes: [node], memory: '256Mi', requestMemory: '64Mi', image: 'quay.io/submariner/submariner-gateway:0.18.1', hostNetwork: true};
}

export const homelabSpecs: ClusterSpec[] = [
	{
		name: 'm1',
		host: 'm1',
		address: '192.168.1.10',
		hostMemoryBytes: 16 * gib,
		os: 'darwin',
		hostBaseBytes: 0.75 * gib,
		podCidr: '10.244.0.0/16',
		serviceCidr: '10.96.0.0/16',
		podPrefix: '10.244',
		nodeNetPrefix: '172.18.0',
		nodes: ['m1-control-plane', 'm1-worker', 'm1-worker2'],
		controlPlane: 'm1-control-plane',
		gatewayNode: 'm1-worker',
		workloads: [
			...controlPlane('m1-control-plane', ['m1-control-plane', 'm1-worker', 'm1-worker2']),
			coredns(['m1-control-plane', 'm1-control-plane']),
			{app: 'postgresql', namespace: 'data', kind: 'StatefulSet', nodes: ['m1-worker'], memory: '2Gi', image: 'docker.io/bitnami/postgresql:16.4.0'},
			{app: 'redis', namespace: 'data', kind: 'Deployment', nodes: ['m1-worker2'], memory: '1Gi', image: 'docker.io/redis:7.4'},
			{app: 'kafka', namespace: 'data', kind: 'StatefulSet', nodes: ['m1-worker2'], memory: '2Gi', image: 'docker.io/bitnami/kafka:3.8.0'},
			{app: 'prometheus', namespace: 'monitoring', kind: 'StatefulSet', nodes: ['m1-worker'], memory: '2Gi', image: 'quay.io/prometheus/prometheus:v2.54.1'},
			{app: 'grafana', namespace: 'monitoring', kind: 'Deployment', nodes: ['m1-worker2'], memory: '512Mi', image: 'docker.io/grafana/grafana:11.2.0'},
			{app: 'jaeger', namespace: 'observability', kind: 'Deployment', nodes: ['m1-worker'], memory: '1Gi', image: 'docker.io/jaegertracing/all-in-one:1.60'},
			gatewayPod('m1-worker'),
		],
		seed: 0x6d31,
	},
	{
		name: 'm2',
		host: 'm2',
		address: '192.168.1.20',
		hostMemoryBytes: 8 * gib,
		os: 'darwin',
		hostBaseBytes: 0.5 * gib,
		// Submariner without Globalnet needs networks that do not overlap m1's.
		podCidr: '10.245.0.0/16',
		serviceCidr: '10.97.0.0/16',
		podPrefix: '10.245',
		nodeNetPrefix: '172.19.0',
		nodes: ['m2-control-plane', 'm2-worker'],
		controlPlane: 'm2-control-plane',
		gatewayNode: 'm2-worker',
		workloads: [
			coredns(['m2-control-plane']),
			{app: 'api-gateway', namespace: 'apps', kind: 'Deployment', nodes: ['m2-worker'], memory: '256Mi', image: 'docker.io/traefik:v3.1'},
			{app: 'backend', namespace: 'apps', kind: 'Deployment', nodes: ['m2-worker', 'm2-control-plane'], memory: '512Mi', image: 'ghcr.io/homelab/backend:1.4.2', hash: '7d9f8c6b5d'},
			{app: 'frontend', namespace: 'apps', kind: 'Deployment', nodes: ['m2-control-plane'], memory: '256Mi', image: 'ghcr.io/homelab/frontend:2.0.1'},
			{app: 'ml-inference', namespace: 'ml', kind: 'Deployment', nodes: ['m2-worker'], memory: '2Gi', image: 'ghcr.io/homelab/ml-inference:0.9.0'},
			{app: 'ci-runner', namespace: 'ci', kind: 'Job', nodes: ['m2-worker'], memory: '1Gi', requestMemory: '512Mi', image: 'ghcr.io/actions/actions-runner:2.319.1'},
			gatewayPod('m2-worker'),
		],
		ciNamespace: 'ci',
		seed: 0x6d32,
	},
];

export const fillerNamespace = 'load';

export interface SeedResult {
	/** Pod keys of the filler pods, for churn to walk without O(n) lookups. */
	fillerKeys: string[];
	gateway: {name: string; namespace: string};
	local: EndpointSpec;
	random: SimRandom;
	/** Per node, the next free pod IP index (life creates pods too). */
	nextPodIp: Map<string, number>;
}

export function gatewayEndpointFor(spec: ClusterSpec): EndpointSpec {
	const index = spec.nodes.indexOf(spec.gatewayNode);
	return endpointSpec({
		clusterId: spec.name,
		hostname: spec.gatewayNode,
		privateIp: spec.address,
		// The gateway node's CNI interface inside the pod network, which Submariner pings.
		healthCheckIp: `${spec.podPrefix}.${index}.1`,
		serviceCidr: spec.serviceCidr,
		podCidr: spec.podCidr,
	});
}

export function nodeIp(spec: ClusterSpec, node: string): string {
	return `${spec.nodeNetPrefix}.${spec.nodes.indexOf(node) + 2}`;
}

function makeNode(spec: ClusterSpec, name: string, uid: string, createdMs: number): KubeObject {
	const index = spec.nodes.indexOf(name);
	const labels: Record<string, string> = {
		'beta.kubernetes.io/arch': 'arm64',
		'beta.kubernetes.io/os': 'linux',
		'kubernetes.io/arch': 'arm64',
		'kubernetes.io/hostname': name,
		'kubernetes.io/os': 'linux',
	};
	if (name === spec.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
	if (name === spec.gatewayNode) labels['submariner.io/gateway'] = 'true';
	const time = kubeTime(createdMs);
	const heartbeat = kubeTime(Date.now() - 30_000);
	const condition = (type: string, status: string, reason: string, message: string) => ({type, status, lastHeartbeatTime: heartbeat, lastTransitionTime: time, reason, message});
	return {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: {name, uid, resourceVersion: '0', creationTimestamp: time, labels},
		spec: {podCIDR: `${spec.podPrefix}.${index}.0/24`, podCIDRs: [`${spec.podPrefix}.${index}.0/24`], providerID: `kind://docker/${spec.name}-cluster/${name}`},
		status: {
			// A kind node is a 2 GiB VM slice; the kubelet reserves a little.
			capacity: {cpu: '8', 'ephemeral-storage': '61202244Ki', memory: '2097152Ki', pods: '110'},
			allocatable: {cpu: '8', 'ephemeral-storage': '61202244Ki', memory: '1994752Ki', pods: '110'},
			conditions: [
				condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
				condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
				condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
				condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
			],
			addresses: [{type: 'InternalIP', address: nodeIp(spec, name)}, {type: 'Hostname', address: name}],
			nodeInfo: {
				architecture: 'arm64',
				containerRuntimeVersion: 'containerd://1.7.18',
				kernelVersion: '6.10.4-linuxkit',
				kubeProxyVersion: 'v1.30.3',
				kubeletVersion: 'v1.30.3',
				operatingSystem: 'linux',
				osImage: 'Debian GNU/Linux 12 (bookworm)',
				machineID: uid.replaceAll('-', ''),
				systemUUID: uid,
				bootID: uid,
			},
		},
	};
}

function makeNamespace(name: string, uid: string, createdMs: number): KubeObject {
	return {
		apiVersion: 'v1',
		kind: 'Namespace',
		metadata: {name, uid, resourceVersion: '0', creationTimestamp: kubeTime(createdMs), labels: {'kubernetes.io/metadata.name': name}},
		spec: {finalizers: ['kubernetes']},
		status: {phase: 'Active'},
	};
}

export function podName(workload: WorkloadSpec, index: number, node: string, random: SimRandom, hash: string): string {
	switch (workload.kind) {
		case 'Static':
			return `${workload.app}-${node}`;
		case 'StatefulSet':
			return `${workload.app}-${index}`;
		case 'Deployment':
			return `${workload.app}-${hash}-${random.suffix(5)}`;
		case 'DaemonSet':
			return `${workload.app}-${random.suffix(5)}`;
		case 'Job':
			return `${workload.app}-${random.int(90000) + 10000}-${random.suffix(5)}`;
	}
}

export function podLabels(workload: WorkloadSpec, name: string, hash: string): Record<string, string> {
	const labels: Record<string, string> = {app: workload.app, 'app.kubernetes.io/name': workload.app, ...workload.labels};
	if (workload.kind === 'Deployment') labels['pod-template-hash'] = hash;
	if (workload.kind === 'StatefulSet') labels['statefulset.kubernetes.io/pod-name'] = name;
	if (workload.kind === 'Job') labels['job-name'] = name.replace(/-[a-z0-9]{5}$/, '');
	return labels;
}

/** The owner a pod's ownerReferences name. */
export function ownerOf(workload: WorkloadSpec, name: string, node: string, hash: string): {kind: string; name: string} {
	switch (workload.kind) {
		case 'Static':
			return {kind: 'Node', name: node};
		case 'Deployment':
			return {kind: 'ReplicaSet', name: `${workload.app}-${hash}`};
		case 'Job':
			return {kind: 'Job', name: name.replace(/-[a-z0-9]{5}$/, '')};
		default:
			return {kind: workload.kind, name: workload.app};
	}
}

export function createWorkloadPod(model: ClusterModel, spec: ClusterSpec, seed: SeedResult, workload: WorkloadSpec, index: number, node: string, hash: string, createdMs: number, pending = false): KubeObject {
	const random = seed.random;
	const name = podName(workload, index, node, random, hash);
	const ipIndex = seed.nextPodIp.get(node) ?? 2;
	seed.nextPodIp.set(node, ipIndex >= 250 ? 2 : ipIndex + 1);
	const hostIP = nodeIp(spec, node);
	const owner = ownerOf(workload, name, node, hash);
	const pod = makePod({
		name,
		namespace: workload.namespace,
		uid: random.uid(),
		node,
		labels: podLabels(workload, name, hash),
		image: workload.image,
		containerName: workload.app,
		requestMemory: workload.requestMemory ?? workload.memory,
		limitMemory: workload.memory,
		requestCpu: '100m',
		createdMs,
		podIP: workload.hostNetwork ? hostIP : `${spec.podPrefix}.${spec.nodes.indexOf(node)}.${ipIndex}`,
		hostIP,
		ownerKind: owner.kind,
		ownerName: owner.name,
		pending,
		hostNetwork: workload.hostNetwork,
	});
	model.create('pods', pod);
	const view = model.podView(pod);
	const limitBytes = view.memoryLimitBytes || view.memoryRequestBytes;
	model.setWorkingSet(workload.namespace, name, limitBytes * (0.55 + 0.25 * random.next()));
	return pod;
}

/** The Deployment or StatefulSet behind a workload's pods (what a restart patches), or undefined. */
function workloadObject(spec: ClusterSpec, workload: WorkloadSpec, createdMs: number): KubeObject | undefined {
	if (workload.kind !== 'Deployment' && workload.kind !== 'StatefulSet') return undefined;
	const labels = {app: workload.app, 'app.kubernetes.io/name': workload.app, ...workload.labels};
	const replicas = workload.nodes.length;
	let uidHash = 0;
	for (const char of `${spec.name}/${workload.namespace}/${workload.app}`) uidHash = (Math.imul(uidHash, 31) + char.charCodeAt(0)) >>> 0;
	const hex = uidHash.toString(16).padStart(8, '0');
	return {
		apiVersion: 'apps/v1',
		kind: workload.kind,
		metadata: {name: workload.app, namespace: workload.namespace, uid: `${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}`, resourceVersion: '0', creationTimestamp: kubeTime(createdMs), labels, generation: 1},
		spec: {
			replicas,
			selector: {matchLabels: {app: workload.app}},
			...(workload.kind === 'StatefulSet' ? {serviceName: workload.app} : {strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: '25%', maxUnavailable: '25%'}}}),
			template: {
				metadata: {labels},
				spec: {containers: [{name: workload.app, image: workload.image, resources: {requests: {memory: workload.requestMemory ?? workload.memory}, limits: {memory: workload.memory}}}]},
			},
		},
		status: {replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1, ...(workload.kind === 'Deployment' ? {updatedReplicas: replicas} : {currentReplicas: replicas})},
	};
}

export interface SeedOptions {
	podsPerCluster?: number;
	nowMs?: number;
	/** Remote gateways to list as connections from the start (connected, no latency yet). */
	remotes?: EndpointSpec[];
	/** Clusters (this one and remotes) that run Lighthouse; default: all. Without it, no MCS API is served. */
	lighthouseClusters?: string[];
	/** The Submariner CR's connectionHealthCheck (default: the operator's, 1 s and 5). */
	healthCheck?: SimHealthCheck;
	/** The broker's API URL written into the CR (never dialled). */
	brokerUrl?: string;
}

export function seedCluster(model: ClusterModel, spec: ClusterSpec, options: SeedOptions = {}): SeedResult {
	const nowMs = options.nowMs ?? Date.now();
	const random = new SimRandom(spec.seed);
	const clusterCreatedMs = nowMs - 12 * dayMs;
	const seed: SeedResult = {
		fillerKeys: [],
		gateway: {name: spec.gatewayNode, namespace: gatewayNamespace},
		local: gatewayEndpointFor(spec),
		random,
		nextPodIp: new Map(),
	};

	const namespaces = new Set(['default', 'kube-node-lease', 'kube-public', 'kube-system', gatewayNamespace]);
	for (const workload of spec.workloads) namespaces.add(workload.namespace);
	const filler = options.podsPerCluster ?? 0;
	if (filler > 0) namespaces.add(fillerNamespace);
	for (const namespace of [...namespaces].sort()) model.create('namespaces', makeNamespace(namespace, random.uid(), clusterCreatedMs));
	for (const node of spec.nodes) model.create('nodes', makeNode(spec, node, random.uid(), clusterCreatedMs));

	const controllers: KubeObject[] = [];
	for (const workload of spec.workloads) {
		const hash = workload.hash ?? random.suffix(10).replace(/^./, '5');
		const createdMs = workload.namespace === 'kube-system' ? clusterCreatedMs + 60_000 : nowMs - (2 * dayMs + random.int(dayMs));
		workload.nodes.forEach((node, index) => {
			// One CI job is running at start; life adds and removes the rest.
			const jobCreatedMs = workload.kind === 'Job' ? nowMs - 90_000 : createdMs;
			createWorkloadPod(model, spec, seed, workload, index, node, hash, jobCreatedMs);
		});
		const controller = workloadObject(spec, workload, createdMs);
		if (controller) controllers.push(controller);
	}
	// After the pods, and without drawing from the seeded generator, so pod names stay as they were.
	for (const controller of controllers) model.create(controller.kind === 'Deployment' ? 'deployments' : 'statefulsets', controller);

	// Ballast for load tests: lean objects, no simulated working set (see SimPodView.filler).
	const workers = spec.nodes.filter(node => node !== spec.controlPlane);
	const fillerNodes = workers.length > 0 ? workers : spec.nodes;
	const fillerCreated = nowMs - 3_600_000;
	for (let index = 0; index < filler; index++) {
		const node = fillerNodes[index % fillerNodes.length]!;
		const name = `load-${String(index).padStart(5, '0')}`;
		const pod = makePod({
			name,
			namespace: fillerNamespace,
			uid: random.uid(),
			node,
			labels: {app: 'load', [fillerLabel]: 'true'},
			image: 'registry.k8s.io/pause:3.10',
			containerName: 'pause',
			requestMemory: '1Mi',
			limitMemory: '4Mi',
			createdMs: fillerCreated,
			podIP: `${spec.podPrefix}.${100 + (index >> 8) % 150}.${index & 255}`,
			hostIP: nodeIp(spec, node),
			lean: true,
		});
		model.create('pods', pod);
		seed.fillerKeys.push(`${fillerNamespace}/${name}`);
	}

	const connections: GatewayConnection[] = (options.remotes ?? []).map(remote => ({
		status: 'connected',
		statusMessage: '',
		endpoint: remote,
		usingIP: remote.private_ip,
		// What Submariner's pinger reports before its first reply.
		latencyRTT: {last: '0s', min: '0s', average: '0s', max: '0s', stdDev: '0s'},
	}));
	model.create('gateways', makeGateway({
		name: seed.gateway.name,
		namespace: seed.gateway.namespace,
		uid: random.uid(),
		createdMs: clusterCreatedMs + 300_000,
		nowMs,
		local: seed.local,
		connections,
	}));
	seedServiceDiscovery(model, spec, options, clusterCreatedMs + 300_000);
	model.compact();
	return seed;
}

/** The Submariner CR, Endpoints and Clusters (local and remote copies), and Lighthouse's exports and imports. */
function seedServiceDiscovery(model: ClusterModel, spec: ClusterSpec, options: SeedOptions, createdMs: number): void {
	const local = gatewayEndpointFor(spec);
	const remotes = options.remotes ?? [];
	const lighthouse = new Set(options.lighthouseClusters ?? [spec.name, ...remotes.map(remote => remote.cluster_id)]);
	model.create('submariners', makeSubmarinerCr({
		namespace: gatewayNamespace,
		clusterId: spec.name,
		serviceCidr: spec.serviceCidr,
		podCidr: spec.podCidr,
		brokerUrl: options.brokerUrl ?? `https://${homelabSpecs[0]!.address}:6443`,
		serviceDiscovery: lighthouse.has(spec.name),
		healthCheck: options.healthCheck ?? {enabled: true, intervalSeconds: 1, maxPacketLossCount: 5},
		createdMs,
	}));
	for (const endpoint of [local, ...remotes]) {
		model.create('endpoints', makeEndpoint({namespace: gatewayNamespace, spec: endpoint, localCluster: spec.name, createdMs}));
		const [serviceCidr = '', podCidr = ''] = endpoint.subnets;
		model.create('clusters', makeSubmarinerCluster({namespace: gatewayNamespace, clusterId: endpoint.cluster_id, serviceCidr, podCidr, localCluster: spec.name, createdMs}));
	}
	if (!model.serves(model.def('serviceexports'))) return;
	const exportsCreatedMs = createdMs + 3_600_000;
	for (const service of homelabExports[spec.name] ?? []) {
		model.create('serviceexports', makeServiceExport({cluster: spec.name, service, createdMs: exportsCreatedMs}));
		model.create('serviceimports', makeLocalServiceImport({cluster: spec.name, namespace: gatewayNamespace, service, createdMs: exportsCreatedMs}));
	}
	// Every exporting cluster's services, aggregated, in every Lighthouse cluster of the clusterset.
	const exporters = [spec.name, ...remotes.map(remote => remote.cluster_id)].filter(cluster => lighthouse.has(cluster)).sort();
	for (const exporter of exporters) {
		for (const service of homelabExports[exporter] ?? []) {
			if (model.get('serviceimports', service.namespace, service.name)) continue;
			const from = exporters.filter(cluster => (homelabExports[cluster] ?? []).some(item => item.namespace === service.namespace && item.name === service.name));
			// Lighthouse syncs an import into its namespace only once that exists: the user made it, to use the service here.
			if (!model.get('namespaces', undefined, service.namespace)) {
				model.create('namespaces', makeNamespace(service.namespace, stableUid(`${spec.name}/namespace/${service.namespace}`), createdMs));
			}
			model.create('serviceimports', makeAggregatedServiceImport({holder: spec.name, service, exporters: from, createdMs: exportsCreatedMs}));
		}
	}
}

export function specFor(name: string): ClusterSpec | undefined {
	return homelabSpecs.find(spec => spec.name === name);
}
