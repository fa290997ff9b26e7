package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/component-base/cli"
	cmapp "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

// The controllers a lab without kubelets or a scheduler wants: namespace deletion, garbage collection,
// a default ServiceAccount in every namespace and the kube-root-ca.crt ConfigMap. Node lifecycle stays
// off (it would taint and evict nodes that have no kubelet), and so do the workload controllers (their
// pods would wait for a scheduler forever). --controllers after "--" overrides this.
var defaultControllers = []string{
	"namespace-controller",
	"garbage-collector-controller",
	"serviceaccount-controller",
	"root-ca-certificate-publisher-controller",
}

func runControllerManager(args []string) error {
	own, extra := splitExtra(args)
	fs := flag.NewFlagSet("controller-manager", flag.ContinueOnError)
	dir := fs.String("dir", "", "the apiserver's --dir (its pki/ is read; controller-manager.log is written here)")
	server := fs.String("server", "", "apiserver URL, e.g. https://127.0.0.1:6443")
	verbose := fs.Bool("verbose", false, "copy all logs to stderr (by default only errors; all go to <dir>/controller-manager.log)")
	if err := fs.Parse(own); err != nil {
		return err
	}
	if *dir == "" || *server == "" {
		return errors.New("--dir and --server are required")
	}
	p := pkiFor(*dir)
	kubeconfig := filepath.Join(*dir, "controller-manager.kubeconfig")
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["lab"] = &clientcmdapi.Cluster{Server: *server, CertificateAuthority: p.CACert}
	cfg.AuthInfos["lab"] = &clientcmdapi.AuthInfo{ClientCertificate: p.ControllerManagerCert, ClientKey: p.ControllerManagerKey}
	cfg.Contexts["lab"] = &clientcmdapi.Context{Cluster: "lab", AuthInfo: "lab"}
	cfg.CurrentContext = "lab"
	if err := clientcmd.WriteToFile(*cfg, kubeconfig); err != nil {
		return err
	}
	cmArgs := []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--secure-port=0",
		"--leader-elect=false",
		"--use-service-account-credentials=true", // as kubeadm: each controller acts as its own ServiceAccount
		"--root-ca-file=" + p.CACert,
		"--service-account-private-key-file=" + p.SAPrivate,
		"--controllers=" + strings.Join(defaultControllers, ","),
	}
	cmArgs = append(cmArgs, extra...)
	if err := quietStderr(filepath.Join(*dir, "controller-manager.log"), *verbose); err != nil {
		return err
	}
	go announceControllerManager(*server, p)
	cmd := cmapp.NewControllerManagerCommand()
	cmd.SetArgs(cmArgs)
	if code := cli.Run(cmd); code != 0 {
		os.Exit(code)
	}
	return nil
}

// announceControllerManager prints the ready line once the controllers have done their first work on a
// namespace made for the purpose: it gets its default ServiceAccount and kube-root-ca.crt ConfigMap. The
// namespace is then deleted (the namespace controller finishes that in the background).
func announceControllerManager(server string, p pkiPaths) {
	start := time.Now()
	kube, err := kubernetes.NewForConfig(&rest.Config{
		Host:            server,
		TLSClientConfig: rest.TLSClientConfig{CAFile: p.CACert, CertFile: p.AdminCert, KeyFile: p.AdminKey},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "labwatch-lab controller-manager: %v\n", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	probe := fmt.Sprintf("labwatch-lab-probe-%d", os.Getpid())
	namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: probe}}
	for {
		_, err := kube.CoreV1().Namespaces().Create(ctx, namespace, metav1.CreateOptions{})
		if err == nil || apierrors.IsAlreadyExists(err) {
			break
		}
		if ctx.Err() != nil {
			fmt.Fprintf(os.Stderr, "labwatch-lab controller-manager: creating namespace %s: %v\n", probe, err)
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	for ctx.Err() == nil {
		_, errSA := kube.CoreV1().ServiceAccounts(probe).Get(ctx, "default", metav1.GetOptions{})
		_, errCM := kube.CoreV1().ConfigMaps(probe).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		if errSA == nil && errCM == nil {
			_ = kube.CoreV1().Namespaces().Delete(ctx, probe, metav1.DeleteOptions{})
			ready("controller-manager", map[string]any{"server": server, "controllers": defaultControllers, "readyMs": time.Since(start).Milliseconds()})
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "labwatch-lab controller-manager: namespace %s got no ServiceAccount and kube-root-ca.crt in 5 minutes\n", probe)
}
