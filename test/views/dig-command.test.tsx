import {test} from 'node:test';
import assert from 'node:assert/strict';
import {homelab, keys, pod, renderApp, settle} from './harness.js';
import {fakeDig} from './dig-harness.js';
import {complete, parseCommand} from '../../views/commands.js';

test(': opens the command line listing every command; Tab completes; Enter runs; ↑ recalls history', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	let frame = await app.press(':');
	for (const command of [':pods', ':nodes', ':events', ':gateways', ':ns <namespace>', ':sort <', ':help', ':quit']) assert.ok(frame.includes(command), command);
	frame = await app.press('e', 'v', keys.tab);
	assert.match(frame, /^:events /m);
	frame = await app.press(keys.enter);
	assert.equal(dig.calls.at(-1), 'openEvents');
	assert.match(frame, /events · every cluster/);
	frame = await app.press(':', 'p', 'o', keys.enter);
	assert.equal(dig.calls.at(-1), 'closeEvents');
	assert.match(frame, /m1 · kind-m1-cluster/);
	frame = await app.press(':', keys.up);
	assert.match(frame, /^:po/m);
	frame = await app.press(keys.up);
	assert.match(frame, /^:ev/m);
	await app.press(keys.escape);
	frame = await app.press(':', 'n', 's', ' ', 'm', keys.tab);
	assert.match(frame, /^:ns ml/m, 'namespaces complete from the pods of every cluster');
	frame = await app.press(keys.enter);
	assert.match(frame, /namespace ml/);
	frame = await app.press(':', 'b', 'o', 'g', 'u', 's', keys.enter);
	assert.match(frame, /unknown command :bogus/);
	app.unmount();
});

test('commands: parsing and completion', () => {
	assert.deepEqual(parseCommand('ns data'), {name: 'ns', namespace: 'data'});
	assert.deepEqual(parseCommand(':ns'), {name: 'ns'});
	assert.deepEqual(parseCommand('sort restarts'), {name: 'sort', key: 'restarts'});
	assert.match((parseCommand('sort size') as {error: string}).error, /:sort takes one of status, age, restarts, name, memory/);
	assert.match((parseCommand('ns Bad_Name') as {error: string}).error, /not a namespace name/);
	assert.deepEqual(parseCommand('?'), {name: 'list'});
	assert.equal(complete('n', []), 'n', 'nodes and ns share only n');
	assert.equal(complete('no', []), 'nodes');
	assert.equal(complete('so', []), 'sort ');
	assert.equal(complete('sort r', []), 'sort restarts');
	assert.equal(complete('ns d', ['data', 'default', 'apps']), 'ns d');
	assert.equal(complete('ns da', ['data', 'default', 'apps']), 'ns data');
});

test('Ctrl+D asks before deleting, naming the pod and its cluster; y deletes; n leaves it', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	dig.deleteResult = {ok: true, text: 'deleted pod apps/worker-5d8b in m1'};
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	let frame = await app.press('\u0004');
	assert.match(frame, /Delete pod apps\/worker-5d8b in cluster m1\?/);
	frame = await app.press('n');
	assert.doesNotMatch(frame, /Delete pod/);
	assert.ok(!dig.calls.some(call => call.startsWith('deletePod')));
	await app.press('\u0004', 'y');
	await settle();
	assert.equal(dig.calls.at(-1), 'deletePod m1 apps/worker-5d8b');
	assert.match(app.frame(), /deleted pod apps\/worker-5d8b in m1/);
	dig.deleteResult = {ok: false, error: 'HTTP 403 Forbidden: pods "worker-5d8b" is forbidden'};
	await app.press('\u0004', 'y');
	await settle();
	assert.match(app.frame(), /delete apps\/worker-5d8b failed: HTTP 403 Forbidden/);
	app.unmount();
});

/** Every frame of the help, scrolled to its end (it opens with the verdict's reasons, then the keys). */
async function wholeHelp(app: ReturnType<typeof renderApp>): Promise<string> {
	let frame = await app.press('?');
	const frames = [frame];
	for (let page = 0; page < 40 && /\d+ more · j\/k scroll/.test(frame); page++) frames.push((frame = await app.press('j')));
	return frames.join('\n');
}

test('--read-only: Ctrl+D does nothing, and help lists no action keys; every dig key is in help', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	const app = renderApp(store, {intents: {quit: () => {}, dig}, readOnly: true});
	await settle();
	let frame = await app.press('\u0004');
	assert.doesNotMatch(frame, /Delete pod/);
	frame = await wholeHelp(app);
	for (const key of ['d  Enter', 'l ', 'y ', 'e ', 'n  g', 's ', ': ']) assert.match(frame, new RegExp(`^│ ${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), key);
	assert.doesNotMatch(frame, /Ctrl\+D|restart the pod/);
	app.unmount();
	const writable = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	frame = await wholeHelp(writable);
	assert.match(frame, /Ctrl\+D\s+delete the selected pod/);
	assert.match(frame, /r in describe\s+restart the pod's Deployment or StatefulSet/);
	writable.unmount();
});

test('--ascii: every dig view is drawn in plain ASCII', async () => {
	const {store} = homelab();
	const dig = fakeDig();
	const {event} = await import('./dig-harness.js');
	dig.events = [event('m1', 'worker-5d8b', 'BackOff', {type: 'Warning'})];
	dig.logLines = ['one', 'two'];
	dig.docs.set('worker-5d8b', [{text: '  → m2 (m2-worker)'}, {text: 'Name: x'}]);
	const app = renderApp(store, {intents: {quit: () => {}, dig}, ascii: true});
	await settle();
	const nonAscii = /[^\x20-\x7e\n]/;
	for (const sequence of [['d'], ['l'], ['e'], ['n'], ['g'], [':'], ['\u0004'], ['s']]) {
		const frame = await app.press(...sequence);
		assert.doesNotMatch(frame, nonAscii, `${sequence.join('')}: ${nonAscii.exec(frame)?.[0]}\n${frame}`);
		await app.press(keys.escape, keys.escape);
	}
	app.unmount();
});

test('Ctrl+D on a pod in a node\'s pod list asks to delete that pod (not describe it)', async () => {
	const {store} = homelab();
	store.replacePods('m1', [pod('api-7f9c', {namespace: 'apps', node: 'm1-worker'})]);
	const dig = fakeDig();
	const app = renderApp(store, {intents: {quit: () => {}, dig}});
	await settle();
	await app.press('n', 'j', keys.enter);
	const frame = await app.press('\u0004');
	assert.match(frame, /Delete pod apps\/api-7f9c in cluster m1\?/);
	assert.ok(!dig.calls.some(call => call.startsWith('describe')));
	app.unmount();
});
