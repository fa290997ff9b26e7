// Kubernetes-shaped objects for store and verdict tests.
export function podObject(name: string, options: {namespace?: string; phase?: string; ready?: boolean; restarts?: number; waiting?: string; lastTerminated?: string; node?: string; request?: string; limit?: string; createdMs?: number; app?: string} = {}) {
	const phase = options.phase ?? 'Running';
	return {
		metadata: {
			name,
			namespace: options.namespace ?? 'default',
			uid: `uid-${options.namespace ?? 'default'}-${name}`,
			creationTimestamp: new Date(options.createdMs ?? Date.parse('2026-11-24T10:00:00Z')).toISOString(),
			labels: {app: options.app ?? name, 'pod-template-hash': 'abc'},
			managedFields: [{manager: 'kubectl'}],
			annotations: {big: 'x'.repeat(1000)},
		},
		spec: {
			nodeName: options.node ?? 'node-a',
			containers: [{name: 'main', resources: {requests: {memory: options.request ?? '256Mi'}, limits: {memory: options.limit ?? '512Mi'}}}],
		},
		status: {
			phase,
			containerStatuses:
				phase === 'Pending'
					? []
					: [
							{
								name: 'main',
								ready: options.ready ?? true,
								restartCount: options.restarts ?? 0,
								state: options.waiting ? {waiting: {reason: options.waiting}} : {running: {}},
								lastState: options.lastTerminated ? {terminated: {reason: options.lastTerminated}} : {},
							},
						],
		},
	};
}

export function nodeObject(name: string, ready = true) {
	return {
		metadata: {name, creationTimestamp: '2026-11-01T00:00:00Z'},
		status: {
			capacity: {memory: '2Gi'},
			allocatable: {memory: '1900Mi'},
			conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}],
		},
	};
}
