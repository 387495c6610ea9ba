// Which renderer an application gets on this cluster. The hub names the engine; whether an external binary may run on
// repository content is the cluster admin's grant (FLOTILLA_KUSTOMIZE_COMMAND), never the hub's.
import type { RenderEngine } from '@flotilla/render';
import type { KustomizeBinaryConfig } from '../config/index.js';
import type { AppTargetSpec } from '../state/index.js';

export type EngineChoice = { ok: true; engine: RenderEngine } | { ok: false; error: string };

export function chooseEngine(target: Pick<AppTargetSpec, 'app' | 'renderEngine'>, kustomize: KustomizeBinaryConfig | undefined): EngineChoice {
  switch (target.renderEngine) {
    case 'builtin':
      return { ok: true, engine: { engine: 'builtin' } };
    case 'kustomize-binary':
      if (kustomize === undefined) {
        return {
          ok: false,
          error:
            `app "${target.app}" asks for the kustomize-binary render engine, but this agent has no FLOTILLA_KUSTOMIZE_COMMAND ` +
            '(--kustomize-command): the cluster admin must set it (Helm value render.kustomizeCommand) to allow an external kustomize',
        };
      }
      return { ok: true, engine: { engine: 'kustomize-binary', command: kustomize.command, enableHelm: kustomize.enableHelm } };
    case 'unknown':
      return { ok: false, error: `app "${target.app}" asks for a render engine this agent does not know: upgrade the agent` };
  }
}
