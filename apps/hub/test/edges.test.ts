import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../src/config/index.js';
import { FlotillaError, errorCodes, flotillaCodeOf, grpcErrorOf, grpcStatusOf, httpStatusOf } from '../src/errors/index.js';
import { createLogger } from '../src/observability/index.js';

describe('error mapping', () => {
  it.each([
    ['InvalidArgument', 400, status.INVALID_ARGUMENT],
    ['Unauthenticated', 401, status.UNAUTHENTICATED],
    ['PermissionDenied', 403, status.PERMISSION_DENIED],
    ['NotFound', 404, status.NOT_FOUND],
    ['Conflict', 409, status.ALREADY_EXISTS],
    ['FailedPrecondition', 412, status.FAILED_PRECONDITION],
    ['ResourceExhausted', 429, status.RESOURCE_EXHAUSTED],
    ['Unavailable', 503, status.UNAVAILABLE],
    ['Internal', 500, status.INTERNAL],
  ] as const)('maps %s to HTTP %i and gRPC %i', (code, http, grpc) => {
    expect(httpStatusOf(code)).toBe(http);
    expect(grpcStatusOf(code)).toBe(grpc);
  });

  it.each(errorCodes.map((code) => [code]))('maps %s to a real HTTP and gRPC status', (code) => {
    expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
    expect(Object.values(status)).toContain(grpcStatusOf(code));
    expect(grpcStatusOf(code)).not.toBe(status.OK);
  });

  it('hides the message of an unexpected error behind Internal and round-trips the code in gRPC metadata', () => {
    const hidden = grpcErrorOf(new Error('password=hunter2 leaked from a driver'));
    expect([hidden.code, hidden.details]).toEqual([status.INTERNAL, 'internal error']);
    const known = grpcErrorOf(new FlotillaError('Conflict', 'cluster "eu-1" is already registered'));
    expect(flotillaCodeOf(known.metadata)).toBe('Conflict');
  });
});

describe('logger', () => {
  it('censors secrets and authorization headers', () => {
    let out = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ destination });
    logger.info({ secret: 'flt_api_s3cr3t', req: { headers: { authorization: 'Bearer flt_api_h3ad3r' } }, tokenId: 'abc' }, 'created');
    expect(out).not.toMatch(/s3cr3t|h3ad3r/);
    expect(out).toContain('"tokenId":"abc"');
  });
});

describe('configFromEnv', () => {
  it('defaults to ports 8080/9090, ./.flotilla/data, all interfaces and a self-signed CA', () => {
    const config = configFromEnv({});
    expect(config).toMatchObject({ httpPort: 8080, grpcPort: 9090, host: '0.0.0.0', tls: 'self-signed', logLevel: 'info', insecure: false });
    expect(config.dataDir).toMatch(/\.flotilla\/data$/);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('serves plaintext only when FLOTILLA_INSECURE=true', () => {
    expect(configFromEnv({ FLOTILLA_INSECURE: 'true' }).tls).toBe(false);
  });

  it.each([
    [{ FLOTILLA_HTTP_PORT: 'http' }, 'FLOTILLA_HTTP_PORT: "http" is not a port number (0-65535)'],
    [{ FLOTILLA_GRPC_PORT: '70000' }, 'FLOTILLA_GRPC_PORT: "70000" is not a port number (0-65535)'],
    [{ FLOTILLA_TLS_CERT_FILE: '/x.crt' }, 'FLOTILLA_TLS_CERT_FILE and FLOTILLA_TLS_KEY_FILE must be set together'],
    [{ FLOTILLA_TLS_CERT_FILE: '/nope.crt', FLOTILLA_TLS_KEY_FILE: '/nope.key' }, 'FLOTILLA_TLS_CERT_FILE: cannot read /nope.crt'],
    [{ FLOTILLA_INSECURE: 'yes' }, 'FLOTILLA_INSECURE: "yes" is not true or false'],
    [{ FLOTILLA_LOG_LEVEL: 'loud' }, 'FLOTILLA_LOG_LEVEL: "loud" is not one of'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => configFromEnv(env)).toThrow(ConfigError);
    expect(() => configFromEnv(env)).toThrow(message);
  });
});
