// State kept in the agent's own namespace (in cluster): the credential in a Secret, the rest in a ConfigMap.
import { fieldManager } from '../kube/index.js';
import type { KubeClient } from '../kube/index.js';
import { decodeCredential, decodeState, encodeCredential, encodeState } from './codec.js';
import { emptyState } from './types.js';
import type { AgentState, StateStore, StoredCredential } from './types.js';

export const credentialSecretName = 'flotilla-agent-credential';
export const stateConfigMapName = 'flotilla-agent-state';

export class KubeStateStore implements StateStore {
  readonly description: string;

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
  ) {
    this.description = `Secret ${namespace}/${credentialSecretName} and ConfigMap ${namespace}/${stateConfigMapName}`;
  }

  async loadCredential(): Promise<StoredCredential | undefined> {
    const secret = await this.client.get({ apiVersion: 'v1', kind: 'Secret', namespace: this.namespace, name: credentialSecretName });
    const data = (secret?.['data'] as Record<string, string> | undefined)?.['credential.json'];
    if (data === undefined) return undefined;
    return decodeCredential(Buffer.from(data, 'base64').toString('utf8'), this.description);
  }

  async saveCredential(credential: StoredCredential): Promise<void> {
    await this.client.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: credentialSecretName, namespace: this.namespace },
        type: 'Opaque',
        data: { 'credential.json': Buffer.from(encodeCredential(credential)).toString('base64') },
      },
      fieldManager,
    );
  }

  async loadState(): Promise<AgentState> {
    const map = await this.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: this.namespace, name: stateConfigMapName });
    const text = (map?.['data'] as Record<string, string> | undefined)?.['state.json'];
    return text === undefined ? emptyState() : decodeState(text, `ConfigMap ${this.namespace}/${stateConfigMapName}`);
  }

  async saveState(state: AgentState): Promise<void> {
    await this.client.apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: stateConfigMapName, namespace: this.namespace }, data: { 'state.json': encodeState(state) } },
      fieldManager,
    );
  }
}
