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
for name in ("postgres", "mail", "node-a", "node-b", "prometheus", "grafana"):
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
for name in ("node-a", "node-b"):
    env = services.get(name, {}).get("environment", {})
    for key in ("AGORA_DATABASE_URL", "AGORA_SMTP_URL", "AGORA_ROLES", "AGORA_SEEDS"):
        check(key in env, "compose.yaml: %s lacks %s" % (name, key))

# Every AGORA_* variable the compose file sets must be an option agora knows.
agora = os.environ.get("AGORA_BINARY", os.path.join(root, "build", "runtime", "agora"))
if os.path.exists(agora):
    known = set(re.findall(r"env (AGORA_[A-Z_]+)", subprocess.run(
        [agora, "--help"], capture_output=True, text=True).stdout))
    for name, svc in services.items():
        for key in svc.get("environment", {}) or {}:
            if key.startswith("AGORA_"):
                check(key in known, "compose.yaml: %s sets unknown %s" % (name, key))

# The Dockerfile's runtime packages exist in Debian 12 under these names.
with open(os.path.join(docker, "Dockerfile")) as f:
    dockerfile = f.read()
for block in re.findall(r"apt-get install -y --no-install-recommends \\\n(.*?)&&", dockerfile, re.S):
    for package in block.replace("\\", " ").split():
        shown = subprocess.run(["apt-cache", "show", package], capture_output=True, text=True)
        check(shown.returncode == 0 and shown.stdout.strip(), "Dockerfile: no Debian package " + package)

promtool = subprocess.run(["promtool", "check", "config", "--syntax-only",
                           os.path.join(docker, "prometheus", "prometheus.yml")],
                          capture_output=True, text=True)
check(promtool.returncode == 0, "prometheus.yml: " + (promtool.stdout + promtool.stderr).strip())
targets = [t for job in load_yaml("prometheus/prometheus.yml")["scrape_configs"]
           for sc in job.get("static_configs", []) for t in sc["targets"]]
for name in ("node-a", "node-b"):
    check(name + ":8080" in targets, "prometheus.yml: does not scrape " + name)

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
