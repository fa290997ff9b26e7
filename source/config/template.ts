// What `labwatch init` writes: the homelab's defaults, with a word on every key.
export const configTemplate = `# labwatch configuration. Sizes take binary units (16GiB, 512MiB); durations take units (5s, 1m).
# Unknown keys are errors, so a typo never passes silently. Check it with: labwatch check --config <this file>

# kubeconfig: ~/.kube/config        # default: $KUBECONFIG, else ~/.kube/config

# One entry per cluster. m1 and m2 are the homelab's; add a third (a Raspberry Pi, say) the same way.
clusters:
  m1:
    context: kind-m1-cluster           # a context in your kubeconfig
    host: m1                           # the host (below) this cluster's nodes run on
    submarinerNamespace: submariner-operator
  m2:
    context: kind-m2-cluster
    host: m2

# The physical machines. memory is the hardware limit; reserved is what macOS keeps for itself;
# plan is what each workload is meant to use (the budget bars mark it). A pod belongs to the line named
# like its app label or name (a plural line, ci-runners, takes ci-runner pods) or its namespace;
# control-plane takes etcd and the API server, a *-nodes line what runs for the nodes (kube-system,
# Submariner), else control-plane does. Anything else shows as "other"; add match: patterns, e.g.
#   match: {db: ["data/pg-*", "tier=database"]}
hosts:
  m1:
    memory: 16GiB
    reserved: 2GiB
    address: 192.168.1.10              # LAN address: what a partition drill cuts
    # nodeExporter: 192.168.1.10:9100  # its node_exporter's instance label, if it is not found by address
    plan:
      control-plane: 6GiB
      postgresql: 2GiB
      redis: 1GiB
      kafka: 2GiB
      prometheus: 2GiB
      grafana: 512MiB
      jaeger: 1GiB
  m2:
    memory: 8GiB
    reserved: 2GiB
    address: 192.168.1.20
    plan:
      worker-nodes: 4GiB
      api-gateway: 256MiB
      backend: 1GiB
      frontend: 256MiB
      ci-runners: 2GiB
      ml-inference: 2GiB

# Prometheus on m1. Optional: without it, budgets use Kubernetes requests and limits.
prometheus:
  url: http://192.168.1.10:9090
  interval: 5s
  # timeout: 3s
  # basicAuth: {username: admin, password: secret}
  # bearerToken: xyz
  # jobs: {m1: kubernetes-m1, m2: kubernetes-m2}   # scrape job per cluster, to show "Prometheus cannot see m2"

# Partition drills. Default: one point, on the first cluster's host, iptables run locally,
# dropping traffic to and from every other host's address.
drill:
  ttl: 60s                             # every cut heals itself after this, even if labwatch dies
  chain: LABWATCH-PARTITION
  # points:
  #   - {host: m1, via: local}                          # iptables here (run labwatch as root)
  #   - {host: m1, via: sudo}                           # sudo -n iptables (needs NOPASSWD)
  #   - {host: m2, via: ssh, destination: admin@192.168.1.20}
  #   - {host: m1, via: docker, container: m1-control-plane}
  #   - {host: m1, via: netns, netns: lab-m1}

# How often each cluster's /readyz is asked, and how long an answer may take before it counts as lost.
probe:
  interval: 1s
  timeout: 1s
`;
