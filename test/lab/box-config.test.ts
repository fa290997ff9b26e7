// What `npm run lab -- up` writes, checked without root: the labwatch config is one labwatch accepts, with
// the lab's clusters, hosts at the veth addresses, Prometheus's jobs and a netns drill point; Prometheus's
// scrape jobs are named like the clusters (so a cut's target is the cut cluster's job).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parse} from 'yaml';
import {labwatchConfig} from '../../lab/box-supervisor.js';
import {prometheusConfig} from '../../lab/box-prometheus.js';
import {planNetwork} from '../../lab/netns.js';
import {configSchema} from '../../source/config/schema.js';

test('lab config: valid for labwatch, clusters on the veth addresses, jobs per cluster, a netns point in the first namespace', () => {
	const network = planNetwork('t-', ['m1', 'm2']);
	assert.deepEqual(network.map(each => [each.netns, each.device, each.address]), [['t-m1', 'to-m2', '10.231.0.1'], ['t-m2', 'to-m1', '10.231.0.2']]);
	const text = labwatchConfig({kubeconfig: '/state/kubeconfig.yaml', network, prometheusUrl: 'http://10.231.0.1:9090', memory: '24GiB'});
	const config = configSchema.parse(parse(text));
	assert.deepEqual(config.clusters.m2, {context: 'kind-m2', host: 'm2', submarinerNamespace: 'submariner-operator'});
	assert.equal(config.hosts.m2!.address, '10.231.0.2');
	assert.deepEqual(config.prometheus?.jobs, {m1: 'm1', m2: 'm2'});
	assert.deepEqual(config.drill.points, [{host: 'm1', via: 'netns', netns: 't-m1'}]);
	assert.match(text, /via: local/, 'the file says that a TUI inside m1 may use via: local');
});

test('prometheus config: node_exporter jobs named like the clusters, apiservers with the client certificate and a keep-list', () => {
	const network = planNetwork('', ['m1', 'm2']);
	const yaml = parse(prometheusConfig(network.map(each => ({...each, dir: `/state/clusters/${each.cluster}`, apiserverPort: 6443})))) as {scrape_configs: Array<Record<string, any>>};
	const jobs = Object.fromEntries(yaml.scrape_configs.map(job => [job.job_name, job]));
	assert.deepEqual(Object.keys(jobs), ['m1', 'm2', 'apiserver-m1', 'apiserver-m2']);
	assert.deepEqual(jobs.m2!.static_configs, [{targets: ['10.231.0.2:9100']}]);
	assert.equal(jobs['apiserver-m2']!.tls_config.cert_file, '/state/clusters/m2/pki/admin.crt');
	assert.equal(jobs['apiserver-m2']!.metric_relabel_configs[0].action, 'keep');
	assert.throws(() => planNetwork('', ['m1', 'm2', 'm3']), /exactly two clusters/);
});
