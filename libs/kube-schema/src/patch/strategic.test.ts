import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deployment, smpCases } from '../../test/smp-cases.js';
import { pick, shapeLike } from '../../test/canonical.js';
import { strategicMergePatch, supportsStrategicMergePatch, type JsonObject, type JsonValue } from '../index.js';

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' } as const;

function patched(patch: JsonObject, original: JsonObject = deployment): JsonObject {
  const result = strategicMergePatch(original, patch, DEPLOYMENT);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('strategic merge patch of a Deployment', () => {
  it.each(smpCases)('$name', ({ patch, path, expected }) => {
    const actual = pick(patched(patch), path);
    expect(shapeLike(actual, expected)).toEqual(expected);
  });

  it('modifies neither the original nor the patch', () => {
    const original = structuredClone(deployment);
    const patch: JsonObject = { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } };
    const patchCopy = structuredClone(patch);
    patched(patch, original);
    expect(original).toEqual(deployment);
    expect(patch).toEqual(patchCopy);
  });

  it('keeps the key order of the original and appends new keys in patch order', () => {
    const result = patched({ metadata: { annotations: { z: '1' }, labels: { b: '2', a: '1' } } });
    expect(Object.keys(result['metadata'] as JsonObject)).toEqual(['name', 'namespace', 'labels', 'finalizers', 'annotations']);
    expect(Object.keys((result['metadata'] as JsonObject)['labels'] as JsonObject)).toEqual(['app', 'tier', 'b', 'a']);
  });

  it('replaces the whole object with a root $patch: replace', () => {
    expect(patched({ $patch: 'replace', kind: 'Deployment' })).toEqual({ kind: 'Deployment' });
  });

  it('treats a "__proto__" key in a patch as a plain field', () => {
    const patch = JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}') as JsonObject;
    const labels = pick(patched(patch), ['metadata', 'labels']) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(labels, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['a $patch: merge list element', { spec: { template: { spec: { containers: [{ name: 'app', $patch: 'merge' }] } } } }, 'Invalid', 'merging lists cannot yet be specified'],
    ['an unknown directive in a map', { spec: { strategy: { $patch: 'shuffle' } } }, 'BadRequest', 'spec.strategy: unknown patch type "shuffle"'],
    ['a container without its merge key', { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 'Invalid', 'does not contain declared merge key: name'],
    ['a field patched but not retained', { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 2 } } } }, 'BadRequest', 'retainKeys'],
    ['a malformed $setElementOrder key', { spec: { template: { spec: { $setElementOrder: [] } } } }, 'BadRequest', 'setElementOrder list'],
    ['a $setElementOrder that contradicts the patch', { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'sidecar', image: 'x' }] } } } }, 'Invalid', "doesn't match $setElementOrder"],
  ] as const)('rejects %s with %s', (_what, patch, code, message) => {
    const result = strategicMergePatch(deployment, patch as unknown as JsonObject, DEPLOYMENT);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toContain(message);
    }
  });
});

describe('strategic merge patch of kinds without a schema', () => {
  const crontab: JsonObject = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c' }, spec: { hosts: ['a', 'b'], opts: { x: 1, y: 2 } } };
  const type = { group: 'stable.example.com', version: 'v1', kind: 'CronTab' } as const;

  it('merges maps and replaces lists, as a JSON merge patch does', () => {
    const result = strategicMergePatch(crontab, { spec: { hosts: ['c'], opts: { y: null, z: 3 } } }, type);
    expect(result).toEqual({ ok: true, value: { ...crontab, spec: { hosts: ['c'], opts: { x: 1, z: 3 } } } });
  });

  it('is not accepted by the API server for custom resources', () => {
    expect(supportsStrategicMergePatch(type)).toBe(false);
    expect(supportsStrategicMergePatch(DEPLOYMENT)).toBe(true);
  });
});

describe('strategic merge patch properties', () => {
  const json: fc.Arbitrary<JsonValue> = fc.jsonValue() as fc.Arbitrary<JsonValue>;
  const object = fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 6 }) as fc.Arbitrary<JsonObject>;

  it('leaves any object unchanged under an empty patch', () => {
    fc.assert(
      fc.property(object, (o) => {
        const result = strategicMergePatch(o, {}, DEPLOYMENT);
        expect(result).toEqual({ ok: true, value: o });
      }),
    );
  });

  const envPatch = fc.array(
    fc.record({ name: fc.constantFrom('A', 'B', 'C', 'D'), value: fc.string({ maxLength: 3 }) }),
    { maxLength: 4 },
  );
  const labelPatch = fc.dictionary(fc.constantFrom('app', 'tier', 'team', 'zone'), fc.option(fc.string({ maxLength: 3 }), { nil: null }));

  it('is idempotent for env and label patches', () => {
    fc.assert(
      fc.property(envPatch, labelPatch, (env, labels) => {
        const unique = env.filter((e, i) => env.findIndex((f) => f.name === e.name) === i);
        const patch: JsonObject = {
          metadata: { labels },
          spec: { template: { spec: { containers: [{ name: 'app', env: unique }] } } },
        };
        const once = patched(patch);
        expect(patched(patch, once)).toEqual(once);
      }),
    );
  });
});
