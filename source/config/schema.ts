// The config file's shape. Every key is checked; unknown keys are errors so a typo never passes silently.
import {z} from 'zod';
import {formatBytes, parseSize} from './size.js';
import {parseDurationIn, type DurationKey} from './duration.js';
import {probeFromSchema, probeMarkerSchema} from './probe-options.js';

const size = z.string().transform((text, ctx) => {
	const value = parseSize(text);
	if (value === undefined) {
		ctx.addIssue({code: 'custom', message: `expected a size like 8GiB, got ${JSON.stringify(text)}`});
		return z.NEVER;
	}
	return value;
});

/** A duration with units, within the range durationRanges gives for `key`. */
const duration = (key: DurationKey) =>
	z.union([z.string(), z.number()]).transform((text, ctx) => {
		const parsed = parseDurationIn(key, text);
		if ('error' in parsed) {
			ctx.addIssue({code: 'custom', message: parsed.error});
			return z.NEVER;
		}
		return parsed.ms;
	});

// Names become iptables comments, chain suffixes and file names: keep them plain.
const name = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, 'expected a lower-case name like m1');

const ipv4 = z
	.string()
	.regex(
		/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
		'expected an IPv4 address like 192.168.1.20',
	);

const url = z.string().regex(/^https?:\/\/[^\s]+$/, 'expected a URL like http://192.168.1.10:9090');

export const clusterSchema = z.strictObject({
	context: z.string().min(1, 'expected a kubeconfig context name'),
	host: name,
	submarinerNamespace: z.string().min(1).default('submariner-operator'),
	colour: z.enum(['cyan', 'magenta', 'green', 'yellow', 'blue', 'red', 'white']).optional(),
	// This cluster's own kubeconfig file (e.g. ~/.kube/config-m1); default: the top-level kubeconfig.
	kubeconfig: z.string().min(1).optional(),
});

const defaultReservedBytes = 2 * 2 ** 30;

export const hostSchema = z.strictObject({
	memory: size,
	// Default: 2 GiB (what macOS keeps), but never more than half a small host (a 1 GiB Raspberry Pi).
	reserved: size.optional(),
	address: ipv4,
	plan: z.record(name, size).default({}),
	// Which node_exporter series is this host: the value of its `instance` label (or `nodeExporter.label`).
	nodeExporter: z
		.union([z.string().min(1), z.strictObject({label: z.string().min(1).default('instance'), value: z.string().min(1)})])
		.optional(),
	// Plan lines matched to pods by label `app` or name prefix; overrides per line.
	match: z.record(name, z.array(z.string().min(1))).default({}),
}).transform((host, ctx) => {
	// What is kept for the OS cannot be all the machine has, or more: every budget would be negative.
	if (host.reserved !== undefined && host.reserved >= host.memory) {
		ctx.addIssue({code: 'custom', path: ['reserved'], message: `${formatBytes(host.reserved)} must be less than memory (${formatBytes(host.memory)})`});
		return z.NEVER;
	}
	return {...host, reserved: host.reserved ?? Math.min(defaultReservedBytes, Math.floor(host.memory / 2))};
});

export const prometheusSchema = z.strictObject({
	url,
	interval: duration('prometheus.interval').default(5000),
	timeout: duration('prometheus.timeout').default(3000),
	basicAuth: z.strictObject({username: z.string(), password: z.string()}).optional(),
	bearerToken: z.string().min(1).optional(),
	tls: z.strictObject({insecureSkipVerify: z.boolean().default(false), ca: z.string().optional()}).optional(),
	// The scrape job per cluster, so "Prometheus cannot see m2" is visible.
	jobs: z.record(name, z.string().min(1)).default({}),
});

export const drillPointSchema = z.strictObject({
	host: name,
	via: z.enum(['local', 'sudo', 'ssh', 'docker', 'netns', 'sim', 'pf']),
	// with via: ssh, the remote host's system: darwin cuts with pf (pfctl) instead of iptables.
	os: z.enum(['linux', 'darwin']).optional(),
	// with pf: the anchor holding labwatch's rules (macOS's pf.conf already loads com.apple/*).
	anchor: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/, 'expected an anchor name like com.apple/labwatch').optional(),
	destination: z.string().regex(/^([a-zA-Z0-9._-]+@)?[a-zA-Z0-9.-]+$/, 'expected user@host').optional(),
	container: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'expected a container name').optional(),
	netns: z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'expected a network namespace name').optional(),
	// with via: sim, the simulator's control URL (labwatch sim prints it).
	url: url.optional(),
	// Addresses to drop; default: every other host's address.
	peers: z.array(ipv4).optional(),
});

export const drillSchema = z.strictObject({
	ttl: duration('drill.ttl').default(60_000),
	chain: z
		.string()
		.regex(/^LABWATCH-[A-Z0-9-]{1,18}$/, 'expected a chain name starting with LABWATCH-')
		.default('LABWATCH-PARTITION'),
	points: z.array(drillPointSchema).optional(),
});

export const probeSchema = z.strictObject({
	interval: duration('probe.interval').default(1000),
	timeout: duration('probe.timeout').default(1000),
});

const hostPort = z
	.string()
	.regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port like 192.168.1.20:5432')
	.refine(text => {
		const port = Number(text.slice(text.lastIndexOf(':') + 1));
		return port >= 1 && port <= 65_535;
	}, 'expected a port from 1 to 65535');

const probeUrl = url.refine(text => URL.canParse(text), 'expected a URL like http://192.168.1.20:8080/healthz');

/** One check from where labwatch runs: an HTTP(S) GET or a TCP connect, every `interval`. */
export const probeTargetSchema = z
	.strictObject({
		name,
		http: probeUrl.optional(),
		tcp: hostPort.optional(),
		interval: duration('probes.interval').default(5000),
		timeout: duration('probes.timeout').default(2000),
		// What a failing probe makes the verdict.
		level: z.enum(['warn', 'crit']).default('warn'),
		// Which gateway answered (HTTP only): the failover view.
		marker: probeMarkerSchema.optional(),
		// Run the check inside a cluster (kubectl exec, or a short-lived pod) instead of from here.
		from: probeFromSchema.optional(),
	})
	.superRefine((probe, ctx) => {
		if ((probe.http === undefined) === (probe.tcp === undefined)) ctx.addIssue({code: 'custom', path: ['http'], message: 'expected exactly one of http: or tcp:'});
		if (probe.marker && probe.http === undefined) ctx.addIssue({code: 'custom', path: ['marker'], message: 'a marker reads an HTTP answer: expected http:'});
		if (probe.marker?.header !== undefined && probe.from) ctx.addIssue({code: 'custom', path: ['marker', 'header'], message: 'a probe run with from: sees the body only: use marker.json'});
		// Every run of a pod probe creates (and deletes) a pod: not every few seconds.
		if (probe.from?.via === 'pod' && probe.interval < 30_000) ctx.addIssue({code: 'custom', path: ['interval'], message: 'a probe with from.via: pod starts a pod every run: expected an interval of 30s or more'});
	});

const gib = 2 ** 30;

/** The homelab plan's success criteria (homelab.md, "Phases and their success criteria"), as thresholds. */
export const phasesSchema = z.strictObject({
	// Phase 1: a cluster's Ready nodes, at least.
	nodesReady: z.record(name, z.number().int().min(1).max(10_000)).default({m2: 2}),
	// Phase 1: a host's memory in use, at most.
	memoryInUse: z.record(name, size).default({m2: 6 * gib}),
	// Phase 2: HTTP between hosts, one named probe per direction; without a probe the criterion is unknown.
	http: z.array(z.strictObject({from: name, to: name, probe: name.optional()})).default([{from: 'm1', to: 'm2'}, {from: 'm2', to: 'm1'}]),
	httpP95: duration('phases.httpP95').default(5),
	// Phases 1, 3 and 4: something reachable, shown by a named probe.
	reach: z
		.array(z.strictObject({phase: z.number().int().min(1).max(9), criterion: z.string().min(1).max(120), probe: name.optional()}))
		.default([
			{phase: 1, criterion: 'an nginx pod reachable'},
			{phase: 3, criterion: 'an m2 service reached by its clusterset DNS name'},
			{phase: 4, criterion: 'the m2 API reaches PostgreSQL on m1'},
			{phase: 4, criterion: 'the m2 API reaches Redis on m1'},
		]),
	// Phase 5: the newest partition drill detected the cut within this.
	partitionDetect: duration('phases.partitionDetect').default(3000),
});

export const configSchema = z.strictObject({
	kubeconfig: z.string().min(1).optional(),
	clusters: z.record(name, clusterSchema).refine(value => Object.keys(value).length > 0, 'expected at least one cluster'),
	hosts: z.record(name, hostSchema),
	prometheus: prometheusSchema.optional(),
	drill: drillSchema.default({ttl: 60_000, chain: 'LABWATCH-PARTITION'}),
	probe: probeSchema.default({interval: 1000, timeout: 1000}),
	probes: z.array(probeTargetSchema).max(64).default([]),
	phases: phasesSchema.default(() => phasesSchema.parse({})),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type HostConfig = z.output<typeof hostSchema>;
export type PrometheusConfig = z.output<typeof prometheusSchema>;
export type DrillConfig = z.output<typeof drillSchema>;
export type DrillPointConfig = z.output<typeof drillPointSchema>;
export type ProbeTargetConfig = z.output<typeof probeTargetSchema>;
export type PhasesConfig = z.output<typeof phasesSchema>;
