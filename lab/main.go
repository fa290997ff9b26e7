// labwatch-lab runs the pieces of a real Kubernetes control plane for labwatch's tests and `npm run lab`:
// an embedded etcd, a real kube-apiserver, a bootstrap step that installs Submariner's CRDs, RBAC and a
// kind-style kubeconfig, and an etcd compaction. Each subcommand prints one JSON line on stdout when it is
// ready (or done) and logs to stderr. See README.md beside this file.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

type subcommand struct {
	summary string
	run     func(args []string) error
}

var subcommands = map[string]subcommand{
	"etcd":               {"run an embedded single-member etcd until SIGTERM/SIGINT", runEtcd},
	"apiserver":          {"generate PKI once and run kube-apiserver until SIGTERM/SIGINT", runAPIServer},
	"controller-manager": {"run kube-controller-manager (namespace, GC, service accounts) until signalled", runControllerManager},
	"bootstrap":          {"install Submariner CRDs and RBAC, write a kind-style kubeconfig", runBootstrap},
	"compact":            {"compact etcd at its current revision, as the apiserver's compactor does", runCompact},
}

func usage() {
	fmt.Fprintf(os.Stderr, "usage: labwatch-lab <subcommand> [flags]\n\nsubcommands:\n")
	names := make([]string, 0, len(subcommands))
	for name := range subcommands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(os.Stderr, "  %-19s %s\n", name, subcommands[name].summary)
	}
	fmt.Fprintf(os.Stderr, "\n'labwatch-lab <subcommand> -h' lists its flags.\n")
}

// dieWithParentEnv names the environment variable the launcher sets to its own pid: the process is then
// SIGKILLed by the kernel when that parent dies, however it dies, so no lab process outlives a test run.
const dieWithParentEnv = "LABWATCH_LAB_PARENT_PID"

// init runs on the main OS thread (the Go runtime locks it there during initialisation), which lives as
// long as the process: the parent-death signal is tied to the thread that asked for it.
func init() {
	parent, err := strconv.Atoi(os.Getenv(dieWithParentEnv))
	if err != nil || parent <= 0 {
		return
	}
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "labwatch-lab: PR_SET_PDEATHSIG: %v\n", err)
	}
	if os.Getppid() != parent {
		os.Exit(1) // the parent died before the signal was armed
	}
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	name := os.Args[1]
	if name == "-h" || name == "--help" || name == "help" {
		usage()
		return
	}
	cmd, ok := subcommands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "labwatch-lab: unknown subcommand %q\n\n", name)
		usage()
		os.Exit(2)
	}
	if err := cmd.run(os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "labwatch-lab %s: %v\n", name, err)
		os.Exit(1)
	}
}

// ready prints the one machine-readable line a subcommand writes on stdout: {"ready":"<what>",...}.
func ready(what string, fields map[string]any) {
	out := map[string]any{"ready": what, "pid": os.Getpid()}
	for k, v := range fields {
		out[k] = v
	}
	line, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	fmt.Fprintln(os.Stdout, string(line))
}
