// The TUI's etcd: the poller feeds the store (and, while a drill runs, its timeline with the lab's snapshot
// beside it, for the API's availability); the drill's state goes into the store; E, y and r reach the drill.
import type {Config} from '../config/schema.js';
import type {LabStore} from '../store/lab-store.js';
import type {EtcdIntents} from '../../views/intents.js';
import {EtcdPoller} from './poller.js';
import {EtcdDrill} from './drill.js';

export function wireEtcd(lab: {config: Config; store: LabStore}, stateDir?: string): {intents: EtcdIntents; drill: EtcdDrill; poller: EtcdPoller; stop(): void} {
	const {store, config} = lab;
	let drill: EtcdDrill | undefined;
	const poller = new EtcdPoller({
		config: config.etcd!,
		onChange: status => {
			store.setEtcd(status);
			if (drill?.observing) drill.observe(status, store.snapshot());
		},
		stopped: () => drill?.stoppedMembers() ?? [],
		// While members are stopped or the timeline still waits for recoveries: every 200 ms.
		fast: () => Boolean(drill && (drill.isLive || drill.observing)),
	});
	drill = new EtcdDrill({config, stateDir, by: 'tui', status: () => poller.status, poll: () => poller.pollOnce(), clusters: Object.keys(config.clusters)});
	const publish = () => {
		store.setEtcdDrill(drill!.status());
		// A stop or a start just ran: look at once rather than after the interval.
		poller.kick();
	};
	const stopListening = drill.onChange(publish);
	// A heal from a shell (labwatch etcd-heal) while members are stopped here: seen within a second.
	const healWatch = setInterval(() => {
		if (drill!.isLive) void drill!.checkExternalHeal().catch(() => undefined);
	}, 1000);
	healWatch.unref();
	void drill.inspect().then(publish, () => {});
	poller.start();
	/** The member the dialog showed is the one y stops, even if the leader moved meanwhile. */
	let planned: string | undefined;
	const intents: EtcdIntents = {
		plan: async () => {
			// E pressed before the first poll came back: look now rather than say "try again".
			if (!poller.status?.polled) await poller.pollOnce();
			const plan = drill!.plan();
			planned = plan.ok ? plan.value.member : undefined;
			return plan.ok ? {ok: true} : plan;
		},
		stop: async () => {
			const result = await drill!.stop({member: planned});
			planned = undefined;
			return result.ok ? {ok: true} : result;
		},
		heal: async () => {
			const result = await drill!.heal('tui');
			return result.ok ? {ok: true} : result;
		},
	};
	return {
		intents,
		drill,
		poller,
		stop() {
			clearInterval(healWatch);
			stopListening();
			poller.stop();
			drill!.dispose();
		},
	};
}
