// Which renderer each application gets: the hub names the engine, the agent's own configuration grants the binary.
import { describe, expect, it } from 'vitest';
import { DesiredStateSchema, RenderEngine, create } from '@flotilla/proto';
import { chooseEngine } from '../src/reconcile/engine.js';
import { toSnapshot } from '../src/session/convert.js';
import type { AppRenderEngine } from '../src/state/index.js';

const kustomize = { command: ['kustomize', 'build'], enableHelm: true };

describe('chooseEngine', () => {
  it.each<[AppRenderEngine, typeof kustomize | undefined, unknown]>([
    ['builtin', undefined, { ok: true, engine: { engine: 'builtin' } }],
    ['builtin', kustomize, { ok: true, engine: { engine: 'builtin' } }],
    ['kustomize-binary', kustomize, { ok: true, engine: { engine: 'kustomize-binary', command: ['kustomize', 'build'], enableHelm: true } }],
    ['kustomize-binary', undefined, { ok: false, error: expect.stringMatching(/^app "web" asks for the kustomize-binary render engine, but this agent has no FLOTILLA_KUSTOMIZE_COMMAND/) }],
    ['unknown', kustomize, { ok: false, error: 'app "web" asks for a render engine this agent does not know: upgrade the agent' }],
  ])('%s with kustomize %j', (renderEngine, config, expected) => {
    expect(chooseEngine({ app: 'web', renderEngine }, config)).toEqual(expected);
  });
});

describe('the AppTarget render engine from the wire', () => {
  it.each<[RenderEngine, AppRenderEngine]>([
    [RenderEngine.UNSPECIFIED, 'builtin'],
    [RenderEngine.BUILTIN, 'builtin'],
    [RenderEngine.KUSTOMIZE_BINARY, 'kustomize-binary'],
    [42 as RenderEngine, 'unknown'],
  ])('reads %i as %s', (wire, expected) => {
    const message = create(DesiredStateSchema, { generation: 1n, clusterId: 'c', apps: [{ app: 'web', renderEngine: wire }] });
    expect(toSnapshot(message).snapshot.apps[0]?.renderEngine).toBe(expected);
  });
});
