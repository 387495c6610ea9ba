// Table tests of the per-kind health rules: each fixture is named <kind>-<expected state>[-<variant>].yaml.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { assessHealth, assessSet, worstOf } from '../src/health/index.js';
import type { HealthStatus, LiveObject } from '../src/health/index.js';

const dir = join(import.meta.dirname, 'fixtures', 'health');
const states: Record<string, HealthStatus> = {
  healthy: 'Healthy',
  progressing: 'Progressing',
  degraded: 'Degraded',
  suspended: 'Suspended',
  missing: 'Missing',
  unknown: 'Unknown',
};

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => {
    const [kind, state] = file.replace(/\.yaml$/, '').split('-');
    const expected = states[state ?? ''];
    if (!expected) throw new Error(`fixture ${file}: unknown state ${state}`);
    return { file, kind: kind ?? '', expected, object: parse(readFileSync(join(dir, file), 'utf8')) as LiveObject };
  });

describe('health rules', () => {
  it('has fixtures for every kind with a rule', () => {
    const kinds = new Set(fixtures.map((f) => f.kind));
    for (const kind of ['deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'cronjob', 'pod', 'persistentvolumeclaim', 'service', 'ingress', 'horizontalpodautoscaler', 'namespace', 'apiservice']) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s', (_name, fixture) => {
    expect(fixture.object['kind']?.toString().toLowerCase()).toBe(fixture.kind);
    const result = assessHealth(fixture.object);
    expect(result.status).toBe(fixture.expected);
    expect(result.message).not.toBe('');
  });

  it('names why in the message', () => {
    const byFile = (name: string) => fixtures.find((f) => f.file === name)!.object;
    expect(assessHealth(byFile('deployment-degraded.yaml')).message).toContain('progress deadline');
    expect(assessHealth(byFile('deployment-progressing-updating.yaml')).message).toContain('1 out of 3 new replicas');
    expect(assessHealth(byFile('pod-degraded-crashloop.yaml')).message).toContain('CrashLoopBackOff');
    expect(assessHealth(byFile('job-degraded.yaml')).message).toContain('backoff limit');
    expect(assessHealth(byFile('certificate-degraded.yaml')).message).toContain('issuer "letsencrypt" not found');
    expect(assessHealth(byFile('pod-degraded-oomkilled.yaml')).message).toBe('container web is not ready and last terminated: OOMKilled (exit code 137)');
    expect(assessHealth(byFile('pod-degraded-oomkilled-backoff.yaml')).message).toContain('container web: OOMKilled (CrashLoopBackOff)');
    expect(assessHealth(byFile('pod-degraded-init-crashloop.yaml')).message).toContain('container wait-for-db: CrashLoopBackOff');
    expect(assessHealth(byFile('pod-progressing-unschedulable.yaml')).message).toBe('Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.');
    expect(assessHealth(byFile('pod-degraded-error.yaml')).message).toBe('container migrate failed with exit code 2');
    expect(assessHealth(byFile('horizontalpodautoscaler-degraded-v1.yaml')).message).toContain('FailedGetResourceMetric: the HPA was unable to compute the replica count');
    expect(assessHealth(byFile('apiservice-progressing.yaml')).message).toContain('MissingEndpoints');
  });

  it('reports an absent object as Missing', () => {
    expect(assessHealth(undefined).status).toBe('Missing');
  });

  it('tolerates objects with malformed status fields', () => {
    const odd = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, status: { conditions: 'nope', replicas: 'three' } };
    expect(() => assessHealth(odd)).not.toThrow();
    expect(assessHealth({ kind: 42 }).status).toBe('Healthy');
  });
});

describe('worstOf', () => {
  const r = (status: HealthStatus, label: string) => ({ label, health: { status, message: `${label} is ${status}` } });
  it.each<[HealthStatus[], HealthStatus]>([
    [[], 'Healthy'],
    [['Healthy', 'Healthy'], 'Healthy'],
    [['Healthy', 'Suspended'], 'Suspended'],
    [['Suspended', 'Progressing', 'Healthy'], 'Progressing'],
    [['Progressing', 'Missing'], 'Missing'],
    [['Missing', 'Degraded', 'Progressing'], 'Degraded'],
    [['Degraded', 'Unknown'], 'Unknown'],
  ])('%j -> %s', (statuses, expected) => {
    expect(worstOf(statuses.map((s, i) => r(s, `Deployment/r${i}`))).status).toBe(expected);
  });

  it('names the resource that decided it', () => {
    expect(worstOf([r('Healthy', 'ConfigMap/a'), r('Degraded', 'Deployment/web')]).message).toBe('Deployment/web: Deployment/web is Degraded');
  });
});

describe('workloads judged with their pods', () => {
  const workloadDir = join(dir, 'workloads');
  const sets = readdirSync(workloadDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const [kind, state] = file.replace(/\.yaml$/, '').split('-');
      const objects = parseAllDocuments(readFileSync(join(workloadDir, file), 'utf8')).map((d) => d.toJS() as LiveObject);
      return { file, kind: kind ?? '', expected: states[state ?? '']!, objects };
    });

  it.each(sets.map((s) => [s.file, s] as const))('%s', (_name, set) => {
    expect(set.objects[0]?.['kind']?.toString().toLowerCase()).toBe(set.kind);
    expect(assessSet(set.objects)[0]?.status).toBe(set.expected);
  });

  it('names the pod and the reason at once', () => {
    const first = (file: string) => assessSet(sets.find((s) => s.file === file)!.objects)[0]!.message;
    expect(first('deployment-degraded-crashloop.yaml')).toMatch(/^pod web-new-fghij: container web: CrashLoopBackOff: back-off 40s/);
    expect(first('deployment-degraded-imagepull.yaml')).toContain('pod web-1-abcde: container web: ImagePullBackOff');
    expect(first('statefulset-degraded-unschedulable.yaml')).toBe('pod db-0: Unschedulable: 0/3 nodes are available: 3 Insufficient memory.');
    expect(first('daemonset-degraded-oomkilled.yaml')).toBe('pod agent-x1: container agent: OOMKilled');
  });

  it('without its pods a workload is judged by its own status alone', () => {
    const crashloop = sets.find((s) => s.file === 'deployment-degraded-crashloop.yaml')!.objects[0]!;
    expect(assessHealth(crashloop).status).toBe('Progressing');
  });
});
