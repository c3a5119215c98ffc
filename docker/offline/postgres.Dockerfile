# PostgreSQL 15 from Debian's package, for machines that cannot pull postgres:15 (see
# compose.offline.yaml). Same contract as the official image where compose uses it:
# POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB on first start, data in
# /var/lib/postgresql/data (the same named volume works with either image), pg_isready.
FROM debian:12
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      postgresql-15 \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY docker/offline/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
