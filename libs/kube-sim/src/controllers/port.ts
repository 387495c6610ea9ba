// The controllers' view of a cluster's ObjectStore: typed by kind, lists as arrays, events as (type, object).

import type { ObjectStore } from '../store/index.js';
import type { KubeObject } from '../types/index.js';
import { parseApiVersion } from '../types/index.js';

export interface KindRef {
  apiVersion: string;
  kind: string;
}

export type PortEvent = (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject) => void;

function typeRef(r: KindRef): { group: string; kind: string } {
  return { group: parseApiVersion(r.apiVersion).group, kind: r.kind };
}

export class ObjectPort {
  constructor(readonly store: ObjectStore) {}

  list(r: KindRef, namespace?: string): KubeObject[] {
    return this.store.list(typeRef(r), namespace ? { namespace } : {}).items;
  }

  get(r: KindRef, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(typeRef(r), namespace, name);
  }

  create(obj: KubeObject): KubeObject {
    return this.store.create(typeRef(obj), obj);
  }

  /** Metadata and spec; the stored status is kept. */
  update(obj: KubeObject): KubeObject {
    return this.store.update(typeRef(obj), obj);
  }

  updateStatus(obj: KubeObject): KubeObject {
    return this.store.updateStatus(typeRef(obj), obj);
  }

  delete(r: KindRef, namespace: string | undefined, name: string): void {
    if (this.get(r, namespace, name)) this.store.delete(typeRef(r), namespace, name);
  }

  subscribe(fn: PortEvent): () => void {
    return this.store.watch({}, (e) => fn(e.type, e.object));
  }
}
