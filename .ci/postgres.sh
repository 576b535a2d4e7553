# A throwaway PostgreSQL 15 cluster for the test suite; sourced by .ci/run.
#
# start_postgres: initdb (as the postgres user: initdb refuses root) in a new temporary folder,
# start the server listening on a Unix socket in that folder only (no TCP port, so nothing
# else on the machine can clash with it), create the database saylau, and export
# SAYLAU_TEST_POSTGRES_URL for the tests. stop_postgres: stop it and remove the folder.
# fsync is off: the cluster is thrown away, and the tests check logic, not durability.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_DIR=""

pg_as_postgres() {
    # From / so that the postgres user never starts in a folder it may not enter.
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

start_postgres() {
    if [ ! -x "$PG_BIN/initdb" ]; then
        echo "== PostgreSQL 15 is not installed; installing it (Debian's postgresql-15)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
    fi
    PG_DIR="$(mktemp -d /tmp/saylau-pg.XXXXXX)"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$PG_DIR"
    fi
    chmod 700 "$PG_DIR"
    pg_as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log"; return 1; }
    pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $PG_DIR -c fsync=off -c max_connections=100" start >/dev/null \
        || { cat "$PG_DIR/server.log"; return 1; }
    pg_as_postgres "$PG_BIN/createdb" -h "$PG_DIR" -U postgres saylau
    export SAYLAU_TEST_POSTGRES_URL="postgresql+psycopg://postgres@/saylau?host=$PG_DIR"
    echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') is up on the socket in $PG_DIR"
}

stop_postgres() {
    if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
        pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
        echo "== PostgreSQL stopped"
    fi
}
