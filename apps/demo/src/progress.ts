// Pure views of a promotion (GET /api/v1/promotions/{id}) for the demo: one progress line, and the story's verdicts.

export interface PromotionView {
  id: string;
  state: string;
  message: string;
  stages: { stage: string; state: string; waves: { name: string; state: string; healthy: number; total: number }[] }[];
  targets: { cluster: string; stage: string; wave: string; phase: string }[];
}

/** `dev: Succeeded | staging/all: 2/3 healthy | prod: Pending`: each stage, and the wave it is in while it runs. */
export function progressLine(p: PromotionView): string {
  const parts = p.stages.map((s) => {
    if (s.state !== 'Progressing') return `${s.stage}: ${s.state}`;
    const wave = s.waves.find((w) => w.state !== 'Succeeded') ?? s.waves[s.waves.length - 1];
    if (!wave) return `${s.stage}: ${s.state}`;
    const index = s.waves.indexOf(wave) + 1;
    return `${s.stage} wave ${index}/${s.waves.length} (${wave.name}): ${wave.healthy}/${wave.total} healthy, ${wave.state}`;
  });
  return `${p.state.padEnd(11)} ${parts.join(' | ')}`;
}

export const finished = (p: PromotionView): boolean => !['Pending', 'Progressing'].includes(p.state);

/** Why the good commit's promotion is not the story's (Succeeded in every stage and wave), or undefined. */
export function goodVerdict(p: PromotionView): string | undefined {
  if (p.state !== 'Succeeded') return `the good commit ended ${p.state}: ${p.message}`;
  const notDone = p.stages.flatMap((s) => s.waves.filter((w) => w.state !== 'Succeeded' || w.healthy !== w.total).map((w) => `${s.stage}/${w.name}`));
  return notDone.length > 0 ? `the good commit did not succeed in ${notDone.join(', ')}` : undefined;
}

/** Why the broken commit's promotion is not the story's (halted in prod's first wave, later waves untouched), or undefined. */
export function brokenVerdict(p: PromotionView): string | undefined {
  if (p.state !== 'Failed') return `the broken commit ended ${p.state}, not Failed: ${p.message}`;
  const prod = p.stages.find((s) => s.stage === 'prod');
  if (!prod) return 'the broken commit never reached prod';
  const [first, ...later] = prod.waves;
  if (first?.state !== 'Failed') return `prod's first wave is ${first?.state ?? 'missing'}, not Failed`;
  const touched = later.filter((w) => w.state !== 'Pending').map((w) => `${w.name} (${w.state})`);
  if (touched.length > 0) return `prod's later waves were touched: ${touched.join(', ')}`;
  const started = p.targets.filter((t) => t.stage === 'prod' && t.wave !== first.name && t.phase !== 'Pending').map((t) => t.cluster);
  return started.length > 0 ? `clusters of prod's later waves received the broken commit: ${started.join(', ')}` : undefined;
}
