// Builds the labwatch-lab binary (real kube-apiserver + embedded etcd, see lab/README.md) once per
// content of lab/: the cache key hashes go.mod, go.sum and every .go file, so a fresh machine builds once
// (about 7 minutes on 2 cores) and later runs reuse ~/.cache/labwatch/lab-<key>/labwatch-lab.
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

/** The Go module's directory (this file's directory). */
export const labSourceDir = dirname(fileURLToPath(import.meta.url));

export class LabBuildError extends Error {
	override name = 'LabBuildError';
}

/** XDG_CACHE_HOME/labwatch, or ~/.cache/labwatch. */
export function labCacheRoot(): string {
	const xdg = process.env.XDG_CACHE_HOME;
	return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'labwatch');
}

function sourceFiles(): string[] {
	return readdirSync(labSourceDir)
		.filter(name => name === 'go.mod' || name === 'go.sum' || name.endsWith('.go'))
		.sort();
}

/** The version of k8s.io/kubernetes that lab/go.mod requires, e.g. "v1.37.2". */
export function kubernetesVersion(): string {
	const goMod = readFileSync(join(labSourceDir, 'go.mod'), 'utf8');
	const match = /^\s*k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+)\s*$/m.exec(goMod);
	if (!match?.[1]) throw new LabBuildError('lab/go.mod does not require k8s.io/kubernetes at a release version');
	return match[1];
}

/** The go build arguments; part of the cache key. The -X flags give /version the real release numbers. */
export function goBuildArgs(output: string): string[] {
	const version = kubernetesVersion();
	const [major, minor] = version.slice(1).split('.');
	const pkg = 'k8s.io/component-base/version';
	const ldflags = [
		'-s', '-w',
		`-X ${pkg}.gitVersion=${version}`,
		`-X ${pkg}.gitMajor=${major}`,
		`-X ${pkg}.gitMinor=${minor}`,
		`-X ${pkg}.gitTreeState=clean`,
	].join(' ');
	return ['build', '-trimpath', '-buildvcs=false', `-ldflags=${ldflags}`, '-o', output, '.'];
}

/** Environment of the build (part of the cache key too): static, no C compiler needed. */
export const goBuildEnv = {CGO_ENABLED: '0'};

/** A hash of lab/go.mod, lab/go.sum, the lab's .go sources and the build flags. */
export function labCacheKey(): string {
	const hash = createHash('sha256');
	for (const name of sourceFiles()) {
		hash.update(`${name}\0`);
		hash.update(readFileSync(join(labSourceDir, name)));
		hash.update('\0');
	}
	hash.update(JSON.stringify([goBuildArgs('OUT'), goBuildEnv]));
	return hash.digest('hex').slice(0, 16);
}

export function labBinaryPath(key = labCacheKey()): string {
	return join(labCacheRoot(), `lab-${key}`, 'labwatch-lab');
}

/** True when the binary for the current sources is already in the cache (no build needed). */
export function labBinaryIsBuilt(): boolean {
	return existsSync(labBinaryPath());
}

/** `go version` output, or undefined when there is no usable go on PATH. */
export async function goVersion(): Promise<string | undefined> {
	const result = await execa('go', ['version'], {reject: false, timeout: 60_000, stdin: 'ignore'});
	return result.exitCode === 0 ? String(result.stdout).trim() : undefined;
}

export interface EnsureLabBinaryOptions {
	/** Where progress lines go (default: stderr). */
	log?: (line: string) => void;
	/** Interval between "still building" lines (default 30 s). */
	progressEveryMs?: number;
}

function elapsed(since: number): string {
	const seconds = Math.round((Date.now() - since) / 1000);
	return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Returns the path of the labwatch-lab binary for the current lab/ sources, building it first if the
 * cache has none. Concurrent callers (parallel test files) share one build through a lock directory.
 * Throws LabBuildError when go is missing or the build fails.
 */
export async function ensureLabBinary(options: EnsureLabBinaryOptions = {}): Promise<string> {
	const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
	const every = options.progressEveryMs ?? 30_000;
	const key = labCacheKey();
	const binary = labBinaryPath(key);
	if (existsSync(binary)) return binary;

	const dir = dirname(binary);
	const lock = `${dir}.lock`;
	mkdirSync(dirname(dir), {recursive: true});
	const start = Date.now();
	let lastProgress = Date.now();
	for (;;) {
		if (existsSync(binary)) return binary;
		try {
			mkdirSync(lock);
			writeFileSync(join(lock, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			let owner = Number.NaN;
			try {
				owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
			} catch {
				// the owner is between mkdir and writing its pid
			}
			if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) {
				rmSync(lock, {recursive: true, force: true});
				continue;
			}
			if (Date.now() - lastProgress >= every) {
				lastProgress = Date.now();
				log(`labwatch-lab: waiting for another process (pid ${owner}) to finish building it, ${elapsed(start)} elapsed`);
			}
			await sleep(1000);
		}
	}

	try {
		if (existsSync(binary)) return binary;
		const go = await goVersion();
		if (!go) {
			throw new LabBuildError(
				'go is not installed or not on PATH: the real-Kubernetes lab builds kube-apiserver and etcd from Go ' +
					'modules (lab/go.mod). Install Go 1.26 or newer, then run `npm run lab:build`.',
			);
		}
		mkdirSync(dir, {recursive: true});
		const partial = join(dir, `labwatch-lab.partial-${process.pid}`);
		log(`labwatch-lab: building kube-apiserver ${kubernetesVersion()} + etcd with ${go} into ${binary}`);
		log('labwatch-lab: a cold build takes about 7 minutes on 2 idle cores (more on a busy machine); later runs reuse it');
		const timer = setInterval(() => log(`labwatch-lab: still building, ${elapsed(start)} elapsed`), every);
		let result;
		try {
			result = await execa('go', goBuildArgs(partial), {
				cwd: labSourceDir,
				env: goBuildEnv,
				reject: false,
				stdin: 'ignore',
				all: true,
			});
		} finally {
			clearInterval(timer);
		}
		if (result.exitCode !== 0) {
			rmSync(partial, {force: true});
			const output = String(result.all ?? '').split('\n').slice(-40).join('\n');
			throw new LabBuildError(`go build of labwatch-lab failed (exit ${result.exitCode}) after ${elapsed(start)}:\n${output}`);
		}
		renameSync(partial, binary);
		log(`labwatch-lab: built in ${elapsed(start)}`);
		return binary;
	} finally {
		rmSync(lock, {recursive: true, force: true});
	}
}
