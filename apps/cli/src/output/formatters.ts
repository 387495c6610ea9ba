// Human forms of the hub's replies: one table per resource, `describe promotion`, the preview and the history.
import { age, cell, short, table } from './print.js';
import type { ApiToken, Application, Cluster, History, Preview, Promotion, PromotionEvent, RegistrationToken } from './views.js';

export function applications(list: Application[], now: Date): string {
  return table(
    ['NAME', 'REVISION', 'STAGES', 'RELEASES', 'REPO', 'PATH', 'AGE'],
    list.map((a) => [
      a.name,
      String(a.revision),
      cell(a.pipeline.map((s) => s.name)),
      cell(Object.fromEntries(Object.entries(a.releases).filter(([, c]) => c).map(([s, c]) => [s, short(c)]))),
      a.repoUrl,
      a.path,
      age(a.createdAt, now),
    ]),
  );
}

export function clusters(list: Cluster[], now: Date): string {
  return table(
    ['NAME', 'CONNECTED', 'LAST SEEN', 'GENERATION', 'AGENT', 'LABELS', 'APPS'],
    list.map((c) => [
      c.name + (c.revoked ? ' (revoked)' : ''),
      c.connected ? 'yes' : 'no',
      c.lastSeen ? `${age(c.lastSeen, now)} ago` : 'never',
      String(c.generation),
      c.agentVersion || '<none>',
      cell(c.labels),
      cell(c.apps.map((s) => `${s.app}:${s.sync}/${s.health}@${short(s.observedCommit)}`)),
    ]),
  );
}

export function promotions(list: Promotion[], now: Date): string {
  return table(
    ['ID', 'APP', 'COMMIT', 'STAGE', 'STATE', 'AGE', 'MESSAGE'],
    list.map((p) => [p.id, p.app, short(p.commit) + (p.ref ? ` (${p.ref})` : ''), p.stage, p.state, age(p.createdAt, now), p.message]),
  );
}

const where = (e: { stage: string; wave: string; cluster: string }) => [e.stage, e.wave, e.cluster].filter((x) => x).join('/') || '-';

export function events(list: PromotionEvent[]): string {
  return table(
    ['SEQ', 'AT', 'TYPE', 'WHERE', 'REASON'],
    list.map((e) => [String(e.seq), e.at, e.type, where(e), e.reason]),
    '  ',
  );
}

/** One line per streamed event, as `flotilla events` prints it. */
export function eventLine(e: { seq?: unknown; at?: unknown; app?: unknown; promotion?: unknown; stage?: unknown; wave?: unknown; cluster?: unknown; type?: unknown; reason?: unknown }): string {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const place = where({ stage: str(e.stage), wave: str(e.wave), cluster: str(e.cluster) });
  return `${str(e.at)}  ${str(e.app) || '-'}  ${str(e.promotion).slice(0, 8) || '-'}  ${str(e.type)}  ${place}  ${str(e.reason)}\n`;
}

export function describePromotion(p: Promotion, recent = 20): string {
  const fields: [string, string][] = [
    ['Promotion', p.id],
    ['Application', `${p.app} (revision ${p.revision})`],
    ['Commit', p.commit + (p.ref ? ` (${p.ref})` : '')],
    ['Stage', p.stage + (p.forced ? ' (forced)' : '')],
    ['State', p.state],
    ['Message', p.message],
    ['Created', `${p.createdAt} by ${p.createdBy}`],
    ['Updated', p.updatedAt],
  ];
  const width = Math.max(...fields.map(([k]) => k.length)) + 2;
  let out = fields.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}\n`).join('');
  out += '\nStages:\n';
  const waveRows = p.stages.flatMap((s) =>
    s.waves.map((w, i) => [i === 0 ? s.stage : '', i === 0 ? s.state : '', w.name, w.state, `${w.healthy}/${w.total}`, w.approval ? `approved by ${w.approval.by}` : i === 0 && s.approval ? `stage approved by ${s.approval.by}` : ''])
      .concat(s.waves.length === 0 ? [[s.stage, s.state, '-', '-', '0/0', '']] : []),
  );
  out += table(['STAGE', 'STATE', 'WAVE', 'WAVE STATE', 'HEALTHY', 'GATE'], waveRows, '  ') || '  <none>\n';
  out += '\nClusters:\n';
  out +=
    table(
      ['CLUSTER', 'STAGE', 'WAVE', 'PHASE', 'PREVIOUS', 'NOTE'],
      p.targets.map((t) => [t.cluster, t.stage, t.wave, t.phase + (t.revert ? ` (revert ${t.revert.phase})` : ''), short(t.previousCommit) || '<none>', t.revert?.note || t.note]),
      '  ',
    ) || '  <none>\n';
  const shown = p.events.slice(-recent);
  out += `\nEvents${p.events.length > shown.length ? ` (last ${shown.length} of ${p.events.length})` : ''}:\n`;
  out += events(shown) || '  <none>\n';
  return out;
}

/** The live progress line of `promote --wait`: state, the stage and wave in flight, and its clusters healthy/total. */
export function progressLine(p: Promotion): string {
  const stage = p.stages.find((s) => s.state !== 'Succeeded') ?? p.stages.at(-1);
  if (!stage) return `${p.state}: ${p.message}`;
  const index = p.stages.indexOf(stage) + 1;
  const wave = stage.waves.find((w) => w.state !== 'Succeeded') ?? stage.waves.at(-1);
  const waveIndex = wave ? stage.waves.indexOf(wave) + 1 : 0;
  const waveText = wave ? `  wave ${wave.name} (${waveIndex}/${stage.waves.length})  clusters ${wave.healthy}/${wave.total} healthy` : '';
  const hint = p.state === 'WaitingApproval' ? `  (answer with: flotilla approve|reject ${p.id})` : '';
  return `${p.state}  stage ${stage.stage} (${index}/${p.stages.length})${waveText}  ${p.message}${hint}`;
}

export function preview(p: Preview, app: string): string {
  let out = `Preview: ${app} ${short(p.commit)} into ${p.stage}\n`;
  if (p.blockedBy.length > 0) out += `Blocked by: ${p.blockedBy.join(', ')} (not succeeded with this commit; promoting needs --force)\n`;
  out += '\n';
  const rows = p.stages.flatMap((s) =>
    s.waves.map((w, i) => [
      i === 0 ? s.stage + (s.auto ? ' (auto)' : '') : '',
      w.name + (w.implicit ? ' (implicit)' : ''),
      [i === 0 && s.approval ? 'stage approval' : '', w.approval ? 'approval' : ''].filter((x) => x).join(', ') || '-',
      String(w.maxParallel),
      w.bake,
      w.batches.length === 0 ? '<no clusters>' : w.batches.map((b) => b.join(',')).join(' -> '),
      w.unchanged.length === 0 ? '' : w.unchanged.join(','),
    ]),
  );
  out += table(['STAGE', 'WAVE', 'GATE', 'MAX PARALLEL', 'BAKE', 'ORDER (BATCHES)', 'UNCHANGED'], rows);
  out += `\nShortest time: ${duration(p.minimumMs)}${p.approvals > 0 ? `, plus ${p.approvals} approval${p.approvals === 1 ? '' : 's'}` : ''}\n`;
  return out;
}

/** Milliseconds as a Go-style duration, the form pipelines use: 21m, 1h30m, 45s. */
export function duration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let left = Math.round(ms / 1000);
  for (const [unit, size] of [['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (left >= size) parts.push(`${Math.floor(left / size)}${unit}`);
    left %= size;
  }
  return parts.join('') || `${ms}ms`;
}

export function history(h: History): string {
  const rows = Object.entries(h).flatMap(([stage, list]) => list.map((r, i) => [i === 0 ? stage : '', short(r.commit), r.kind, String(r.revision), r.promotionId ?? '<none>', r.at]));
  return table(['STAGE', 'COMMIT', 'KIND', 'REVISION', 'PROMOTION', 'AT'], rows) || 'No releases yet.\n';
}

export function registrationTokens(list: RegistrationToken[]): string {
  return table(
    ['ID', 'DESCRIPTION', 'USES', 'EXPIRES', 'REVOKED'],
    list.map((t) => [t.id, t.description || '<none>', `${t.uses}/${t.maxUses === 0 ? 'unlimited' : t.maxUses}`, t.expiresAt, t.revoked ? 'yes' : 'no']),
  );
}

export function apiTokens(list: ApiToken[]): string {
  return table(
    ['ID', 'NAME', 'ROLE', 'EXPIRES', 'REVOKED'],
    list.map((t) => [t.id, t.name, t.role, t.expiresAt ?? 'never', t.revoked ? 'yes' : 'no']),
  );
}
