// The dig intents for a lab: each cluster's kubeconfig (the lab keys them by cluster name), the lab's
// snapshots, and the action log beside the drill journal ($XDG_STATE_HOME/labwatch/actions.jsonl; the demo's
// in its own state directory, like its drills).
import {join} from 'node:path';
import type {Lab} from '../lab.js';
import {demoStateDir, stateDirFrom} from '../drill/journal.js';
import {createDigIntents} from './dig-intents.js';

export async function digIntentsFor(lab: Lab, env: NodeJS.ProcessEnv = process.env) {
	return createDigIntents({
		kubeconfigs: lab.kubeconfigs,
		snapshot: () => lab.store.snapshot(),
		actionLogPath: join(lab.demo ? demoStateDir(env) : stateDirFrom(env), 'actions.jsonl'),
	});
}
