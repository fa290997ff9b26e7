// Lighthouse's MCS objects as its agent writes them (lighthouse pkg/agent/controller, mcs-api v0.2 shapes,
// which the v0.21 CRDs require: every condition has a reason). Each exporting cluster's ServiceExport
// carries Valid (reason Valid) and Ready (reason Exported, "Service was successfully exported to the
// broker"); no Conflict condition until there is one. Each cluster holds the exporter's own "local"
// ServiceImport `<name>-<namespace>-<clusterID>` in Submariner's namespace, and in every cluster of the
// clusterset the aggregated ServiceImport `<name>` in the service's namespace listing every exporting
// cluster in status.clusters.
//
// A partition changes none of these: Lighthouse's agents only lose their watch on the broker and keep their
// local copies (nothing watches Submariner's connections there); what changes is DNS, whose CoreDNS plugin
// answers only with clusters whose gateway connection is `connected` (coredns/gateway/controller.go). The
// simulator's gateways already report that, so a cut leaves these objects alone.
import {kubeTime} from './random.js';
import type {KubeObject} from './resources.js';
import {stableUid} from './submariner-objects.js';

export interface ExportedService {
	namespace: string;
	name: string;
	port: number;
	portName: string;
}

/** What each simulated cluster exports: m1's data services for m2's API, m2's backend for phase 3's "m1 reaches an m2 service". */
export const homelabExports: Record<string, ExportedService[]> = {
	m1: [
		{namespace: 'data', name: 'postgresql', port: 5432, portName: 'tcp-postgresql'},
		{namespace: 'data', name: 'redis', port: 6379, portName: 'tcp-redis'},
	],
	m2: [{namespace: 'apps', name: 'backend', port: 8080, portName: 'http'}],
};

const condition = (type: string, reason: string, message: string, atMs: number) => ({type, status: 'True', reason, message, lastTransitionTime: kubeTime(atMs)});

export function makeServiceExport(input: {cluster: string; service: ExportedService; createdMs: number}): KubeObject {
	const {service} = input;
	return {
		apiVersion: 'multicluster.x-k8s.io/v1alpha1',
		kind: 'ServiceExport',
		metadata: {name: service.name, namespace: service.namespace, uid: stableUid(`${input.cluster}/serviceexport/${service.namespace}/${service.name}`), resourceVersion: '0', creationTimestamp: kubeTime(input.createdMs), generation: 1},
		status: {
			conditions: [
				condition('Valid', 'Valid', '', input.createdMs + 1000),
				condition('Ready', 'Exported', 'Service was successfully exported to the broker', input.createdMs + 3000),
			],
		},
	};
}

const ports = (service: ExportedService) => [{name: service.portName, protocol: 'TCP', port: service.port}];

/** The exporter's own copy, in Submariner's namespace, that the agent syncs to the broker. */
export function makeLocalServiceImport(input: {cluster: string; namespace: string; service: ExportedService; createdMs: number}): KubeObject {
	const {service} = input;
	const name = `${service.name}-${service.namespace}-${input.cluster}`;
	return {
		apiVersion: 'multicluster.x-k8s.io/v1alpha1',
		kind: 'ServiceImport',
		metadata: {
			name,
			namespace: input.namespace,
			uid: stableUid(`${input.cluster}/serviceimport/${input.namespace}/${name}`),
			resourceVersion: '0',
			creationTimestamp: kubeTime(input.createdMs),
			labels: {
				'multicluster.kubernetes.io/service-name': service.name,
				'lighthouse.submariner.io/sourceNamespace': service.namespace,
				'multicluster.kubernetes.io/source-cluster': input.cluster,
			},
		},
		spec: {type: 'ClusterSetIP', ports: ports(service)},
		status: {clusters: [{cluster: input.cluster}]},
	};
}

/** The aggregated ServiceImport every cluster of the clusterset holds, from every exporting cluster. */
export function makeAggregatedServiceImport(input: {holder: string; service: ExportedService; exporters: string[]; createdMs: number}): KubeObject {
	const {service} = input;
	return {
		apiVersion: 'multicluster.x-k8s.io/v1alpha1',
		kind: 'ServiceImport',
		metadata: {name: service.name, namespace: service.namespace, uid: stableUid(`${input.holder}/serviceimport/${service.namespace}/${service.name}`), resourceVersion: '0', creationTimestamp: kubeTime(input.createdMs)},
		// No clusterset IP is allocated unless clustersetIPEnabled: DNS answers each exporter's cluster IP.
		spec: {type: 'ClusterSetIP', ports: ports(service)},
		status: {clusters: input.exporters.map(cluster => ({cluster}))},
	};
}
