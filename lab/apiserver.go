package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // as in cmd/kube-apiserver: JSON log format
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // as in cmd/kube-apiserver: client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // as in cmd/kube-apiserver: version metric
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

// splitExtra splits "flags -- passthrough" at the first "--".
func splitExtra(args []string) (own, extra []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

// runAPIServer generates the PKI under --dir once, then runs kube-apiserver with kubeadm/kind-like flags.
// Arguments after "--" are passed to kube-apiserver as they are (after ours, so they win).
func runAPIServer(args []string) error {
	own, extra := splitExtra(args)
	fs := flag.NewFlagSet("apiserver", flag.ContinueOnError)
	dir := fs.String("dir", "", "state directory: pki/ is generated here once, apiserver.log is written here")
	etcd := fs.String("etcd", "http://127.0.0.1:2379", "etcd client URL(s), comma-separated")
	bind := fs.String("bind", "127.0.0.1", "IP address to listen on (and to advertise)")
	port := fs.Int("port", 6443, "secure port")
	name := fs.String("name", "lab", "cluster name (certificate SAN <name>-control-plane, log prefix)")
	saAdmission := fs.Bool("serviceaccount-admission", true,
		"keep the ServiceAccount admission plugin (pods then need their ServiceAccount to exist: run controller-manager or create it)")
	verbose := fs.Bool("verbose", false, "copy all of kube-apiserver's logs to stderr (by default only errors; all go to <dir>/apiserver.log)")
	if err := fs.Parse(own); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("--dir is required")
	}
	bindIP := net.ParseIP(*bind)
	if bindIP == nil {
		return fmt.Errorf("--bind %q is not an IP address", *bind)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	p, err := ensurePKI(*dir, *name, bindIP)
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}

	apiArgs := []string{
		"--advertise-address=" + bindIP.String(),
		"--bind-address=" + bindIP.String(),
		"--secure-port=" + strconv.Itoa(*port),
		"--etcd-servers=" + *etcd,
		"--tls-cert-file=" + p.ServingCert,
		"--tls-private-key-file=" + p.ServingKey,
		"--client-ca-file=" + p.CACert,
		"--authorization-mode=Node,RBAC",
		"--allow-privileged=true",
		"--enable-admission-plugins=NodeRestriction",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + p.SAPublic,
		"--service-account-signing-key-file=" + p.SAPrivate,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--profiling=false",
	}
	if !*saAdmission {
		apiArgs = append(apiArgs, "--disable-admission-plugins=ServiceAccount")
	}
	if bindIP.IsLoopback() {
		// The kubernetes Service's endpoints may not be a loopback address (Endpoints validation), so the
		// reconciler would fail forever; with no kubelets and no kube-proxy nothing reads them anyway.
		apiArgs = append(apiArgs, "--endpoint-reconciler-type=none")
	}
	apiArgs = append(apiArgs, extra...)

	if err := quietStderr(filepath.Join(*dir, "apiserver.log"), *verbose); err != nil {
		return err
	}
	host := bindIP.String()
	if bindIP.IsUnspecified() {
		host = "127.0.0.1"
	}
	server := "https://" + net.JoinHostPort(host, strconv.Itoa(*port))
	go announceWhenReady(server, p)

	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(apiArgs)
	if code := cli.Run(cmd); code != 0 {
		os.Exit(code)
	}
	return nil
}

// adminHTTPClient is an HTTPS client that trusts the lab CA and presents the admin certificate.
func adminHTTPClient(p pkiPaths) (*http.Client, error) {
	caPEM, err := os.ReadFile(p.CACert)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("%s holds no certificate", p.CACert)
	}
	pair, err := tls.LoadX509KeyPair(p.AdminCert, p.AdminKey)
	if err != nil {
		return nil, err
	}
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}},
		},
	}, nil
}

// waitReady polls <server>/readyz until it answers 200 ok.
func waitReady(ctx context.Context, server string, p pkiPaths) error {
	client, err := adminHTTPClient(p)
	if err != nil {
		return err
	}
	var last string
	for {
		resp, err := client.Get(server + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, body)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s/readyz not ready: %s", server, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func announceWhenReady(server string, p pkiPaths) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := waitReady(ctx, server, p); err != nil {
		fmt.Fprintf(os.Stderr, "labwatch-lab apiserver: %v\n", err)
		return
	}
	fields := map[string]any{"server": server, "readyMs": time.Since(start).Milliseconds(), "caFile": p.CACert}
	if client, err := adminHTTPClient(p); err == nil {
		if resp, err := client.Get(server + "/version"); err == nil {
			var v struct {
				GitVersion string `json:"gitVersion"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&v)
			resp.Body.Close()
			fields["version"] = v.GitVersion
		}
	}
	ready("apiserver", fields)
}
