import { describe, expect, it } from 'vitest';
import { builtinDefinitions, builtinGroups, builtinResources, findByKind, findByResource } from './index.js';

describe('built-in resource catalog', () => {
  it.each([
    ['v1', 'ConfigMap', 'configmaps', true, ['cm']],
    ['v1', 'Namespace', 'namespaces', false, ['ns']],
    ['v1', 'Service', 'services', true, ['svc']],
    ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc']],
    ['v1', 'Node', 'nodes', false, ['no']],
    ['apps/v1', 'Deployment', 'deployments', true, ['deploy']],
    ['apps/v1', 'StatefulSet', 'statefulsets', true, ['sts']],
    ['batch/v1', 'CronJob', 'cronjobs', true, ['cj']],
    ['networking.k8s.io/v1', 'Ingress', 'ingresses', true, ['ing']],
    ['networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false, []],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa']],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false, []],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds']],
    ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb']],
    ['storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, ['sc']],
    ['coordination.k8s.io/v1', 'Lease', 'leases', true, []],
    ['v1', 'PodTemplate', 'podtemplates', true, []],
    ['discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true, []],
    ['scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false, ['pc']],
    ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, []],
  ] as const)('%s %s is served as %s (namespaced: %s, short names %j)', (apiVersion, kind, plural, namespaced, shortNames) => {
    const r = findByKind(apiVersion, kind);
    expect(r).toBeDefined();
    expect(r?.plural).toBe(plural);
    expect(r?.singular).toBe(kind.toLowerCase());
    expect(r?.namespaced).toBe(namespaced);
    expect(r?.shortNames).toEqual(shortNames);
    expect(findByResource(r!.group, r!.version, plural)).toBe(r);
  });

  it('lists the verbs and subresources a real API server reports for deployments', () => {
    const deployments = findByResource('apps', 'v1', 'deployments')!;
    expect(deployments.verbs).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(deployments.categories).toEqual(['all']);
    expect(deployments.subresources.map((s) => s.name)).toEqual(['scale', 'status']);
    const scale = deployments.subresources[0]!;
    expect(scale).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    expect(scale.scale).toEqual({ specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' });
  });

  it('knows that namespaces cannot be deleted as a collection and have a finalize subresource', () => {
    const ns = findByResource('', 'v1', 'namespaces')!;
    expect(ns.verbs).not.toContain('deletecollection');
    expect(ns.subresources.map((s) => s.name)).toEqual(['finalize', 'status']);
  });

  it('reports pod subresources with their option kinds, as discovery does', () => {
    const pods = findByResource('', 'v1', 'pods')!;
    const sub = Object.fromEntries(pods.subresources.map((s) => [s.name, s]));
    expect(sub['log']).toMatchObject({ kind: 'Pod', verbs: ['get'] });
    expect(sub['exec']).toMatchObject({ kind: 'PodExecOptions', verbs: ['create', 'get'] });
    expect(sub['eviction']).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  });

  it('serves the self-subject reviews kubectl auth can-i posts as create-only, and CRDs in the api-extensions category', () => {
    for (const plural of ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']) {
      expect(findByResource('authorization.k8s.io', 'v1', plural)?.verbs).toEqual(['create']);
    }
    expect(findByResource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')?.categories).toEqual(['api-extensions']);
  });

  it('puts only workload kinds in the "all" category', () => {
    const all = builtinResources().filter((r) => r.categories.includes('all')).map((r) => `${r.group}/${r.version}/${r.plural}`);
    expect(all).toContain('/v1/pods');
    expect(all).toContain('batch/v1/jobs');
    expect(all).not.toContain('/v1/configmaps');
    expect(all).not.toContain('/v1/secrets');
  });

  it('does not serve kinds outside the catalog', () => {
    expect(findByKind('v1', 'Deployment')).toBeUndefined();
    expect(findByKind('example.com/v1', 'Widget')).toBeUndefined();
    expect(findByResource('apps', 'v1beta1', 'deployments')).toBeUndefined();
  });

  it('serves autoscaling v2 as the preferred version ahead of v1', () => {
    const autoscaling = builtinGroups().find((g) => g.group === 'autoscaling');
    expect(autoscaling).toEqual({ group: 'autoscaling', preferredVersion: 'v2', versions: ['v2', 'v1'] });
    expect(builtinGroups()[0]).toEqual({ group: '', preferredVersion: 'v1', versions: ['v1'] });
  });

  it('has a definition, with its merge keys, for every served kind', () => {
    const defs = builtinDefinitions();
    for (const r of builtinResources()) expect(defs[r.definition], r.definition).toBeDefined();
    const containers = (defs['io.k8s.api.core.v1.PodSpec']!['properties'] as Record<string, Record<string, unknown>>)['containers'];
    expect(containers).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
  });
});
