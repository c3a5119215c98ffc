#!/usr/bin/python3
"""Checks docker/ without a Docker engine: the compose file's structure and every local file it
mounts, the Dockerfile's Debian package names (apt-cache), Prometheus' configuration (promtool),
Grafana's provisioning and the dashboard's datasource. Exits 1 with one line per problem."""
import json
import os
import re
import subprocess
import sys

import yaml

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
docker = os.path.join(root, "docker")
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def load_yaml(rel):
    with open(os.path.join(docker, rel)) as f:
        return yaml.safe_load(f)


compose = load_yaml("compose.yaml")
services = compose.get("services", {})
for name in ("postgres", "mail", "node", "prometheus", "grafana"):
    check(name in services, "compose.yaml: no service " + name)
for name, svc in services.items():
    check("image" in svc, "compose.yaml: service %s has no image" % name)
    for volume in svc.get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith("."):
            check(os.path.exists(os.path.join(docker, source)),
                  "compose.yaml: %s mounts missing %s" % (name, source))
    build = svc.get("build")
    if build:
        context = os.path.normpath(os.path.join(docker, build["context"]))
        check(os.path.exists(os.path.join(context, build["dockerfile"])),
              "compose.yaml: %s builds from a missing Dockerfile" % name)
node = services.get("node", {})
for key in ("AGORA_DATABASE_URL", "AGORA_SMTP_URL", "AGORA_SEEDS"):
    check(key in (node.get("environment") or {}), "compose.yaml: node lacks " + key)
check("AGORA_CLUSTER_INSECURE" not in (node.get("environment") or {}),
      "compose.yaml: the nodes must speak mutual TLS on the cluster port")
check(str(node.get("deploy", {}).get("replicas", "")).startswith("${AGORA_NODES"),
      "compose.yaml: node replicas are not AGORA_NODES (podman-compose scales by deploy.replicas)")
check(any(v.split(":")[1] == "/certs" for v in node.get("volumes", [])),
      "compose.yaml: node has no certs volume")

# The offline override swaps registry images for ones built here, from files that exist.
offline = load_yaml("compose.offline.yaml")
for name, svc in offline.get("services", {}).items():
    check(name in services, "compose.offline.yaml: overrides unknown service " + name)
    build = svc.get("build") or {}
    if "dockerfile" in build:
        check(os.path.exists(os.path.join(os.path.normpath(os.path.join(docker, build["context"])),
                                          build["dockerfile"])),
              "compose.offline.yaml: %s builds from a missing Dockerfile" % name)
        check(svc.get("image", "").startswith("localhost/"),
              "compose.offline.yaml: %s must name a local image" % name)

# Every AGORA_* variable the compose file sets must be an option agora knows.
agora = os.environ.get("AGORA_BINARY", os.path.join(root, "build", "runtime", "agora"))
if os.path.exists(agora):
    known = set(re.findall(r"env (AGORA_[A-Z_]+)", subprocess.run(
        [agora, "--help"], capture_output=True, text=True).stdout))
    for name, svc in services.items():
        for key in svc.get("environment", {}) or {}:
            if key.startswith("AGORA_"):
                check(key in known, "compose.yaml: %s sets unknown %s" % (name, key))

# Every Dockerfile's packages exist in Debian 12 under these names.
for rel in ("Dockerfile", "offline/postgres.Dockerfile", "offline/prometheus.Dockerfile",
            "offline/smtp-sink.Dockerfile"):
    with open(os.path.join(docker, rel)) as f:
        dockerfile = f.read()
    for block in re.findall(r"apt-get install -y --no-install-recommends \\\n(.*?)&&", dockerfile, re.S):
        for package in block.replace("\\", " ").split():
            shown = subprocess.run(["apt-cache", "show", package], capture_output=True, text=True)
            check(shown.returncode == 0 and shown.stdout.strip(), rel + ": no Debian package " + package)

promtool = subprocess.run(["promtool", "check", "config", "--syntax-only",
                           os.path.join(docker, "prometheus", "prometheus.yml")],
                          capture_output=True, text=True)
check(promtool.returncode == 0, "prometheus.yml: " + (promtool.stdout + promtool.stderr).strip())
# Every replica of the node service is scraped: by its DNS name, which answers one per replica.
names = [n for job in load_yaml("prometheus/prometheus.yml")["scrape_configs"]
         for sd in job.get("dns_sd_configs", []) for n in sd["names"] if sd.get("port") == 8080]
check("node" in names, "prometheus.yml: does not scrape the node service's replicas")

datasources = load_yaml("grafana/provisioning/datasources/prometheus.yml")["datasources"]
uids = {d.get("uid") for d in datasources}
providers = load_yaml("grafana/provisioning/dashboards/agora.yml")["providers"]
mounts = [v for v in services.get("grafana", {}).get("volumes", [])]
for p in providers:
    path = p["options"]["path"]
    check(any(v.split(":")[1] == path for v in mounts),
          "grafana: dashboards path %s is not mounted" % path)
with open(os.path.join(docker, "grafana", "dashboards", "agora.json")) as f:
    dashboard = json.load(f)
for panel in dashboard["panels"]:
    for target in panel.get("targets", []):
        uid = target.get("datasource", {}).get("uid")
        check(uid in uids, "agora.json: panel %r uses unknown datasource %r" % (panel["title"], uid))

for p in problems:
    print("docker/: " + p)
print("docker/: %d problem(s)" % len(problems))
sys.exit(1 if problems else 0)
