#!/bin/sh
# A test's etcd member on loopback, started and stopped by the etcd drill's `via: local` commands.
#   member.sh start DIR NAME CLIENT_PORT PEER_PORT INITIAL_CLUSTER   (idempotent: a running member is left alone)
#   member.sh stop DIR [SIGNAL]                                      (KILL by default: a crash, as the homelab's drill)
set -u
cmd=$1 dir=$2
case $cmd in
start)
	name=$3 client=$4 peer=$5 cluster=$6
	# Running means alive and not a zombie nobody reaped yet.
	if [ -f "$dir/pid" ] && [ -n "$(ps -o stat= -p "$(cat "$dir/pid")" 2>/dev/null | grep -v '^Z')" ]; then exit 0; fi
	mkdir -p "$dir"
	# A rejoining member keeps its data dir: --initial-cluster-state is ignored once it has one.
	setsid etcd --name "$name" --data-dir "$dir/data" \
		--listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
		--listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
		--initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token labwatch-test \
		--heartbeat-interval 100 --election-timeout 1000 \
		>>"$dir/log" 2>&1 </dev/null &
	echo $! >"$dir/pid"
	;;
stop)
	[ -f "$dir/pid" ] || exit 0
	kill "-${3:-KILL}" "$(cat "$dir/pid")" 2>/dev/null || true
	;;
*)
	echo "usage: member.sh start|stop DIR ..." >&2
	exit 2
	;;
esac
