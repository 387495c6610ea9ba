// `flotilla-hub --help` and `--version`: the hub is configured by environment variables only, so help lists them.
export const hubVersion = '0.1.0';

export const hubUsage = `Usage: flotilla-hub                 run the hub (configured by environment variables)
       flotilla-hub --help | --version

Environment:
  DATABASE_URL                    PostgreSQL (postgres://user@host:5432/db); unset: embedded PGlite in FLOTILLA_DATA_DIR
  FLOTILLA_DATA_DIR               PGlite data and the hub's CA (default ./.flotilla/data)
  FLOTILLA_HOST                   interface for both ports (default 0.0.0.0)
  FLOTILLA_HTTP_PORT              REST port (default 8080)
  FLOTILLA_GRPC_PORT              gRPC port (default 9090)
  FLOTILLA_TLS_CERT_FILE          your own serving certificate (with FLOTILLA_TLS_KEY_FILE, FLOTILLA_TLS_CA_FILE)
  FLOTILLA_TLS_HOSTS              extra DNS names / IPs for the hub's own serving certificate, comma-separated
  FLOTILLA_INSECURE               true: plaintext (loopback demos and tests only)
  FLOTILLA_LOG_LEVEL              fatal, error, warn, info (default), debug, trace, silent
`;
