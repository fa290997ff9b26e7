// The start-time floor: the libraries labwatch's TUI loads (ink, react, @kubernetes/client-node,
// labwatch's Prometheus client), bundled the same way as dist/labwatch.js, rendering one Ink frame and exiting.
// It records when that frame is rendered in the same trace format, so both are timed from process start.
import {appendFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';
import {createElement} from 'react';
import {render, Text} from 'ink';
import {KubeConfig} from '@kubernetes/client-node';
import {createPromClient} from '../source/prom/client.js';

// Touch both clients so the bundler keeps them, as labwatch does.
const kc = new KubeConfig();
const prometheus = createPromClient({url: 'http://127.0.0.1:9', interval: 5000, timeout: 3000, jobs: {}});
const file = process.env.LABWATCH_TRACE;
let done = false;
const instance = render(createElement(Text, null, `floor ${kc.getContexts().length} ${typeof prometheus.instantQuery}`), {
	patchConsole: false,
	exitOnCtrlC: false,
	onRender: () => {
		if (done) return;
		done = true;
		if (file) appendFileSync(file, `${JSON.stringify({event: 'first-frame', sinceStartMs: performance.now(), atMs: Date.now()})}\n`);
		setImmediate(() => {
			instance.unmount();
			process.exit(0);
		});
	},
});
