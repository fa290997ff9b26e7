// Real Debian prometheus / prometheus-node-exporter on loopback for integration tests, and tiny exposition
// servers whose text the test controls. Everything binds to 127.0.0.1 and is torn down by the caller's t.after.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {createServer, type Server} from 'node:http';
import {createServer as createNetServer, type AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export async function freePort(): Promise<number> {
	const server = createNetServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

export interface Exposition {
	port: number;
	/** Replace what /metrics serves. */
	set(text: string): void;
	close(): Promise<void>;
}

/** A /metrics endpoint on 127.0.0.1:0 serving Prometheus text exposition. */
export async function startExposition(text: string): Promise<Exposition> {
	let body = text;
	const server: Server = createServer((req, res) => {
		if (req.url !== '/metrics') {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, {'content-type': 'text/plain; version=0.0.4'});
		res.end(body);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	let closed = false;
	return {
		port,
		set(next) {
			body = next;
		},
		close: () =>
			closed
				? Promise.resolve()
				: new Promise(resolve => {
						closed = true;
						server.closeAllConnections();
						server.close(() => resolve());
					}),
	};
}

/** Exposition text for gauges: `{name, labels, value}` lines with one TYPE line per metric. */
export function exposition(samples: Array<{name: string; labels?: Record<string, string>; value: number}>): string {
	const lines: string[] = [];
	const typed = new Set<string>();
	for (const sample of samples) {
		if (!typed.has(sample.name)) {
			lines.push(`# TYPE ${sample.name} gauge`);
			typed.add(sample.name);
		}
		const labels = Object.entries(sample.labels ?? {})
			.map(([key, value]) => `${key}="${value.replace(/["\\]/g, '\\$&')}"`)
			.join(',');
		lines.push(`${sample.name}${labels ? `{${labels}}` : ''} ${sample.value}`);
	}
	return `${lines.join('\n')}\n`;
}

export interface ScrapeJob {
	job: string;
	port: number;
	/** Target labels; `instance` here replaces the default 127.0.0.1:<port>. */
	labels?: Record<string, string>;
}

export interface RunningProcess {
	url: string;
	port: number;
	stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, child: ChildProcess, log: () => string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${log().slice(-800)}`);
		if (await check().catch(() => false)) return;
		await new Promise(resolve => setTimeout(resolve, 200));
	}
	throw new Error(`${what} not ready after ${timeoutMs} ms: ${log().slice(-800)}`);
}

function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise(resolve => {
		const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
		child.once('exit', () => {
			clearTimeout(kill);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

function collect(child: ChildProcess): () => string {
	let log = '';
	const append = (chunk: Buffer) => {
		log = (log + chunk.toString()).slice(-20_000);
	};
	child.stdout?.on('data', append);
	child.stderr?.on('data', append);
	return () => log;
}

/** Starts prometheus scraping `jobs` every second; resolves once /-/ready answers 200. */
export async function startPrometheus(jobs: ScrapeJob[]): Promise<RunningProcess> {
	const dir = await mkdtemp(join(tmpdir(), 'labwatch-prom-'));
	const port = await freePort();
	const scrapeConfigs = jobs
		.map(
			job =>
				`  - job_name: ${JSON.stringify(job.job)}\n` +
				`    static_configs:\n` +
				`      - targets: ["127.0.0.1:${job.port}"]\n` +
				(job.labels ? `        labels: ${JSON.stringify(job.labels)}\n` : ''),
		)
		.join('');
	const configPath = join(dir, 'prometheus.yml');
	await writeFile(configPath, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${scrapeConfigs}`);
	const child = spawn(
		'prometheus',
		[
			`--config.file=${configPath}`,
			`--storage.tsdb.path=${join(dir, 'data')}`,
			`--web.listen-address=127.0.0.1:${port}`,
			'--log.level=warn',
		],
		{stdio: ['ignore', 'pipe', 'pipe']},
	);
	const log = collect(child);
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		await stopChild(child);
		await rm(dir, {recursive: true, force: true});
	};
	try {
		await waitFor(async () => (await fetch(`${url}/-/ready`)).status === 200, 30_000, 'prometheus', child, log);
	} catch (error) {
		await stop();
		throw error;
	}
	return {url, port, stop};
}

/** The real node exporter with only the meminfo collector, on loopback. */
export async function startNodeExporter(): Promise<RunningProcess> {
	const port = await freePort();
	const child = spawn(
		'prometheus-node-exporter',
		[`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.meminfo', '--web.disable-exporter-metrics'],
		{stdio: ['ignore', 'pipe', 'pipe']},
	);
	const log = collect(child);
	const url = `http://127.0.0.1:${port}`;
	const stop = () => stopChild(child);
	try {
		await waitFor(async () => (await fetch(`${url}/metrics`)).ok, 15_000, 'prometheus-node-exporter', child, log);
	} catch (error) {
		await stop();
		throw error;
	}
	return {url, port, stop};
}

/** An instant query straight to the HTTP API (independent of labwatch's client) at `atMs`. */
export async function instantValues(url: string, promql: string, atMs: number): Promise<Array<{labels: Record<string, string>; value: number}>> {
	const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({query: promql, time: String(atMs / 1000)})}`);
	const body = (await response.json()) as {data: {result: Array<{metric: Record<string, string>; value: [number, string]}>}};
	return body.data.result.map(item => ({labels: item.metric, value: Number(item.value[1])}));
}
