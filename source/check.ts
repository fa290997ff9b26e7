// `labwatch check`: one look at every cluster under a deadline, printed as lines or JSON, with the
// Nagios exit codes. No Ink, no React: this path must start fast over SSH.
import {openLab} from './lab.js';
import {fetchClusterOnce} from './kube/fetch-once.js';
import {checkJson, checkText, exitCodes} from './check-report.js';

export interface CheckOptions {
	configFlag?: string;
	demo?: boolean;
	json: boolean;
	timeoutMs: number;
	stdout?: NodeJS.WritableStream;
}

export async function runCheck(options: CheckOptions): Promise<number> {
	const stdout = options.stdout ?? process.stdout;
	const startedMs = Date.now();
	const lab = await openLab({configFlag: options.configFlag, demo: options.demo});
	try {
		// Leave a little of the budget for printing; never wait on a cluster past the deadline.
		const budgetMs = Math.max(200, options.timeoutMs - (Date.now() - startedMs) - 100);
		await Promise.all(
			Object.entries(lab.config.clusters).map(([name, cluster]) =>
				fetchClusterOnce(lab.kubeconfigs.get(cluster.context)!, {name, submarinerNamespace: cluster.submarinerNamespace}, lab.store, budgetMs),
			),
		);
		const snapshot = lab.store.snapshot();
		stdout.write(options.json ? `${JSON.stringify(checkJson(snapshot), null, 2)}\n` : checkText(snapshot));
		return exitCodes[snapshot.verdict.level];
	} finally {
		await lab.close();
	}
}
