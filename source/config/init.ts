// Writes a config file atomically (a temp file in the same directory, then a rename or a link) and never
// over an existing file unless `force`: without it the final step is link(2), which fails if the path
// appeared meanwhile, so a file written by someone else between our check and our write survives.
import {existsSync, linkSync, mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {ConfigError} from './errors.js';
import {configTemplate} from './template.js';

export function writeConfigFile(path: string, text: string, force: boolean): void {
	if (existsSync(path) && !force) throw new ConfigError(`${path}: already exists (pass --force to overwrite it)`);
	try {
		mkdirSync(dirname(path), {recursive: true});
	} catch (error) {
		throw new ConfigError(`${path}: cannot write: ${(error as Error).message}`);
	}
	const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
	try {
		writeFileSync(temporary, text, {mode: 0o600});
		if (force) renameSync(temporary, path);
		else linkSync(temporary, path);
	} catch (error) {
		const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
		throw new ConfigError(exists ? `${path}: already exists (pass --force to overwrite it)` : `${path}: cannot write: ${(error as Error).message}`);
	} finally {
		rmSync(temporary, {force: true});
	}
}

/** The homelab's defaults, commented: what init writes when there is no kubeconfig to look at. */
export function writeConfigTemplate(path: string, force: boolean): void {
	writeConfigFile(path, configTemplate, force);
}
