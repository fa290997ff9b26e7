package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// runEtcd runs one embedded etcd member with its data under --dir until SIGTERM or SIGINT.
func runEtcd(args []string) error {
	fs := flag.NewFlagSet("etcd", flag.ContinueOnError)
	dir := fs.String("dir", "", "data directory (created if missing; kept across restarts)")
	clientURL := fs.String("client-url", "http://127.0.0.1:2379", "client URL to listen on and advertise")
	peerURL := fs.String("peer-url", "http://127.0.0.1:2380", "peer URL to listen on and advertise")
	name := fs.String("name", "default", "member name")
	logLevel := fs.String("log-level", "warn", "etcd log level: debug, info, warn, error")
	fsync := fs.Bool("fsync", false, "fsync writes (off by default: a lab survives kill -9 of the process, not a power cut)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("--dir is required")
	}
	client, err := url.Parse(*clientURL)
	if err != nil {
		return fmt.Errorf("--client-url: %w", err)
	}
	peer, err := url.Parse(*peerURL)
	if err != nil {
		return fmt.Errorf("--peer-url: %w", err)
	}

	cfg := embed.NewConfig()
	cfg.Name = *name
	cfg.Dir = filepath.Join(*dir, "data")
	cfg.ListenClientUrls = []url.URL{*client}
	cfg.AdvertiseClientUrls = []url.URL{*client}
	cfg.ListenPeerUrls = []url.URL{*peer}
	cfg.AdvertisePeerUrls = []url.URL{*peer}
	cfg.InitialCluster = fmt.Sprintf("%s=%s", *name, peer.String())
	cfg.InitialClusterToken = "labwatch-lab-" + *name
	cfg.LogLevel = *logLevel
	cfg.LogOutputs = []string{"stderr"}
	cfg.UnsafeNoFsync = !*fsync
	// kube-apiserver compacts every 5 minutes itself; etcd's own auto-compaction stays off (as in kubeadm).
	cfg.AutoCompactionRetention = "0"

	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	start := time.Now()
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return err
	}
	defer e.Close()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)

	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		return err
	case <-time.After(60 * time.Second):
		e.Server.Stop()
		return errors.New("etcd took more than 60 s to be ready")
	case sig := <-signals:
		return fmt.Errorf("stopped by %s before ready", sig)
	}
	ready("etcd", map[string]any{
		"clientUrl": client.String(),
		"peerUrl":   peer.String(),
		"dataDir":   cfg.Dir,
		"readyMs":   time.Since(start).Milliseconds(),
	})

	select {
	case err := <-e.Err():
		return err
	case <-signals:
		return nil
	}
}
