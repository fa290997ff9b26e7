// An error's message as one line: the first line of it (a stack or a server's multi-line body stays out of
// a progress line, a journal entry or a warning).
export function errorLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
