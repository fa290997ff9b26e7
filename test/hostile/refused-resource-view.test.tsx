// Issue 10 item 14 on screen: a resource the server refuses shows the server's words where its data
// would be, instead of "waiting for …" forever.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {LabStore} from '../../source/store/lab-store.js';
import {renderApp, settle, startMs} from '../views/harness.js';

test('10.14 the TUI: forbidden gateways and pods say forbidden, the cluster is live', async () => {
	const store = new LabStore([{name: 'm1', context: 'kind-m1', host: 'm1'}], {clock: () => startMs});
	store.replaceNodes('m1', [{name: 'm1-node', ready: true, memoryCapacityBytes: 8 * 2 ** 30, memoryAllocatableBytes: 7 * 2 ** 30, createdMs: startMs}]);
	store.setResourceError('m1', 'gateways', 'forbidden: gateways.submariner.io is forbidden: User "viewer" cannot list');
	store.setResourceError('m1', 'pods', 'forbidden: pods is forbidden: User "viewer" cannot list');
	store.setConnection('m1', 'live');
	const app = renderApp(store, {columns: 140, rows: 30});
	try {
		await settle();
		const frame = app.frame();
		assert.match(frame, /submariner: forbidden: gateways\.submariner\.io is forbidden/);
		assert.match(frame, /forbidden: pods is forbidden/);
		assert.doesNotMatch(frame, /waiting for (gateways|pods)/);
	} finally {
		app.unmount();
	}
});
