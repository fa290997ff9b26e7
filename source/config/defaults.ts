// The homelab's facts (../shared/reference/homelab.md) as labwatch's defaults. m1 and m2 are defaults,
// not assumptions: every other part of labwatch reads clusters and hosts from the config.
import type {ConfigInput} from './schema.js';

export const homelabDefaults: ConfigInput = {
	clusters: {
		m1: {context: 'kind-m1-cluster', host: 'm1', submarinerNamespace: 'submariner-operator'},
		m2: {context: 'kind-m2-cluster', host: 'm2'},
	},
	hosts: {
		m1: {
			memory: '16GiB',
			reserved: '2GiB',
			address: '192.168.1.10',
			plan: {
				'control-plane': '6GiB',
				postgresql: '2GiB',
				redis: '1GiB',
				kafka: '2GiB',
				prometheus: '2GiB',
				grafana: '512MiB',
				jaeger: '1GiB',
			},
		},
		m2: {
			memory: '8GiB',
			reserved: '2GiB',
			address: '192.168.1.20',
			plan: {
				'worker-nodes': '4GiB',
				'api-gateway': '256MiB',
				backend: '1GiB',
				frontend: '256MiB',
				'ci-runners': '2GiB',
				'ml-inference': '2GiB',
			},
		},
	},
	prometheus: {url: 'http://192.168.1.10:9090', interval: '5s'},
};
