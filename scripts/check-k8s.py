#!/usr/bin/python3
"""Keeps the Kubernetes manifests valid without a cluster.

    check-k8s.py K8S_DIR [AGORA_BINARY]

Parses every manifest in K8S_DIR and the Secrets that K8S_DIR/make-secrets.sh writes (into a
scratch file), then checks what must hold for the StatefulSet to run as a cluster:
- selectors: the StatefulSet's, both Services' and the PodDisruptionBudget's select the pods;
- discovery: serviceName is a headless Service (clusterIP None) that publishes not-ready pods on
  the cluster port; the door Service targets the http port;
- ports: named http 8080 and cluster 4300, as the image exposes and configures them;
- probes: readiness on /readyz, liveness on /healthz, both on a declared port;
- the pods run as the image's non-root user, and are given the grace SIGTERM's handoff needs;
- every secret a pod reads (env and volumes) exists with that key; each pod of the replicas has
  its certificate and key; the cluster port is never plaintext; with the binary, every AGORA_*
  variable is an option agora knows;
- the kustomization lists every manifest.
Prints one line per problem and exits 1 when there is any.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

k8s = sys.argv[1]
agora = sys.argv[2] if len(sys.argv) > 2 else None
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


docs = {}  # (kind, name) -> manifest
files = sorted(f for f in os.listdir(k8s) if f.endswith(".yaml") and f != "secrets.yaml")
for name in files:
    with open(os.path.join(k8s, name)) as f:
        for doc in yaml.safe_load_all(f):
            if doc:
                docs[(doc.get("kind"), doc.get("metadata", {}).get("name"))] = doc

# The Secrets, as make-secrets.sh writes them.
maker = os.path.join(k8s, "make-secrets.sh")
if os.path.exists(maker):
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "secrets.yaml")
        run = subprocess.run(["bash", maker, "postgresql://agora@db.example/agora", "3",
                              os.path.join(scratch, "certs")],
                             env=dict(os.environ, K8S_SECRETS_OUT=out), capture_output=True, text=True)
        check(run.returncode == 0, "make-secrets.sh failed: " + run.stderr.strip())
        if run.returncode == 0:
            with open(out) as f:
                for doc in yaml.safe_load_all(f):
                    docs[("Secret", doc["metadata"]["name"])] = doc
secrets = {name: set(d.get("data", {})) | set(d.get("stringData", {}))
           for (kind, name), d in docs.items() if kind == "Secret"}

sets = [d for (kind, _), d in docs.items() if kind == "StatefulSet"]
check(len(sets) == 1, "expected one StatefulSet, found %d" % len(sets))
if sets:
    sts = sets[0]
    spec = sts["spec"]
    pod = spec["template"]
    labels = pod["metadata"].get("labels", {})

    def selects(selector, what):
        check(bool(selector) and all(labels.get(k) == v for k, v in selector.items()),
              "%s does not select the StatefulSet's pods (%r vs %r)" % (what, selector, labels))

    selects(spec["selector"].get("matchLabels", {}), "the StatefulSet's selector")
    containers = pod["spec"]["containers"]
    check(len(containers) == 1, "the pod should run one container")
    c = containers[0]
    ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
    check(ports.get("http") == 8080, "the container has no http port 8080")
    check(ports.get("cluster") == 4300, "the container has no cluster port 4300")

    def port_ok(port):
        return port in ports or port in ports.values()

    headless = docs.get(("Service", spec.get("serviceName")))
    check(headless is not None, "serviceName %r names no Service" % spec.get("serviceName"))
    if headless:
        hs = headless["spec"]
        check(hs.get("clusterIP") == "None", "%s is not headless" % spec["serviceName"])
        check(hs.get("publishNotReadyAddresses") is True,
              "%s hides not-ready pods: a starting node could not be reached to join" % spec["serviceName"])
        check(any(p.get("port") == 4300 and port_ok(p.get("targetPort", p.get("port")))
                  for p in hs.get("ports", [])), "%s does not carry the cluster port" % spec["serviceName"])
    services = [d for (kind, _), d in docs.items() if kind == "Service"]
    for svc in services:
        selects(svc["spec"].get("selector", {}), "Service " + svc["metadata"]["name"])
        for p in svc["spec"].get("ports", []):
            check(port_ok(p.get("targetPort", p.get("port"))),
                  "Service %s targets a port the pod lacks: %r" % (svc["metadata"]["name"], p))
    check(any(s["spec"].get("clusterIP") != "None"
              and any(p.get("targetPort") in ("http", 8080) for p in s["spec"]["ports"])
              for s in services), "no Service for the door (http)")
    pdbs = [d for (kind, _), d in docs.items() if kind == "PodDisruptionBudget"]
    check(len(pdbs) == 1, "expected one PodDisruptionBudget")
    for pdb in pdbs:
        selects(pdb["spec"]["selector"].get("matchLabels", {}), "the PodDisruptionBudget")
        check("maxUnavailable" in pdb["spec"] or "minAvailable" in pdb["spec"],
              "the PodDisruptionBudget limits nothing")

    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = c.get(probe, {}).get("httpGet", {})
        check(get.get("path") == path, "%s is not GET %s" % (probe, path))
        check(port_ok(get.get("port")), "%s probes an undeclared port %r" % (probe, get.get("port")))

    security = pod["spec"].get("securityContext", {})
    check(security.get("runAsNonRoot") is True, "the pods may run as root")
    with open(os.path.join(root, "docker", "Dockerfile")) as f:
        uid = re.search(r"useradd [^\n]*--uid (\d+)", f.read())
    check(uid is not None and security.get("runAsUser") == int(uid.group(1)),
          "runAsUser is not the image's user (%s)" % (uid.group(1) if uid else "?"))
    check(pod["spec"].get("terminationGracePeriodSeconds", 30) >= 25,
          "terminationGracePeriodSeconds leaves the handoff (up to 20 s) too little time")

    env = {e["name"]: e for e in c.get("env", [])}
    for e in env.values():
        ref = e.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            check(ref["key"] in secrets.get(ref["name"], set()),
                  "%s reads %s/%s, which make-secrets.sh does not write" % (e["name"], ref["name"], ref["key"]))
    check(env.get("AGORA_CLUSTER_INSECURE", {}).get("value", "false") in ("false", "0"),
          "the cluster port must not be plaintext")
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    for v in pod["spec"].get("volumes", []):
        if "secret" in v:
            name = v["secret"]["secretName"]
            check(name in secrets, "volume %s mounts Secret %s, which is not made" % (v["name"], name))
            if v["name"] in mounts and "AGORA_CLUSTER_CERT" in env:
                for i in range(spec.get("replicas", 1)):
                    for suffix in (".pem", ".key"):
                        check("agora-%d%s" % (i, suffix) in secrets.get(name, set()),
                              "Secret %s has no agora-%d%s for pod %d" % (name, i, suffix, i))
                check(env["AGORA_CLUSTER_CERT"].get("value", "").startswith(mounts[v["name"]] + "/"),
                      "AGORA_CLUSTER_CERT is not in the mounted certificates")
    check("ca.key" not in secrets.get("agora-cluster-certs", set()),
          "the cluster CA's key must stay off the cluster")
    if agora and os.path.exists(agora):
        known = set(re.findall(r"env (AGORA_[A-Z_]+)", subprocess.run(
            [agora, "--help"], capture_output=True, text=True).stdout))
        for name in env:
            if name.startswith("AGORA_"):
                check(name in known, "the pod sets unknown %s" % name)

kustomization = os.path.join(k8s, "kustomization.yaml")
if os.path.exists(kustomization):
    with open(kustomization) as f:
        listed = set(yaml.safe_load(f).get("resources", []))
    for name in files:
        if name != "kustomization.yaml":
            check(name in listed, "kustomization.yaml does not list " + name)

for p in problems:
    print("k8s: " + p)
print("k8s: %d problem(s) in %d manifest(s)" % (len(problems), len(docs)))
sys.exit(1 if problems else 0)
