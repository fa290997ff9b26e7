package main

import (
	"context"
	"errors"
	"flag"
	"strconv"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// compactRevKey is kube-apiserver's own bookkeeping key (k8s.io/apiserver/pkg/storage/etcd3/compact.go):
// its compactor writes the compacted revision there and every apiserver watches it to learn the
// compaction revision. Writing it the same way keeps the apiserver's view consistent with ours.
const compactRevKey = "compact_rev_key"

// runCompact compacts etcd at its current revision, so that reads and watches from any older
// resourceVersion fail as they do after the apiserver's periodic compaction.
func runCompact(args []string) error {
	fs := flag.NewFlagSet("compact", flag.ContinueOnError)
	endpoints := fs.String("etcd", "http://127.0.0.1:2379", "etcd client URL(s), comma-separated")
	timeout := fs.Duration("timeout", 30*time.Second, "overall timeout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	client, err := clientv3.New(clientv3.Config{
		Endpoints:   strings.Split(*endpoints, ","),
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		return err
	}
	defer client.Close()

	got, err := client.Get(ctx, compactRevKey)
	if err != nil {
		return err
	}
	version := int64(0)
	if len(got.Kvs) > 0 {
		version = got.Kvs[0].Version
	}
	rev := got.Header.Revision
	// The same compare-and-swap as the apiserver's compactor; then compact at the revision read, which
	// leaves only the latest version of each key (and the bookkeeping write just made).
	txn, err := client.Txn(ctx).If(
		clientv3.Compare(clientv3.Version(compactRevKey), "=", version),
	).Then(
		clientv3.OpPut(compactRevKey, strconv.FormatInt(rev, 10)),
	).Commit()
	if err != nil {
		return err
	}
	if !txn.Succeeded {
		return errors.New("compact_rev_key changed while compacting (the apiserver compacted at the same moment); try again")
	}
	if _, err := client.Compact(ctx, rev, clientv3.WithCompactPhysical()); err != nil {
		return err
	}
	ready("compact", map[string]any{"revision": rev, "currentRevision": txn.Header.Revision})
	return nil
}
