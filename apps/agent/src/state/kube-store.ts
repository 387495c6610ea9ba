// State kept in the agent's own namespace (in cluster): the credential in a Secret, the desired state in a ConfigMap,
// and each application's inventory in a ConfigMap of its own (no 1 MiB ceiling for all of them together). An object is
// written only when its content changed.
import { fieldManager } from '../kube/index.js';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { decodeCredential, decodeInventory, decodeState, encodeCredential, encodeInventory, encodeState } from './codec.js';
import { emptyState } from './types.js';
import type { AgentState, StateStore, StoredCredential } from './types.js';

export const credentialSecretName = 'flotilla-agent-credential';
export const stateConfigMapName = 'flotilla-agent-state';
/** Label of the inventory ConfigMaps, with the application's name as its value. */
export const inventoryLabel = 'inventory.flotilla.dev/app';
export const inventoryConfigMapName = (app: string) => `flotilla-inventory-${app}`;

export class KubeStateStore implements StateStore {
  readonly description: string;
  /** ConfigMap name -> the data this store last read or wrote there. */
  private readonly written = new Map<string, string>();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
  ) {
    this.description = `Secret ${namespace}/${credentialSecretName} and ConfigMaps ${namespace}/${stateConfigMapName}, ${namespace}/${inventoryConfigMapName('<app>')}`;
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
    const state = text === undefined ? emptyState() : decodeState(text, `ConfigMap ${this.namespace}/${stateConfigMapName}`);
    if (text !== undefined) this.written.set(stateConfigMapName, text);
    const list = (await this.client.request('GET', `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/configmaps`, { query: { labelSelector: inventoryLabel } })) as { items?: KubeObject[] };
    for (const item of list.items ?? []) {
      const inventoryText = (item['data'] as Record<string, string> | undefined)?.['inventory.json'];
      if (inventoryText === undefined) continue;
      const { app, refs } = decodeInventory(inventoryText, `ConfigMap ${this.namespace}/${item.metadata.name}`);
      state.inventories[app] = refs;
      this.written.set(item.metadata.name, inventoryText);
    }
    return state;
  }

  saveState(state: AgentState): Promise<void> {
    const maps = new Map<string, { text: string; key: string; labels?: Record<string, string> }>([[stateConfigMapName, { text: encodeState(state), key: 'state.json' }]]);
    for (const [app, refs] of Object.entries(state.inventories)) {
      maps.set(inventoryConfigMapName(app), { text: encodeInventory(app, refs), key: 'inventory.json', labels: { [inventoryLabel]: app, 'app.kubernetes.io/managed-by': 'flotilla-agent' } });
    }
    const next = this.writes.then(async () => {
      for (const [name, { text, key, labels }] of maps) {
        if (this.written.get(name) === text) continue;
        await this.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: this.namespace, ...(labels ? { labels } : {}) }, data: { [key]: text } }, fieldManager);
        this.written.set(name, text);
      }
      for (const name of [...this.written.keys()]) {
        if (name === stateConfigMapName || maps.has(name)) continue;
        await this.client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: this.namespace, name });
        this.written.delete(name);
      }
    });
    this.writes = next.catch(() => undefined);
    return next;
  }
}
