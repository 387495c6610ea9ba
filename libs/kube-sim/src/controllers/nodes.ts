// The simulated cluster's Nodes: a few Ready nodes, so pods have somewhere to run and DaemonSets something to cover.

import type { KubeObject } from '../types/index.js';
import type { Ctx } from './runtime.js';
import { ref } from './runtime.js';
import { timestamp } from './meta.js';

export function nodeName(i: number): string {
  return `sim-node-${i}`;
}

function node(i: number): KubeObject {
  const name = nodeName(i);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64' } },
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`], providerID: `sim://${name}` },
  };
}

function nodeStatus(i: number, at: string): Record<string, unknown> {
  const resources = { cpu: '4', memory: '16393216Ki', pods: '110', 'ephemeral-storage': '102400000Ki' };
  const ok = (type: string, reason: string, message: string): Record<string, unknown> => ({ type, status: 'False', lastHeartbeatTime: at, lastTransitionTime: at, reason, message });
  return {
    addresses: [{ type: 'InternalIP', address: `172.18.0.${i + 1}` }, { type: 'Hostname', address: nodeName(i) }],
    allocatable: resources,
    capacity: resources,
    conditions: [
      ok('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      ok('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      ok('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      { type: 'Ready', status: 'True', lastHeartbeatTime: at, lastTransitionTime: at, reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      architecture: 'amd64',
      bootID: '',
      containerRuntimeVersion: 'containerd://1.7.24',
      kernelVersion: '6.1.0-sim',
      kubeProxyVersion: 'v1.29.0',
      kubeletVersion: 'v1.29.0',
      machineID: '',
      operatingSystem: 'linux',
      osImage: 'Flotilla simulated node',
      systemUUID: '',
    },
  };
}

/** Creates nodes sim-node-1..n that do not exist yet. */
export function ensureNodes(ctx: Ctx, count: number): void {
  const at = timestamp(ctx.now());
  for (let i = 1; i <= count; i++) {
    if (ctx.port.get(ref('Node'), undefined, nodeName(i))) continue;
    // One write when the store keeps status on create (one version in the watch history), two when it drops it.
    const created = ctx.port.create({ ...node(i), status: nodeStatus(i, at) });
    if (!created.status) ctx.port.updateStatus({ ...created, status: nodeStatus(i, at) });
  }
}
