// How server-side apply merges each list (x-kubernetes-list-type / list-map-keys): atomic, set, or map by keys.
// The simulator asks one function; the default knows the built-in kinds' associative lists.

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

/** `path` names the list by field names from the object root, e.g. ['spec', 'template', 'spec', 'containers']. */
export type ListTypeOf = (group: string, kind: string, path: string[]) => ListType;

const BY_NAME: ListType = { type: 'map', keys: ['name'] };

const KNOWN: Record<string, ListType> = {
  containers: BY_NAME,
  initContainers: BY_NAME,
  ephemeralContainers: BY_NAME,
  env: BY_NAME,
  volumes: BY_NAME,
  imagePullSecrets: BY_NAME,
  volumeMounts: { type: 'map', keys: ['mountPath'] },
  volumeDevices: { type: 'map', keys: ['devicePath'] },
  conditions: { type: 'map', keys: ['type'] },
  finalizers: { type: 'set' },
  ownerReferences: { type: 'map', keys: ['uid'] },
  hostAliases: { type: 'map', keys: ['ip'] },
  topologySpreadConstraints: { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] },
  resourceClaims: BY_NAME,
};

export const defaultListTypes: ListTypeOf = (group, kind, path) => {
  const field = path[path.length - 1] ?? '';
  if (field === 'ports') {
    const inContainer = path.includes('containers') || path.includes('initContainers') || path.includes('ephemeralContainers');
    if (inContainer) return { type: 'map', keys: ['containerPort', 'protocol'] };
    if (group === '' && kind === 'Service') return { type: 'map', keys: ['port', 'protocol'] };
    return { type: 'atomic' };
  }
  if (field === 'finalizers' && path.length === 2 && path[0] === 'spec') return { type: 'atomic' };
  return KNOWN[field] ?? { type: 'atomic' };
};
