// Health of Services, Ingresses and PersistentVolumeClaims: objects that wait on an external provisioner.
import { list, str } from './fields.js';
import type { HealthResult, LiveObject } from './types.js';

export function serviceHealth(object: LiveObject): HealthResult {
  if (str(object, 'spec', 'type') !== 'LoadBalancer') return { status: 'Healthy', message: 'Service exists' };
  const ingress = list(object, 'status', 'loadBalancer', 'ingress');
  if (ingress.length > 0) {
    const addresses = ingress.map((i) => str(i, 'ip') ?? str(i, 'hostname') ?? '?').join(', ');
    return { status: 'Healthy', message: `load balancer at ${addresses}` };
  }
  return { status: 'Progressing', message: 'Waiting for the load balancer to be provisioned' };
}

export function ingressHealth(object: LiveObject): HealthResult {
  const ingress = list(object, 'status', 'loadBalancer', 'ingress');
  if (ingress.length > 0) return { status: 'Healthy', message: 'Ingress has an address' };
  return { status: 'Progressing', message: 'Waiting for the ingress controller to assign an address' };
}

export function persistentVolumeClaimHealth(object: LiveObject): HealthResult {
  const phase = str(object, 'status', 'phase');
  switch (phase) {
    case 'Bound':
      return { status: 'Healthy', message: 'claim is bound' };
    case 'Pending':
      return { status: 'Progressing', message: 'claim is pending' };
    case 'Lost':
      return { status: 'Degraded', message: 'claim lost its volume' };
    default:
      return { status: 'Unknown', message: phase === undefined ? 'claim has no phase yet' : `claim phase ${phase}` };
  }
}
