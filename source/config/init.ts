// `labwatch init`: write the commented template, atomically, never over an existing file unless --force.
import {existsSync, mkdirSync, renameSync, writeFileSync, rmSync} from 'node:fs';
import {dirname} from 'node:path';
import {configTemplate} from './template.js';
import {ConfigError} from './errors.js';

export function writeConfigTemplate(path: string, force: boolean): void {
	if (existsSync(path) && !force) throw new ConfigError(`${path}: already exists (pass --force to overwrite it)`);
	mkdirSync(dirname(path), {recursive: true});
	const temporary = `${path}.${process.pid}.tmp`;
	try {
		writeFileSync(temporary, configTemplate, {mode: 0o600});
		renameSync(temporary, path);
	} catch (error) {
		rmSync(temporary, {force: true});
		throw new ConfigError(`${path}: cannot write: ${(error as Error).message}`);
	}
}
