// Config problems are the user's to fix: one line naming the file and key, never a stack trace.
export class ConfigError extends Error {
	override readonly name = 'ConfigError';
	readonly exitCode = 2;
}
