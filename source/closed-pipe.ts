// `labwatch … | head` closes stdout under us. Without a listener, the next write's EPIPE is an uncaught
// 'error' event: a stack trace and exit 1. The reader has what it wanted, so end as Ctrl-C would (a
// command that cleans up on SIGINT still does), else exit quietly with the code earned so far.
export function quietOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = code => process.exit(code)): void {
	let closed = false;
	stream.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
		if (closed) return;
		closed = true;
		if (process.listenerCount('SIGINT') > 0) process.emit('SIGINT');
		else exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
	});
}
