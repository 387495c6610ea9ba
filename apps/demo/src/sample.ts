// The demo's sample application (a kustomize base and an overlay, a good commit and a broken one) and its pipeline.

export const regions = ['eu', 'us', 'ap'] as const;
export const stages = ['dev', 'staging', 'prod'] as const;

/** The nine demo clusters: `<stage>-<region>`, labelled env and region; prod's stand-in for "what differs in prod". */
export const demoClusters = stages.flatMap((env) =>
  regions.map((region) => ({
    name: `${env}-${region}`,
    labels: { env, region, ...(env === 'prod' ? { 'sim-fault': 'crash-loop' } : {}) },
  })),
);

const base: Record<string, string> = {
  'deploy/base/kustomization.yaml': `resources:
  - deployment.yaml
  - service.yaml
  - config.yaml
`,
  'deploy/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{ containerPort: 80 }]
          envFrom: [{ configMapRef: { name: web-config } }]
`,
  'deploy/base/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 80 }]
`,
  'deploy/base/config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  GREETING: hello
`,
};

// One overlay for every cluster: the hub sends one path per application, and the agent fills in the per-cluster
// parameters (${stage}, ${cluster.name}, ${cluster.labels.<key>}) after the build.
const overlay = (version: string, extraPatch = ''): Record<string, string> => ({
  'deploy/fleet/kustomization.yaml': `namespace: default
resources:
  - ../base
labels:
  - pairs: { app.kubernetes.io/part-of: shop }
images:
  - name: nginx
    newTag: "${version}"
patches:
  - path: stage.yaml${extraPatch ? '\n  - path: fault.yaml' : ''}
`,
  'deploy/fleet/stage.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  STAGE: \${stage}
  CLUSTER: \${cluster.name}
  REGION: \${cluster.labels.region}
`,
  ...(extraPatch ? { 'deploy/fleet/fault.yaml': extraPatch } : {}),
});

/** The first commit: good everywhere. */
export const goodCommit = { message: 'shop 1.27: base, fleet overlay', files: { ...base, 'README.md': '# shop\n\nSample application of the Flotilla demo.\n', ...overlay('1.27') } };

/**
 * The second commit, broken on purpose: the pod template now carries the simulator's fault annotation, whose value is
 * read from the cluster's `sim-fault` label (`none` where it is unset). Only prod's clusters have that label, so dev and
 * staging stay Healthy and prod's first wave crash-loops (CrashLoopBackOff, Degraded).
 */
export const brokenCommit = {
  message: 'shop 1.28: read the fault knob (breaks prod)',
  files: overlay(
    '1.28',
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      annotations:
        sim.flotilla.dev/fault: "\${cluster.labels.sim-fault:=none}"
`,
  ),
};

export interface DemoTimings {
  /** Bake of every wave, Go-style duration. */
  bake: string;
  progressDeadline: string;
}

/** dev -> staging -> prod, each promoted on by itself; prod in three waves by region; halt on failure. */
export function pipeline(t: DemoTimings) {
  return [
    { name: 'dev', selector: 'env=dev', waves: [{ name: 'all', bake: t.bake, progressDeadline: t.progressDeadline }] },
    { name: 'staging', after: ['dev'], autoPromote: true, selector: 'env=staging', waves: [{ name: 'all', bake: t.bake, progressDeadline: t.progressDeadline }] },
    {
      name: 'prod',
      after: ['staging'],
      autoPromote: true,
      onFailure: 'halt',
      selector: 'env=prod',
      waves: regions.map((r) => ({ name: r, selector: `region=${r}`, maxParallel: '100%', bake: t.bake, progressDeadline: t.progressDeadline })),
    },
  ];
}
