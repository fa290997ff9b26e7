package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The PKI of one lab cluster, generated once under <dir>/pki and reused when the apiserver restarts, so a
// kubeconfig written earlier stays valid. ECDSA P-256 throughout: instant to generate, accepted by
// kube-apiserver (serving, client CA, service-account keys), kubectl and Node's TLS.
type pkiPaths struct {
	Dir                                         string
	CACert, CAKey                               string
	ServingCert, ServingKey                     string
	SAPublic, SAPrivate                         string
	AdminCert, AdminKey                         string
	ReadonlyCert, ReadonlyKey                   string
	ControllerManagerCert, ControllerManagerKey string
}

const (
	adminUser             = "kubernetes-admin"
	adminGroup            = "system:masters"
	readonlyUser          = "labwatch-readonly"
	controllerManagerUser = "system:kube-controller-manager"
)

func pkiFor(dir string) pkiPaths {
	p := filepath.Join(dir, "pki")
	return pkiPaths{
		Dir:                   p,
		CACert:                filepath.Join(p, "ca.crt"),
		CAKey:                 filepath.Join(p, "ca.key"),
		ServingCert:           filepath.Join(p, "apiserver.crt"),
		ServingKey:            filepath.Join(p, "apiserver.key"),
		SAPublic:              filepath.Join(p, "sa.pub"),
		SAPrivate:             filepath.Join(p, "sa.key"),
		AdminCert:             filepath.Join(p, "admin.crt"),
		AdminKey:              filepath.Join(p, "admin.key"),
		ReadonlyCert:          filepath.Join(p, "readonly.crt"),
		ReadonlyKey:           filepath.Join(p, "readonly.key"),
		ControllerManagerCert: filepath.Join(p, "controller-manager.crt"),
		ControllerManagerKey:  filepath.Join(p, "controller-manager.key"),
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ensurePKI generates whatever of the PKI is missing. The serving certificate names bindIP, 127.0.0.1,
// localhost, the in-cluster names of the kubernetes Service, its first service IP and <name>-control-plane.
func ensurePKI(dir, name string, bindIP net.IP) (pkiPaths, error) {
	p := pkiFor(dir)
	if err := os.MkdirAll(p.Dir, 0o700); err != nil {
		return p, err
	}
	var caCert *x509.Certificate
	var caKey crypto.Signer
	if fileExists(p.CACert) && fileExists(p.CAKey) {
		var err error
		caCert, caKey, err = loadPair(p.CACert, p.CAKey)
		if err != nil {
			return p, err
		}
	} else {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return p, err
		}
		tmpl := &x509.Certificate{
			Subject:               pkix.Name{CommonName: "kubernetes"},
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			BasicConstraintsValid: true,
			IsCA:                  true,
		}
		caCert, err = sign(tmpl, key.Public(), nil, key, 10)
		if err != nil {
			return p, err
		}
		caKey = key
		if err := writeKey(p.CAKey, key); err != nil {
			return p, err
		}
		if err := writeCert(p.CACert, caCert); err != nil {
			return p, err
		}
	}

	ips := []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")}
	if bindIP != nil && !bindIP.IsUnspecified() && !bindIP.Equal(ips[0]) {
		ips = append(ips, bindIP)
	}
	serving := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost", name + "-control-plane", "kubernetes", "kubernetes.default",
			"kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		IPAddresses: ips,
	}
	// A serving certificate from an earlier run with another bind address is replaced.
	if !servingCovers(p.ServingCert, ips) {
		if err := issue(p.ServingCert, p.ServingKey, serving, caCert, caKey); err != nil {
			return p, err
		}
	}
	clients := []struct {
		cert, key string
		subject   pkix.Name
	}{
		{p.AdminCert, p.AdminKey, pkix.Name{CommonName: adminUser, Organization: []string{adminGroup}}},
		{p.ReadonlyCert, p.ReadonlyKey, pkix.Name{CommonName: readonlyUser}},
		{p.ControllerManagerCert, p.ControllerManagerKey, pkix.Name{CommonName: controllerManagerUser}},
	}
	for _, c := range clients {
		if fileExists(c.cert) && fileExists(c.key) {
			continue
		}
		tmpl := &x509.Certificate{
			Subject:     c.subject,
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
		if err := issue(c.cert, c.key, tmpl, caCert, caKey); err != nil {
			return p, err
		}
	}
	if !fileExists(p.SAPrivate) || !fileExists(p.SAPublic) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return p, err
		}
		if err := writeKey(p.SAPrivate, key); err != nil {
			return p, err
		}
		der, err := x509.MarshalPKIXPublicKey(key.Public())
		if err != nil {
			return p, err
		}
		if err := os.WriteFile(p.SAPublic, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644); err != nil {
			return p, err
		}
	}
	return p, nil
}

func servingCovers(certPath string, ips []net.IP) bool {
	data, err := os.ReadFile(certPath)
	if err != nil {
		return false
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return false
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return false
	}
	for _, want := range ips {
		found := false
		for _, have := range cert.IPAddresses {
			if have.Equal(want) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func issue(certPath, keyPath string, tmpl, ca *x509.Certificate, caKey crypto.Signer) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	cert, err := sign(tmpl, key.Public(), ca, caKey, 5)
	if err != nil {
		return err
	}
	if err := writeKey(keyPath, key); err != nil {
		return err
	}
	return writeCert(certPath, cert)
}

func sign(tmpl *x509.Certificate, pub crypto.PublicKey, parent *x509.Certificate, parentKey crypto.Signer, years int) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().AddDate(years, 0, 0)
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func writeCert(path string, cert *x509.Certificate) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644)
}

func writeKey(path string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600)
}

func loadPair(certPath, keyPath string) (*x509.Certificate, crypto.Signer, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, fmt.Errorf("%s or %s is not PEM", certPath, keyPath)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("%s: only the EC keys this tool writes are read", keyPath), err)
	}
	return cert, key, nil
}
