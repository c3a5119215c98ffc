# Prometheus from Debian's package, for machines that cannot pull prom/prometheus. Same
# paths as the official image: the configuration at /etc/prometheus/prometheus.yml, data in
# /prometheus.
FROM debian:12
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      prometheus \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
    && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
USER prometheus
WORKDIR /prometheus
EXPOSE 9090
VOLUME /prometheus
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
