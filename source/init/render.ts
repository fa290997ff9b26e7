// The proposal as the commented YAML file `labwatch init` writes: every value found says where it was
// found, every guess says so and from what, so a person knows which lines to check.
import {parse} from 'yaml';
import {sizeText, type Note, type Proposal} from './propose.js';

/** A YAML scalar, quoted when it needs to be (names and contexts come from a kubeconfig). */
function scalar(value: string): string {
	const plain = /^[A-Za-z0-9/][\w.@/:+-]*$/.test(value) && parse(value) === value;
	// JSON's double-quoted string is YAML too, and keeps a newline or quote inside the value.
	return plain ? value : JSON.stringify(value);
}

/** Server text goes into comments: one line, no control characters. */
function clean(text: string): string {
	return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 300);
}

function comment(note: Note, indent: string): string {
	return `${indent}# ${note.kind}: ${clean(note.text)}`;
}

export function renderProposal(proposal: Proposal, when: Date = new Date()): string {
	const lines: string[] = [
		`# labwatch configuration, proposed by \`labwatch init\` on ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
		'# "found:" lines say what a cluster, Docker or Prometheus reported; "guess:" lines need your eye.',
		'# Sizes take binary units (16GiB, 512MiB); durations take units (5s, 1m). Unknown keys are errors.',
		'# Check it with: labwatch check --config <this file>',
		'',
	];
	for (const note of proposal.notes) lines.push(comment(note, ''));
	if (proposal.notes.length > 0) lines.push('');
	if (proposal.kubeconfig) lines.push(`kubeconfig: ${scalar(proposal.kubeconfig)}`, '');
	else lines.push('# kubeconfig: ~/.kube/config        # default: $KUBECONFIG, else ~/.kube/config', '');

	lines.push('clusters:');
	for (const cluster of proposal.clusters) {
		for (const note of cluster.notes) lines.push(comment(note, '  '));
		lines.push(`  ${cluster.name}:`, `    context: ${scalar(cluster.context)}`, `    host: ${cluster.host}`);
		if (cluster.submarinerNamespace) lines.push(`    submarinerNamespace: ${scalar(cluster.submarinerNamespace)}`);
	}
	lines.push('');

	lines.push('# memory is the physical limit; reserved is kept free for the host OS; plan is what each workload', '# is meant to use (e.g. plan: {postgresql: 2GiB, redis: 1GiB}).');
	lines.push('hosts:');
	for (const host of proposal.hosts) {
		for (const note of host.notes) lines.push(comment(note, '  '));
		lines.push(`  ${host.name}:`, `    memory: ${sizeText(host.memoryBytes)}`, '    reserved: 2GiB', `    address: ${host.address}              # LAN address: what a partition drill cuts`);
		if (host.nodeExporter) lines.push(`    nodeExporter: {label: ${scalar(host.nodeExporter.label)}, value: ${scalar(host.nodeExporter.value)}}`);
		lines.push('    plan: {}');
	}
	lines.push('');

	if (proposal.prometheus) {
		for (const note of proposal.prometheus.notes) lines.push(comment(note, ''));
		lines.push('prometheus:', `  url: ${scalar(proposal.prometheus.url)}`, '  interval: 5s');
		const jobs = Object.entries(proposal.prometheus.jobs);
		if (jobs.length > 0) {
			lines.push('  jobs:');
			for (const [cluster, job] of jobs) lines.push(`    ${cluster}: ${scalar(job)}`);
		}
	} else {
		lines.push(`# found: no Prometheus answered at ${clean(proposal.prometheusMissing ?? '')}: budgets use Kubernetes requests.`);
		lines.push('# prometheus:', '#   url: http://192.168.1.10:9090', '#   jobs: {m1: kubernetes-m1}   # scrape job per cluster');
	}
	lines.push('');

	lines.push('drill:', '  ttl: 60s                             # every cut heals itself after this, even if labwatch dies');
	for (const note of proposal.pointNotes) lines.push(comment(note, '  '));
	if (proposal.points.length > 0) {
		lines.push('  points:');
		for (const {point, note} of proposal.points) {
			lines.push(comment(note, '    '));
			lines.push(`    - {host: ${point.host}, via: ${point.via}${point.container ? `, container: ${scalar(point.container)}` : ''}}`);
		}
	} else {
		lines.push(
			'  # points:',
			'  #   - {host: m1, via: local}                          # iptables here (run labwatch as root)',
			'  #   - {host: m1, via: docker, container: m1-cluster-control-plane}   # inside a kind node',
			'  #   - {host: m2, via: ssh, destination: admin@192.168.1.20}',
		);
	}
	lines.push('');
	lines.push('probe:', '  interval: 1s', '  timeout: 1s', '');
	return lines.join('\n');
}
