// Discovery documents: plain APIVersions / APIGroupList / APIResourceList. kubectl 1.32 asks for
// aggregated discovery first and falls back to these when the answer is plain application/json.
import {resourceDefs, type ResourceDef} from './resources.js';

/** Which kinds a cluster serves: a cluster without Lighthouse has no multicluster.x-k8s.io group at all. */
export type Served = (def: ResourceDef) => boolean;
const all: Served = () => true;

function resourcesOf(groupVersion: string, served: Served): ResourceDef[] {
	return Object.values(resourceDefs).filter(def => def.apiVersion === groupVersion && served(def));
}

export function apiVersions(serverAddress: string): object {
	return {
		kind: 'APIVersions',
		versions: ['v1'],
		serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress}],
	};
}

function groupVersions(served: Served): Map<string, string[]> {
	const groups = new Map<string, string[]>();
	for (const def of Object.values(resourceDefs)) {
		if (!def.group || !served(def)) continue;
		const versions = groups.get(def.group) ?? [];
		if (!versions.includes(def.version)) versions.push(def.version);
		groups.set(def.group, versions);
	}
	return groups;
}

function apiGroup(name: string, versions: string[]): object {
	const entries = versions.map(version => ({groupVersion: `${name}/${version}`, version}));
	return {name, versions: entries, preferredVersion: entries[0]};
}

export function apiGroupList(served: Served = all): object {
	return {
		kind: 'APIGroupList',
		apiVersion: 'v1',
		groups: [...groupVersions(served)].map(([name, versions]) => apiGroup(name, versions)),
	};
}

/** The APIGroup document for /apis/<group>, or undefined for an unknown group. */
export function apiGroupDocument(group: string, served: Served = all): object | undefined {
	const versions = groupVersions(served).get(group);
	return versions ? {kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions)} : undefined;
}

/** The APIResourceList for a group version, or undefined when none is served. */
export function apiResourceList(groupVersion: string, served: Served = all): object | undefined {
	const defs = resourcesOf(groupVersion, served);
	if (defs.length === 0) return undefined;
	return {
		kind: 'APIResourceList',
		apiVersion: 'v1',
		groupVersion,
		resources: defs.map(def => ({
			name: def.plural,
			singularName: def.singular,
			namespaced: def.namespaced,
			kind: def.kind,
			verbs: def.verbs,
			...(def.shortNames.length > 0 ? {shortNames: def.shortNames} : {}),
			...(def.group === 'submariner.io' ? {categories: ['submariner']} : def.group === 'apps' ? {categories: ['all']} : {}),
		})),
	};
}

export const versionInfo = {
	major: '1',
	minor: '30',
	gitVersion: 'v1.30.3',
	gitCommit: '6fc0a69044f1ac4c13841ec4391224a2df241460',
	gitTreeState: 'clean',
	buildDate: '2024-07-16T23:48:12Z',
	goVersion: 'go1.22.5',
	compiler: 'gc',
	platform: 'linux/arm64',
};
