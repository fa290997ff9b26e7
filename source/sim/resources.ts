// The resource kinds the simulated apiserver serves, with what discovery and selectors need to know.

export type KubeObject = {
	apiVersion?: string;
	kind?: string;
	metadata: {
		name: string;
		namespace?: string;
		uid: string;
		resourceVersion: string;
		creationTimestamp: string;
		labels?: Record<string, string>;
		annotations?: Record<string, string>;
		[key: string]: unknown;
	};
	[key: string]: unknown;
};

export interface ResourceDef {
	plural: string;
	singular: string;
	kind: string;
	listKind: string;
	/** '' for the core group. */
	group: string;
	version: string;
	apiVersion: string;
	namespaced: boolean;
	shortNames: string[];
	verbs: string[];
	/** Field labels a fieldSelector may use, and how to read them. */
	fields: Record<string, (object: KubeObject) => string>;
}

const readVerbs = ['get', 'list', 'watch'];
const metadataFields = {
	'metadata.name': (object: KubeObject) => object.metadata.name,
	'metadata.namespace': (object: KubeObject) => object.metadata.namespace ?? '',
};

export const resourceDefs: Record<string, ResourceDef> = {
	nodes: {
		plural: 'nodes', singular: 'node', kind: 'Node', listKind: 'NodeList', group: '', version: 'v1', apiVersion: 'v1',
		namespaced: false, shortNames: ['no'], verbs: readVerbs, fields: {'metadata.name': metadataFields['metadata.name']},
	},
	namespaces: {
		plural: 'namespaces', singular: 'namespace', kind: 'Namespace', listKind: 'NamespaceList', group: '', version: 'v1',
		apiVersion: 'v1', namespaced: false, shortNames: ['ns'], verbs: readVerbs,
		fields: {
			'metadata.name': metadataFields['metadata.name'],
			'status.phase': object => String((object.status as {phase?: string} | undefined)?.phase ?? ''),
		},
	},
	pods: {
		plural: 'pods', singular: 'pod', kind: 'Pod', listKind: 'PodList', group: '', version: 'v1', apiVersion: 'v1',
		namespaced: true, shortNames: ['po'], verbs: [...readVerbs, 'delete'],
		fields: {
			...metadataFields,
			'spec.nodeName': object => String((object.spec as {nodeName?: string} | undefined)?.nodeName ?? ''),
			'status.phase': object => String((object.status as {phase?: string} | undefined)?.phase ?? ''),
		},
	},
	events: {
		plural: 'events', singular: 'event', kind: 'Event', listKind: 'EventList', group: '', version: 'v1', apiVersion: 'v1',
		namespaced: true, shortNames: ['ev'], verbs: readVerbs,
		fields: {
			...metadataFields,
			'involvedObject.kind': object => involved(object).kind ?? '',
			'involvedObject.name': object => involved(object).name ?? '',
			'involvedObject.namespace': object => involved(object).namespace ?? '',
			'involvedObject.uid': object => involved(object).uid ?? '',
			type: object => String((object as {type?: string}).type ?? ''),
			reason: object => String((object as {reason?: string}).reason ?? ''),
		},
	},
	deployments: {
		plural: 'deployments', singular: 'deployment', kind: 'Deployment', listKind: 'DeploymentList', group: 'apps', version: 'v1',
		apiVersion: 'apps/v1', namespaced: true, shortNames: ['deploy'], verbs: [...readVerbs, 'patch'], fields: metadataFields,
	},
	statefulsets: {
		plural: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', listKind: 'StatefulSetList', group: 'apps', version: 'v1',
		apiVersion: 'apps/v1', namespaced: true, shortNames: ['sts'], verbs: [...readVerbs, 'patch'], fields: metadataFields,
	},
	gateways: {
		plural: 'gateways', singular: 'gateway', kind: 'Gateway', listKind: 'GatewayList', group: 'submariner.io',
		version: 'v1', apiVersion: 'submariner.io/v1', namespaced: true, shortNames: [], verbs: readVerbs, fields: metadataFields,
	},
	// Submariner's own Endpoint and Cluster (keyed here by plural: the core API's endpoints are not simulated).
	endpoints: {
		plural: 'endpoints', singular: 'endpoint', kind: 'Endpoint', listKind: 'EndpointList', group: 'submariner.io',
		version: 'v1', apiVersion: 'submariner.io/v1', namespaced: true, shortNames: [], verbs: readVerbs, fields: metadataFields,
	},
	clusters: {
		plural: 'clusters', singular: 'cluster', kind: 'Cluster', listKind: 'ClusterList', group: 'submariner.io',
		version: 'v1', apiVersion: 'submariner.io/v1', namespaced: true, shortNames: [], verbs: readVerbs, fields: metadataFields,
	},
	submariners: {
		plural: 'submariners', singular: 'submariner', kind: 'Submariner', listKind: 'SubmarinerList', group: 'submariner.io',
		version: 'v1alpha1', apiVersion: 'submariner.io/v1alpha1', namespaced: true, shortNames: [], verbs: readVerbs, fields: metadataFields,
	},
	// Lighthouse's MCS API (the CRDs submariner-operator installs: short names svcex, svcim).
	serviceexports: {
		plural: 'serviceexports', singular: 'serviceexport', kind: 'ServiceExport', listKind: 'ServiceExportList', group: 'multicluster.x-k8s.io',
		version: 'v1alpha1', apiVersion: 'multicluster.x-k8s.io/v1alpha1', namespaced: true, shortNames: ['svcex'], verbs: readVerbs, fields: metadataFields,
	},
	serviceimports: {
		plural: 'serviceimports', singular: 'serviceimport', kind: 'ServiceImport', listKind: 'ServiceImportList', group: 'multicluster.x-k8s.io',
		version: 'v1alpha1', apiVersion: 'multicluster.x-k8s.io/v1alpha1', namespaced: true, shortNames: ['svcim'], verbs: readVerbs, fields: metadataFields,
	},
};

function involved(object: KubeObject): {kind?: string; name?: string; namespace?: string; uid?: string} {
	return (object.involvedObject as {kind?: string; name?: string; namespace?: string; uid?: string} | undefined) ?? {};
}

export function fieldsOf(def: ResourceDef, object: KubeObject): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const [field, read] of Object.entries(def.fields)) fields[field] = read(object);
	return fields;
}

/** "pods" for core resources, "gateways.submariner.io" for others: what Status messages name. */
export function qualifiedName(def: ResourceDef): string {
	return def.group ? `${def.plural}.${def.group}` : def.plural;
}
