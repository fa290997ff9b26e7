// The dig intents for a lab: each cluster's kubeconfig by cluster name, the lab's snapshots, and the
// action log beside the drill journal ($XDG_STATE_HOME/labwatch/actions.jsonl).
import {join} from 'node:path';
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import type {Lab} from '../lab.js';
import {stateDirFrom} from '../drill/journal.js';
import {createDigIntents} from './dig-intents.js';

export async function digIntentsFor(lab: Lab, env: NodeJS.ProcessEnv = process.env) {
	const kubeconfigs = new Map<string, KubeConfig>();
	for (const [name, cluster] of Object.entries(lab.config.clusters)) {
		const kc = lab.kubeconfigs.get(cluster.context);
		if (kc) kubeconfigs.set(name, kc);
	}
	return createDigIntents({
		kubeconfigs,
		snapshot: () => lab.store.snapshot(),
		actionLogPath: join(stateDirFrom(env), 'actions.jsonl'),
	});
}
