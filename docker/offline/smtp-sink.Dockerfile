# An SMTP sink from Debian's python3-aiosmtpd (scripts/smtp-sink.py), for machines that cannot
# pull mailpit: port 1025, every accepted mail kept in /mail (NNNNNN.eml as received, NNNNNN.json
# as parsed). No web inbox: read the volume, or `podman exec <container> ls /mail`.
FROM debian:12
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3-aiosmtpd \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
    && useradd --system --no-create-home --shell /usr/sbin/nologin sink \
    && mkdir /mail && chown sink:sink /mail
COPY scripts/smtp-sink.py /usr/local/bin/smtp-sink.py
USER sink
EXPOSE 1025
VOLUME /mail
ENTRYPOINT ["python3", "/usr/local/bin/smtp-sink.py", "--host", "0.0.0.0", "--port", "1025", "--dir", "/mail"]
