// Exec credential plugins (aws eks get-token, gke-gcloud-auth-plugin, kubelogin) are slow processes.
// client-node runs one per KubeConfig instance and per request until its first answer is cached, so the
// first few concurrent requests of every cluster each start one. Here one credential per plugin
// invocation is shared by every KubeConfig, concurrent requests wait for the same run, and a credential
// without an expiry is reused for a minute (client-node would keep it forever; a minute picks up a
// rotated token without running the plugin on every request).
import type https from 'node:https';
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js';
import type {User} from '@kubernetes/client-node/dist/config_types.js';
// Not re-exported from client-node's index; the class its KubeConfig uses for `exec` users.
import {ExecAuth, type Credential} from '@kubernetes/client-node/dist/exec_auth.js';

export const credentialWithoutExpiryMs = 60_000;

interface Entry {
	credential: Promise<Credential | null>;
	/** The plugin's ExecAuth, holding the credential it will apply. */
	auth: ExecAuth;
	untilMs: number;
}

export class SharedExecAuth {
	private readonly entries = new Map<string, Entry>();

	constructor(private readonly clock: () => number = Date.now) {}

	isAuthProvider(user: User): boolean {
		return new ExecAuth().isAuthProvider(user);
	}

	async applyAuthentication(user: User, opts: https.RequestOptions): Promise<void> {
		const entry = this.entryFor(user);
		await entry.credential;
		await entry.auth.applyAuthentication(user, opts);
	}

	private entryFor(user: User): Entry {
		// The same plugin with the same arguments and environment gives the same credential, whatever
		// the user entry is called in each file.
		const key = JSON.stringify([user.name, user.exec ?? user.authProvider?.config?.exec ?? null]);
		const now = this.clock();
		const cached = this.entries.get(key);
		if (cached && now < cached.untilMs) return cached;
		const auth = new ExecAuth();
		// getCredential is private in client-node's types; it runs the plugin and keeps its answer, which
		// applyAuthentication then uses without running it again.
		const run = (auth as unknown as {getCredential(user: User): Promise<Credential | null>}).getCredential(user);
		const entry: Entry = {auth, credential: run, untilMs: Number.POSITIVE_INFINITY};
		this.entries.set(key, entry);
		run.then(
			credential => {
				const expiry = Date.parse(credential?.status?.expirationTimestamp ?? '');
				entry.untilMs = Number.isFinite(expiry) ? expiry : this.clock() + credentialWithoutExpiryMs;
			},
			() => {
				// A failed run is not kept: the next request tries again.
				if (this.entries.get(key) === entry) this.entries.delete(key);
			},
		);
		return entry;
	}
}

const shared = new SharedExecAuth();

/** Makes a KubeConfig use the shared exec credential cache instead of its own ExecAuth. */
export function shareExecCredentials(kc: KubeConfig, auth: SharedExecAuth = shared): void {
	// `authenticators` is private in client-node's types; its ExecAuth is the one exec users go to.
	const holder = kc as unknown as {authenticators: unknown[]};
	holder.authenticators = holder.authenticators.map(each => (each instanceof ExecAuth ? auth : each));
}
