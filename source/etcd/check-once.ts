// `labwatch check`'s one look at etcd: every member once, within the deadline, and the journal's unhealed stops.
import type {Config} from '../config/schema.js';
import type {LabStore} from '../store/lab-store.js';
import {EtcdPoller} from './poller.js';
import {EtcdDrill} from './drill.js';
import {demoStateDir, stateDirFrom} from '../drill/journal.js';

export async function pollEtcdOnce(lab: {config: Config; store: LabStore; demo?: unknown}, deadlineMs: number): Promise<void> {
	const etcd = lab.config.etcd;
	if (!etcd) return;
	let drill: EtcdDrill | undefined;
	const poller = new EtcdPoller({config: etcd, onChange: status => lab.store.setEtcd(status), stopped: () => drill?.stoppedMembers() ?? []});
	const timeoutMs = Math.max(100, Math.min(etcd.timeout, deadlineMs - Date.now()));
	drill = new EtcdDrill({config: lab.config, stateDir: lab.demo ? demoStateDir() : stateDirFrom(), status: () => poller.status, poll: () => poller.pollOnce(timeoutMs)});
	try {
		const status = await drill.inspect().catch(() => undefined);
		if (status && (status.stopped.length > 0 || (status.leftover?.length ?? 0) > 0)) lab.store.setEtcdDrill(status);
		await poller.pollOnce(timeoutMs);
	} finally {
		drill.dispose();
	}
}
