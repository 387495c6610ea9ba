// JSON encoding of the stored state, validated on the way back in: a damaged file is an error naming where, never a crash.
import { AgentError } from '../errors.js';
import { appRenderEngines } from './types.js';
import type { AgentState, AppRenderEngine, AppTargetSpec, DesiredSnapshot, StoredCredential } from './types.js';
import type { CustomHealthRule } from '../health/index.js';
import type { ObjectRef } from '../kube/index.js';

type Json = Record<string, unknown>;

function fail(where: string, message: string): never {
  throw new AgentError('FailedPrecondition', `${where}: ${message}`);
}
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
function string(v: unknown, where: string): string {
  if (typeof v !== 'string') fail(where, 'expected a string');
  return v;
}
function stringMap(v: unknown, where: string): Record<string, string> {
  if (!isObject(v)) fail(where, 'expected an object');
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, string(x, `${where}.${k}`)]));
}
function boolean(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') fail(where, 'expected true or false');
  return v;
}
function bigint(v: unknown, where: string): bigint {
  if (typeof v !== 'string' || !/^\d+$/.test(v)) fail(where, 'expected a decimal integer string');
  return BigInt(v);
}

/** The desired state and generation; each application's inventory is kept apart (see encodeInventory). */
export function encodeState(state: AgentState): string {
  const desired = state.desired && { ...state.desired, generation: state.desired.generation.toString() };
  return JSON.stringify({ version: 2, desired, lastAppliedGeneration: state.lastAppliedGeneration.toString() }, null, 2);
}

/** One application's inventory, in its own file or object. */
export function encodeInventory(app: string, refs: readonly ObjectRef[]): string {
  return JSON.stringify({ version: 1, app, objects: refs });
}

export function decodeInventory(text: string, source: string): { app: string; refs: ObjectRef[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(source, `not JSON: ${(error as Error).message}`);
  }
  if (!isObject(json)) fail(source, 'expected an object');
  const objects = json['objects'];
  if (!Array.isArray(objects)) fail(`${source}: objects`, 'expected a list');
  return { app: string(json['app'], `${source}: app`), refs: objects.map((r, i) => decodeRef(r, `${source}: objects[${i}]`)) };
}

function decodeRef(v: unknown, where: string): ObjectRef {
  if (!isObject(v)) fail(where, 'expected an object reference');
  const ref: ObjectRef = { apiVersion: string(v['apiVersion'], `${where}.apiVersion`), kind: string(v['kind'], `${where}.kind`), name: string(v['name'], `${where}.name`) };
  if (v['namespace'] !== undefined) ref.namespace = string(v['namespace'], `${where}.namespace`);
  return ref;
}

/** State written before engines existed has none: those apps were rendered by the built-in engine. */
function renderEngine(v: unknown, where: string): AppRenderEngine {
  if (v === undefined) return 'builtin';
  const engine = appRenderEngines.find((e) => e === v);
  if (engine === undefined) fail(where, `expected one of ${appRenderEngines.join(', ')}`);
  return engine;
}

function healthRules(v: unknown, where: string): CustomHealthRule[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(where, 'expected a list');
  return v.map((r, i) => {
    if (!isObject(r)) fail(`${where}[${i}]`, 'expected an object');
    return { kind: string(r['kind'], `${where}[${i}].kind`), expression: string(r['expression'], `${where}[${i}].expression`) };
  });
}

function decodeApp(v: unknown, where: string): AppTargetSpec {
  if (!isObject(v)) fail(where, 'expected an object');
  const p = v['parameters'];
  if (!isObject(p)) fail(`${where}.parameters`, 'expected an object');
  return {
    app: string(v['app'], `${where}.app`),
    repoUrl: string(v['repoUrl'], `${where}.repoUrl`),
    path: string(v['path'], `${where}.path`),
    commit: string(v['commit'], `${where}.commit`),
    defaultNamespace: string(v['defaultNamespace'], `${where}.defaultNamespace`),
    renderEngine: renderEngine(v['renderEngine'], `${where}.renderEngine`),
    selfHeal: v['selfHeal'] === undefined ? true : boolean(v['selfHeal'], `${where}.selfHeal`),
    healthRules: healthRules(v['healthRules'], `${where}.healthRules`),
    parameters: {
      clusterName: string(p['clusterName'], `${where}.parameters.clusterName`),
      clusterLabels: stringMap(p['clusterLabels'], `${where}.parameters.clusterLabels`),
      stage: string(p['stage'], `${where}.parameters.stage`),
    },
  };
}

function decodeDesired(v: unknown, where: string): DesiredSnapshot | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail(where, 'expected an object');
  const apps = v['apps'];
  if (!Array.isArray(apps)) fail(`${where}.apps`, 'expected a list');
  return {
    generation: bigint(v['generation'], `${where}.generation`),
    clusterId: string(v['clusterId'], `${where}.clusterId`),
    apps: apps.map((a, i) => decodeApp(a, `${where}.apps[${i}]`)),
  };
}

export function decodeState(text: string, source: string): AgentState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(source, `not JSON: ${(error as Error).message}`);
  }
  if (!isObject(json)) fail(source, 'expected an object');
  // Version 1 kept every inventory in the state document: still read, so an upgraded agent keeps pruning.
  const inventories = json['inventories'] ?? {};
  if (!isObject(inventories)) fail(`${source}: inventories`, 'expected an object');
  return {
    desired: decodeDesired(json['desired'], `${source}: desired`),
    lastAppliedGeneration: bigint(json['lastAppliedGeneration'] ?? '0', `${source}: lastAppliedGeneration`),
    inventories: Object.fromEntries(
      Object.entries(inventories).map(([app, refs]) => {
        if (!Array.isArray(refs)) fail(`${source}: inventories.${app}`, 'expected a list');
        return [app, refs.map((r, i) => decodeRef(r, `${source}: inventories.${app}[${i}]`))];
      }),
    ),
  };
}

export function encodeCredential(credential: StoredCredential): string {
  return JSON.stringify(credential);
}

export function decodeCredential(text: string, source: string): StoredCredential {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (_error) {
    fail(source, 'not JSON');
  }
  if (!isObject(json)) fail(source, 'expected an object');
  return {
    clusterId: string(json['clusterId'], `${source}: clusterId`),
    credential: string(json['credential'], `${source}: credential`),
    expiresAt: json['expiresAt'] === undefined ? undefined : string(json['expiresAt'], `${source}: expiresAt`),
    issuedAt: string(json['issuedAt'], `${source}: issuedAt`),
    ...(json['rejectedAt'] === undefined ? {} : { rejectedAt: string(json['rejectedAt'], `${source}: rejectedAt`) }),
  };
}
