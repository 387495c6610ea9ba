// The store's public vocabulary: events, filters, options and results (see ./index.ts for the contracts).

import type { Clock } from '../clock/index.js';
import type { LabelSelector } from '@flotilla/kube-schema';
import type { KubeObject, ManagedFieldsEntry, ResourceType } from '../types/index.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  object: KubeObject;
  resourceType: ResourceType;
  /** Numeric form of object.metadata.resourceVersion. */
  resourceVersion: number;
  /** For MODIFIED: the object before this change (lets a filtered watch turn a change into ADDED/DELETED). */
  previous?: KubeObject;
}

export interface WatchFilter {
  group?: string;
  resource?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

export interface WatchOptions {
  /** Replay retained events newer than this resourceVersion first; throws 410 Expired if they are no longer retained. */
  sinceResourceVersion?: string;
}

export interface WriteOptions {
  /** Validate and compute the result, store nothing, bump nothing. */
  dryRun?: boolean;
  /** updateStatus only: the managedFields to record (status writes otherwise keep metadata unchanged). */
  managedFields?: ManagedFieldsEntry[];
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  /** The object as deleted, or with deletionTimestamp set when finalizers keep it. */
  object: KubeObject;
  /** True when the object is gone now; false when finalizers (or foreground dependents) keep it. */
  deleted: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string | LabelSelector;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface StoreSnapshot {
  resourceVersion: number;
  objects: { group: string; resource: string; object: KubeObject }[];
}

export interface StoreOptions {
  clock?: Clock;
  /** How many change events are kept for watches resuming from an older resourceVersion (default 250: thousands of clusters share one process; a real watch cache keeps a few hundred per type). */
  historyLimit?: number;
  /** Skip creating default, kube-system, kube-public and kube-node-lease. */
  noDefaultNamespaces?: boolean;
}
