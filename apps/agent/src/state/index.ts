// Persistence of the agent's credential and last desired state: a directory out of cluster, Secret/ConfigMap in cluster.
export { FileStateStore } from './file-store.js';
export { KubeStateStore, credentialSecretName, inventoryConfigMapName, inventoryLabel, stateConfigMapName } from './kube-store.js';
export { decodeInventory, decodeState, encodeInventory, encodeState } from './codec.js';
export { emptyState } from './types.js';
export type { AgentState, AppRenderEngine, AppTargetSpec, DesiredSnapshot, StateStore, StoredCredential } from './types.js';
