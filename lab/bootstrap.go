package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/submariner-io/submariner-operator/pkg/embeddedyamls"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/yaml"
)

// The CRDs a cluster joined to Submariner has, as the operator installs them: the operator's own
// (Submariner, ServiceDiscovery), the gateway's (submariner.io v1) and Lighthouse's MCS API. They come from
// the operator module's generated embeddedyamls package, not from a hand-written schema. Brokers are left
// out: only the broker cluster has that CRD.
var submarinerCRDs = []struct{ name, yaml string }{
	{"submariners.submariner.io", embeddedyamls.Deploy_crds_submariner_io_submariners_yaml},
	{"servicediscoveries.submariner.io", embeddedyamls.Deploy_crds_submariner_io_servicediscoveries_yaml},
	{"clusters.submariner.io", embeddedyamls.Deploy_submariner_crds_submariner_io_clusters_yaml},
	{"endpoints.submariner.io", embeddedyamls.Deploy_submariner_crds_submariner_io_endpoints_yaml},
	{"gateways.submariner.io", embeddedyamls.Deploy_submariner_crds_submariner_io_gateways_yaml},
	{"clusterglobalegressips.submariner.io", embeddedyamls.Deploy_submariner_crds_submariner_io_clusterglobalegressips_yaml},
	{"globalegressips.submariner.io", embeddedyamls.Deploy_submariner_crds_submariner_io_globalegressips_yaml},
	{"globalingressips.submariner.io", embeddedyamls.Deploy_submariner_crds_submariner_io_globalingressips_yaml},
	{"gatewayroutes.submariner.io", embeddedyamls.Deploy_submariner_crds_submariner_io_gatewayroutes_yaml},
	{"nongatewayroutes.submariner.io", embeddedyamls.Deploy_submariner_crds_submariner_io_nongatewayroutes_yaml},
	{"routeagents.submariner.io", embeddedyamls.Deploy_submariner_crds_submariner_io_routeagents_yaml},
	{"serviceexports.multicluster.x-k8s.io", embeddedyamls.Deploy_mcsapi_crds_multicluster_x_k8s_io_serviceexports_yaml},
	{"serviceimports.multicluster.x-k8s.io", embeddedyamls.Deploy_mcsapi_crds_multicluster_x_k8s_io_serviceimports_yaml},
}

// The read-only user may get/list/watch everything except this resource, so tests see a real 403.
const (
	deniedGroup    = "submariner.io"
	deniedResource = "gateways"
)

func runBootstrap(args []string) error {
	fs := flag.NewFlagSet("bootstrap", flag.ContinueOnError)
	dir := fs.String("dir", "", "the apiserver's --dir (its pki/ is read; kubeconfig.yaml is written here)")
	server := fs.String("server", "", "apiserver URL, e.g. https://127.0.0.1:6443")
	name := fs.String("name", "lab", "cluster name: contexts kind-<name> and <name>-readonly")
	withoutSubmariner := fs.Bool("without-submariner", false, "install no Submariner or MCS CRD")
	timeout := fs.Duration("timeout", 3*time.Minute, "how long to wait for the apiserver and the CRDs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *server == "" {
		return errors.New("--dir and --server are required")
	}
	p := pkiFor(*dir)
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	start := time.Now()
	if err := waitReady(ctx, *server, p); err != nil {
		return err
	}

	cfg := &rest.Config{
		Host:            *server,
		TLSClientConfig: rest.TLSClientConfig{CAFile: p.CACert, CertFile: p.AdminCert, KeyFile: p.AdminKey},
		QPS:             50,
		Burst:           100,
	}
	var installed []string
	if !*withoutSubmariner {
		var err error
		if installed, err = installCRDs(ctx, cfg); err != nil {
			return err
		}
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if err := ensureReadonlyRBAC(ctx, kube); err != nil {
		return fmt.Errorf("rbac: %w", err)
	}
	kubeconfigPath := filepath.Join(*dir, "kubeconfig.yaml")
	if err := writeKubeconfig(kubeconfigPath, *name, *server, p); err != nil {
		return err
	}
	ready("bootstrap", map[string]any{
		"kubeconfig":      kubeconfigPath,
		"context":         "kind-" + *name,
		"readonlyContext": *name + "-readonly",
		"server":          *server,
		"crds":            installed,
		"tookMs":          time.Since(start).Milliseconds(),
	})
	return nil
}

func installCRDs(ctx context.Context, cfg *rest.Config) ([]string, error) {
	client, err := apiextensionsclient.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	crds := client.ApiextensionsV1().CustomResourceDefinitions()
	var names []string
	for _, c := range submarinerCRDs {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict([]byte(c.yaml), &crd); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		if crd.Name != c.name {
			return nil, fmt.Errorf("embedded CRD is %q, expected %q", crd.Name, c.name)
		}
		existing, err := crds.Get(ctx, crd.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			_, err = crds.Create(ctx, &crd, metav1.CreateOptions{})
		case err == nil:
			crd.ResourceVersion = existing.ResourceVersion
			_, err = crds.Update(ctx, &crd, metav1.UpdateOptions{})
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", crd.Name, err)
		}
		names = append(names, crd.Name)
	}
	for _, name := range names {
		err := wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			crd, err := crds.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, nil
			}
			for _, cond := range crd.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return nil, fmt.Errorf("CRD %s not Established: %w", name, err)
		}
	}
	return names, nil
}

// ensureReadonlyRBAC grants labwatch-readonly get/list/watch on every resource the apiserver serves now,
// except gateways.submariner.io. RBAC has no deny rule, so the grant lists every API group from discovery
// (all resources of it), and names submariner.io's resources one by one without gateways.
func ensureReadonlyRBAC(ctx context.Context, kube kubernetes.Interface) error {
	groups, resources, err := kube.Discovery().ServerGroupsAndResources()
	if err != nil && len(resources) == 0 {
		return err
	}
	verbs := []string{"get", "list", "watch"}
	var wholeGroups []string
	for _, g := range groups {
		if g.Name != deniedGroup {
			wholeGroups = append(wholeGroups, g.Name)
		}
	}
	sort.Strings(wholeGroups)
	rules := []rbacv1.PolicyRule{
		{APIGroups: append([]string{""}, wholeGroups...), Resources: []string{"*"}, Verbs: verbs},
		{NonResourceURLs: []string{"*"}, Verbs: []string{"get"}},
	}
	seen := map[string]bool{}
	var named []string
	for _, list := range resources {
		if !strings.HasPrefix(list.GroupVersion, deniedGroup+"/") {
			continue
		}
		for _, r := range list.APIResources {
			base := strings.SplitN(r.Name, "/", 2)[0]
			if base == deniedResource || seen[r.Name] {
				continue
			}
			seen[r.Name] = true
			named = append(named, r.Name)
		}
	}
	if len(named) > 0 {
		sort.Strings(named)
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{deniedGroup}, Resources: named, Verbs: verbs})
	}
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: readonlyUser, Labels: map[string]string{"app.kubernetes.io/managed-by": "labwatch-lab"}},
		Rules:      rules,
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: readonlyUser, Labels: map[string]string{"app.kubernetes.io/managed-by": "labwatch-lab"}},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: readonlyUser},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: readonlyUser}},
	}
	roles := kube.RbacV1().ClusterRoles()
	if existing, err := roles.Get(ctx, role.Name, metav1.GetOptions{}); err == nil {
		role.ResourceVersion = existing.ResourceVersion
		if _, err := roles.Update(ctx, role, metav1.UpdateOptions{}); err != nil {
			return err
		}
	} else if _, err := roles.Create(ctx, role, metav1.CreateOptions{}); err != nil {
		return err
	}
	if _, err := kube.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	// Without a controller-manager nobody creates the default ServiceAccount; pods need it while the
	// ServiceAccount admission plugin is on. Creating it here is harmless when the controller runs too.
	_, err = kube.CoreV1().ServiceAccounts(metav1.NamespaceDefault).Create(ctx,
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

func writeKubeconfig(path, name, server string, p pkiPaths) error {
	read := func(file string) ([]byte, error) { return os.ReadFile(file) }
	ca, err := read(p.CACert)
	if err != nil {
		return err
	}
	adminCert, err := read(p.AdminCert)
	if err != nil {
		return err
	}
	adminKey, err := read(p.AdminKey)
	if err != nil {
		return err
	}
	roCert, err := read(p.ReadonlyCert)
	if err != nil {
		return err
	}
	roKey, err := read(p.ReadonlyKey)
	if err != nil {
		return err
	}
	kind := "kind-" + name
	readonly := name + "-readonly"
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[kind] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[kind] = &clientcmdapi.AuthInfo{ClientCertificateData: adminCert, ClientKeyData: adminKey}
	cfg.AuthInfos[readonly] = &clientcmdapi.AuthInfo{ClientCertificateData: roCert, ClientKeyData: roKey}
	cfg.Contexts[kind] = &clientcmdapi.Context{Cluster: kind, AuthInfo: kind}
	cfg.Contexts[readonly] = &clientcmdapi.Context{Cluster: kind, AuthInfo: readonly}
	cfg.CurrentContext = kind
	return clientcmd.WriteToFile(*cfg, path)
}
