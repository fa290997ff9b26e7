// The dead-man timer's constant script, apart from point.ts so the views can name it without importing exec code.

/**
 * sh -c START_SCRIPT sh SECONDS DRILL_ID START_WORDS...: after the TTL, run the member's start command. Constant
 * text: the TTL, the drill id and the command are positional arguments. "labwatch:" and the drill id in its
 * command line are what a heal checks before it signals the timer (deadman.ts isOwnTimer).
 */
export const startScript = ['# labwatch:etcd-drill: start the member this drill stopped, after the TTL', 'sleep "$1" || exit 1', 'shift 2', '"$@"'].join('\n');
