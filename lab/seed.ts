// Puts a small homelab onto one real apiserver so a lab cluster is not empty: Ready nodes and Running pods
// bound to them (no kubelet, no scheduler: status is written through /status as a kubelet would). The
// supervisor runs it inside the cluster's network namespace; it exits when done.
//   tsx lab/seed.ts --kubeconfig FILE --context CTX --cluster m1 [--pods N]
import {parseArgs} from 'node:util';
import {CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions} from '@kubernetes/client-node';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function retry<T>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await fn();
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise(resolve => setTimeout(resolve, 300));
		}
	}
}

const exists = (error: unknown) => (error as {code?: number}).code === 409;

export async function seedCluster(options: {kubeconfig: string; context: string; cluster: string; pods: number}): Promise<{nodes: string[]; pods: number}> {
	const kc = new KubeConfig();
	kc.loadFromFile(options.kubeconfig);
	kc.setCurrentContext(options.context);
	const core = kc.makeApiClient(CoreV1Api);
	const nodes = [`${options.cluster}-control-plane`, `${options.cluster}-worker`];
	const now = new Date().toISOString() as never;
	for (const name of nodes) {
		await retry(() => core.createNode({body: {metadata: {name, labels: {'kubernetes.io/hostname': name}}}}).catch(error => {
			if (!exists(error)) throw error;
		}));
		await retry(() => core.patchNodeStatus({
			name,
			body: {
				status: {
					capacity: {cpu: '4', memory: '4Gi', pods: '110'},
					allocatable: {cpu: '4', memory: '3840Mi', pods: '110'},
					conditions: [{type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now}],
				},
			},
		}, mergePatch));
	}
	const namespace = 'lab';
	await retry(() => core.createNamespace({body: {metadata: {name: namespace}}}).catch(error => {
		if (!exists(error)) throw error;
	}));
	for (let index = 0; index < options.pods; index++) {
		const name = `app-${index}`;
		const node = nodes[index % nodes.length]!;
		// The namespace's default ServiceAccount comes from the controller-manager a moment later: retried.
		await retry(() => core.createNamespacedPod({
			namespace,
			body: {
				metadata: {name, namespace, labels: {app: 'app'}},
				spec: {nodeName: node, automountServiceAccountToken: false, containers: [{name: 'app', image: 'registry.local/app:1', resources: {requests: {memory: '64Mi'}, limits: {memory: '128Mi'}}}]},
			},
		}).catch(error => {
			if (!exists(error)) throw error;
		}));
		await retry(() => core.patchNamespacedPodStatus({
			namespace,
			name,
			body: {
				status: {
					phase: 'Running',
					startTime: now,
					conditions: [{type: 'Ready', status: 'True', lastTransitionTime: now}],
					containerStatuses: [{name: 'app', image: 'registry.local/app:1', imageID: '', ready: true, restartCount: 0, started: true, state: {running: {startedAt: now}}}],
				},
			},
		}, mergePatch));
	}
	return {nodes, pods: options.pods};
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const {values} = parseArgs({
		options: {kubeconfig: {type: 'string'}, context: {type: 'string'}, cluster: {type: 'string'}, pods: {type: 'string', default: '10'}},
	});
	if (!values.kubeconfig || !values.context || !values.cluster) {
		console.error('usage: tsx lab/seed.ts --kubeconfig FILE --context CTX --cluster NAME [--pods N]');
		process.exit(2);
	}
	seedCluster({kubeconfig: values.kubeconfig, context: values.context, cluster: values.cluster, pods: Number(values.pods)})
		.then(result => console.log(JSON.stringify({ready: 'seed', ...result})))
		.catch((error: unknown) => {
			console.error(`seed ${values.cluster}: ${String(error)}`);
			process.exit(1);
		});
}
