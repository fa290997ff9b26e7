// LABWATCH_DEMO_INFO=<file>: the demo writes where its simulator listens, so a test driving the TUI from
// outside (tmux) can partition and heal the in-process homelab. Nothing is written to the screen.
import {writeFileSync} from 'node:fs';
import type {Lab} from '../lab.js';

/** The demo simulator's control URL: lab.demo.controlUrl when openLab exposes it, else the sim drill point's. */
export function demoControlUrl(lab: Lab): string | undefined {
	const exposed = (lab as Lab & {demo?: {controlUrl?: string}}).demo?.controlUrl;
	if (exposed) return exposed;
	return lab.config.drill.points?.find(point => point.via === 'sim' && point.url)?.url;
}

export function writeDemoInfo(lab: Lab, env: NodeJS.ProcessEnv): void {
	const path = env.LABWATCH_DEMO_INFO;
	if (!path) return;
	const controlUrl = demoControlUrl(lab);
	writeFileSync(path, JSON.stringify({pid: process.pid, controlUrl: controlUrl ?? null}) + '\n', {mode: 0o600});
}
