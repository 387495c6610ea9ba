// Volume binding: a Pending PVC whose StorageClass exists (or that names none while a default exists) gets a
// provisioned PersistentVolume after a step and turns Bound, with the annotations the PV controller writes.

import type { KubeObject } from '../types/index.js';
import { FAULT_ANNOTATION } from '../faults/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import { record } from './events.js';
import { isTerminating, nameOf, parseTime, rec, spec, status, str } from './meta.js';

const PVC = ref('PersistentVolumeClaim');
const PV = ref('PersistentVolume');
const SC = ref('StorageClass');
export const PROVISIONER = 'sim.flotilla.dev/hostpath';
const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

export function defaultStorageClass(): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { [DEFAULT_CLASS]: 'true' } },
    provisioner: PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

function storageClassFor(ctx: Ctx, pvc: KubeObject): KubeObject | undefined {
  const named = str(spec(pvc).storageClassName);
  if (named !== undefined) return named === '' ? undefined : ctx.port.get(SC, undefined, named);
  return ctx.port.list(SC).find((sc) => sc.metadata.annotations?.[DEFAULT_CLASS] === 'true');
}

function blocked(ctx: Ctx, pvc: KubeObject): boolean {
  return pvc.metadata.annotations?.[FAULT_ANNOTATION] === 'pvc-pending' || ctx.faults.objectFault('PersistentVolumeClaim', pvc.metadata.namespace, nameOf(pvc)) === 'pvc-pending';
}

function reconcileClaim(ctx: Ctx, namespace: string | undefined, name: string): void {
  let pvc = ctx.port.get(PVC, namespace, name);
  if (!pvc || isTerminating(pvc)) return;
  if (str(spec(pvc).volumeName)) {
    if (status(pvc).phase !== 'Bound') bindStatus(ctx, pvc);
    return;
  }
  if (status(pvc).phase !== 'Pending') ctx.port.updateStatus({ ...pvc, status: { phase: 'Pending' } });
  const sc = storageClassFor(ctx, pvc);
  if (!sc || blocked(ctx, pvc)) return;
  const created = parseTime(pvc.metadata.creationTimestamp) ?? ctx.now();
  const due = created + ctx.options.stepMs;
  if (ctx.now() < due) {
    ctx.after(key('PersistentVolumeClaim', namespace, name), due - ctx.now());
    return;
  }
  pvc = ctx.port.get(PVC, namespace, name)!;
  const s = spec(pvc);
  const pvName = `pvc-${pvc.metadata.uid}`;
  const storage = str(rec(rec(s.resources).requests).storage) ?? '1Gi';
  if (!ctx.port.get(PV, undefined, pvName)) {
    const pv = ctx.port.create({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER } },
      spec: {
        accessModes: s.accessModes ?? ['ReadWriteOnce'],
        capacity: { storage },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name, uid: pvc.metadata.uid, resourceVersion: pvc.metadata.resourceVersion },
        hostPath: { path: `/var/lib/flotilla-sim/${pvName}`, type: '' },
        persistentVolumeReclaimPolicy: str(sc.reclaimPolicy) ?? 'Delete',
        storageClassName: nameOf(sc),
        volumeMode: s.volumeMode ?? 'Filesystem',
      },
    });
    ctx.port.updateStatus({ ...pv, status: { phase: 'Bound', lastPhaseTransitionTime: pv.metadata.creationTimestamp } });
  }
  const annotations = {
    ...pvc.metadata.annotations,
    'pv.kubernetes.io/bind-completed': 'yes',
    'pv.kubernetes.io/bound-by-controller': 'yes',
    'volume.beta.kubernetes.io/storage-provisioner': PROVISIONER,
    'volume.kubernetes.io/storage-provisioner': PROVISIONER,
  };
  record(ctx, pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`, `${PROVISIONER}_sim`);
  pvc = ctx.port.update({ ...pvc, metadata: { ...pvc.metadata, annotations }, spec: { ...s, volumeName: pvName, ...(s.storageClassName === undefined ? { storageClassName: nameOf(sc) } : {}) } });
  bindStatus(ctx, pvc);
}

function bindStatus(ctx: Ctx, pvc: KubeObject): void {
  const pv = ctx.port.get(PV, undefined, str(spec(pvc).volumeName) ?? '');
  const pvSpec = pv ? spec(pv) : {};
  ctx.port.updateStatus({ ...pvc, status: { phase: 'Bound', accessModes: pvSpec.accessModes ?? spec(pvc).accessModes, capacity: pvSpec.capacity ?? { storage: '1Gi' } } });
}

/** Provisioned volumes with reclaimPolicy Delete go when their claim goes. */
function reconcileVolume(ctx: Ctx, _namespace: string | undefined, name: string): void {
  const pv = ctx.port.get(PV, undefined, name);
  if (!pv || isTerminating(pv)) return;
  const claim = rec(spec(pv).claimRef);
  const pvc = ctx.port.get(PVC, str(claim.namespace), str(claim.name) ?? '');
  if (pvc && pvc.metadata.uid === claim.uid) return;
  if (spec(pv).persistentVolumeReclaimPolicy === 'Delete') ctx.port.delete(PV, undefined, name);
  else if (status(pv).phase !== 'Released') ctx.port.updateStatus({ ...pv, status: { phase: 'Released' } });
}

export const claimReconciler: Reconciler = {
  kind: 'PersistentVolumeClaim',
  reconcile: reconcileClaim,
  triggers(ctx, _type, obj) {
    // A new or changed StorageClass may let waiting claims bind.
    if (obj.kind !== 'StorageClass') return [];
    return ctx.port.list(PVC).filter((c) => !str(spec(c).volumeName)).map((c) => key('PersistentVolumeClaim', c.metadata.namespace, nameOf(c)));
  },
};

export const volumeReconciler: Reconciler = {
  kind: 'PersistentVolume',
  reconcile: reconcileVolume,
  triggers(_ctx, type, obj) {
    if (obj.kind !== 'PersistentVolumeClaim' || type !== 'DELETED') return [];
    const pvName = str(spec(obj).volumeName);
    return pvName ? [key('PersistentVolume', undefined, pvName)] : [];
  },
};
