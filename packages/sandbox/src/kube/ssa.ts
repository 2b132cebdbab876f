/*
 * Field management and server-side apply, modelled on structured-merge-diff (SMD) as
 * kube-apiserver uses it, restricted to what the served kinds need:
 *
 * - Objects are granular maps: every key of a JSON object is its own field (`f:<key>`).
 * - Every list is atomic: owned and replaced as a whole. This is exactly the schema of the
 *   served kinds (Role.rules, RoleBinding.subjects, NetworkPolicy ingress/egress/policyTypes,
 *   LimitRange.spec.limits and ResourceQuota.spec.scopes are all `listType=atomic`), so no
 *   associative-list keys (`k:{...}`) are ever produced.
 * - Managers are keyed as fieldmanager keys them (`BuildManagerIdentifier`): name, operation,
 *   subresource and, for an updater, apiVersion. One name that both updated and applied is two
 *   managers.
 * - Conflicts: an apply conflicts with any other manager (its own name's Update entry too) that
 *   owns a field the apply would set to a different value; `force` takes ownership instead.
 * - An apply that changes nothing is a no-op, so the resourceVersion stays the same.
 */
import { KubeStatusError } from './errors';
import { KubeObject, ManagedFieldsEntry } from './resources';

type Path = string[];
type Json = unknown;

// Server-owned or identity fields that are never part of a manager's field set.
const excludedMetadata = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);
const excludedTopLevel = new Set(['apiVersion', 'kind', 'status']);

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality for JSON values (key order insensitive). */
export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((v, i) => deepEqual(v, b[i]))
    );
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    // A key holding `undefined` is absent, as it would be once serialized.
    const ka = Object.keys(a).filter(k => a[k] !== undefined);
    const kb = Object.keys(b).filter(k => b[k] !== undefined);
    return (
      ka.length === kb.length &&
      ka.every(
        k =>
          Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]),
      )
    );
  }
  return false;
}

const keyOf = (p: Path) => JSON.stringify(p);
const pathOf = (k: string) => JSON.parse(k) as Path;

/** The leaf field paths of an object, as SMD would record them for its owner. */
export function leafPaths(obj: KubeObject): Set<string> {
  const out = new Set<string>();
  const walk = (value: Json, path: Path) => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) {
        if (path.length === 0 && excludedTopLevel.has(k)) continue;
        if (
          path.length === 1 &&
          path[0] === 'metadata' &&
          excludedMetadata.has(k)
        )
          continue;
        walk(v, [...path, k]);
      }
    } else if (path.length > 0) {
      out.add(keyOf(path));
    }
  };
  walk(obj, []);
  return out;
}

function getAt(obj: Json, path: Path): Json {
  let cur = obj;
  for (const p of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function hasAt(obj: Json, path: Path): boolean {
  let cur = obj;
  for (const p of path) {
    if (!isPlainObject(cur) || !Object.prototype.hasOwnProperty.call(cur, p))
      return false;
    cur = cur[p];
  }
  return true;
}

function setAt(obj: Record<string, Json>, path: Path, value: Json): void {
  let cur: Record<string, Json> = obj;
  for (const p of path.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, Json>;
  }
  cur[path[path.length - 1]] = structuredClone(value);
}

function deleteAt(obj: Record<string, Json>, path: Path): void {
  const parents: Record<string, Json>[] = [];
  let cur: Json = obj;
  for (const p of path.slice(0, -1)) {
    if (!isPlainObject(cur)) return;
    parents.push(cur);
    cur = cur[p];
  }
  if (!isPlainObject(cur)) return;
  delete cur[path[path.length - 1]];
  // Drop maps the removal left empty, like SMD does for fields nobody owns any more.
  let child = cur;
  for (let i = parents.length - 1; i >= 0; i--) {
    if (Object.keys(child).length > 0) break;
    const key = path[i];
    if (i === 0 && (key === 'metadata' || key === 'spec')) break;
    delete parents[i][key];
    child = parents[i];
  }
}

/** Encodes a set of paths as `fieldsV1`. */
export function toFieldsV1(paths: Set<string>): Record<string, unknown> {
  const root: Record<string, any> = {};
  const sorted = [...paths].map(pathOf).sort((a, b) => a.length - b.length);
  for (const path of sorted) {
    let cur = root;
    for (const p of path) {
      const k = `f:${p}`;
      cur[k] = cur[k] ?? {};
      cur = cur[k];
    }
    if (Object.keys(cur).length > 0) cur['.'] = {};
  }
  // A path that gained children after being recorded as a leaf keeps its `.` marker.
  const mark = (node: Record<string, any>, path: Path) => {
    for (const [k, child] of Object.entries(node)) {
      if (k === '.') continue;
      const childPath = [...path, k.slice(2)];
      if (paths.has(keyOf(childPath)) && Object.keys(child).length > 0) {
        child['.'] = {};
      }
      mark(child, childPath);
    }
  };
  mark(root, []);
  return root;
}

/** Decodes `fieldsV1` into a set of paths. Non-`f:` keys collapse to their parent (atomic). */
export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: Json, path: Path) => {
    if (!isPlainObject(node)) return;
    const keys = Object.keys(node);
    if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) {
      out.add(keyOf(path));
    }
    for (const k of keys) {
      if (k.startsWith('f:')) walk(node[k], [...path, k.slice(2)]);
      else if (k !== '.' && path.length > 0) out.add(keyOf(path));
    }
  };
  walk(fields, []);
  return out;
}

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  fields: Set<string>;
}

function readManagers(obj: KubeObject | undefined): Manager[] {
  return (obj?.metadata?.managedFields ?? []).map(e => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    subresource: e.subresource,
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

function writeManagers(
  managers: Manager[],
  previous: Manager[],
  now: string,
): ManagedFieldsEntry[] {
  return managers
    .filter(m => m.fields.size > 0)
    .map(m => {
      const before = previous.find(
        p => p.manager === m.manager && p.operation === m.operation,
      );
      const unchanged =
        before &&
        before.fields.size === m.fields.size &&
        [...m.fields].every(f => before.fields.has(f));
      const entry: ManagedFieldsEntry = {
        manager: m.manager,
        operation: m.operation,
        apiVersion: m.apiVersion,
        // The timestamp moves only when the manager's fields do, so no-ops stay no-ops.
        time: unchanged && before?.time ? before.time : now,
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(m.fields),
      };
      if (m.subresource) entry.subresource = m.subresource;
      return entry;
    });
}

/**
 * Records a non-apply write (create, update, patch) in managedFields: the writer takes every
 * field whose value it changed; other managers lose those fields. No conflicts, as in SMD.
 */
export function trackUpdate(options: {
  oldObj: KubeObject | undefined;
  newObj: KubeObject;
  manager: string;
  apiVersion: string;
  now: string;
}): ManagedFieldsEntry[] {
  const { oldObj, newObj } = options;
  const previous = readManagers(oldObj);
  const newLeaves = leafPaths(newObj);
  const oldLeaves = oldObj ? leafPaths(oldObj) : new Set<string>();
  const changed = new Set<string>();
  for (const k of new Set([...newLeaves, ...oldLeaves])) {
    const p = pathOf(k);
    if (!oldObj || !deepEqual(getAt(oldObj, p), getAt(newObj, p)))
      changed.add(k);
  }
  const managers = previous.map(m => ({ ...m, fields: new Set(m.fields) }));
  for (const m of managers) {
    for (const k of changed) m.fields.delete(k);
    // Fields that no longer exist are owned by nobody.
    for (const k of [...m.fields]) {
      if (!hasAt(newObj, pathOf(k))) m.fields.delete(k);
    }
  }
  let mine = managers.find(
    m => m.manager === options.manager && m.operation === 'Update',
  );
  if (!mine) {
    mine = {
      manager: options.manager,
      operation: 'Update',
      apiVersion: options.apiVersion,
      fields: new Set(),
    };
    managers.push(mine);
  }
  for (const k of changed) if (newLeaves.has(k)) mine.fields.add(k);
  return writeManagers(managers, previous, options.now);
}

/** One field conflict found by an apply: the manager (as SMD keys it) and the field. */
export interface ApplyConflict {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  field: string;
}

function fieldPathText(p: Path): string {
  return p.map(s => `.${s}`).join('');
}

/**
 * fieldmanager's `BuildManagerIdentifier`: the entry without fields and time (and without
 * apiVersion for an applier), as JSON. Managers are keyed by it, so one name is two managers
 * when it both applied and updated.
 */
function managerIdentifier(m: Omit<ApplyConflict, 'field'>): string {
  return JSON.stringify({
    manager: m.manager,
    operation: m.operation,
    ...(m.operation === 'Update' && m.apiVersion
      ? { apiVersion: m.apiVersion }
      : {}),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  });
}

function sameManager(
  a: Omit<ApplyConflict, 'field'>,
  b: Omit<ApplyConflict, 'field'>,
): boolean {
  return managerIdentifier(a) === managerIdentifier(b);
}

/** fieldmanager's `printManager`: an updater names its apiVersion, an applier only itself. */
function printManager(m: Omit<ApplyConflict, 'field'>): string {
  let text = JSON.stringify(m.manager);
  if (m.subresource)
    text += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${text} using ${m.apiVersion}` : text;
}

/** 409 as fieldmanager's `NewConflictError` words it (`getConflictMessage`), causes only. */
export function applyConflictError(
  conflicts: ApplyConflict[],
): KubeStatusError {
  const byManager = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) {
    const k = managerIdentifier(c);
    byManager.set(k, [...(byManager.get(k) ?? []), c]);
  }
  const n = conflicts.length;
  let message: string;
  if (n === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(
      conflicts[0],
    )}: ${conflicts[0].field}`;
  } else {
    // Grouped by manager, managers in the order of their sorted identifiers.
    const lines = [...byManager.keys()].sort().flatMap(k => {
      const group = byManager.get(k)!;
      return [
        `conflicts with ${printManager(group[0])}:`,
        ...group.map(c => `- ${c.field}`),
      ];
    });
    message = `Apply failed with ${n} conflicts: ${lines.join('\n')}`;
  }
  return new KubeStatusError({
    code: 409,
    reason: 'Conflict',
    message,
    details: {
      causes: conflicts.map(c => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(c)}`,
        field: c.field,
      })),
    },
  });
}

/**
 * Server-side apply of `applied` (the user's configuration) onto `live` (undefined when the
 * object does not exist yet). Returns the merged object with its new managedFields; throws a
 * 409 on conflicts unless `force`.
 */
export function serverSideApply(options: {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  now: string;
}): KubeObject {
  const { live, applied, manager } = options;
  const appliedLeaves = leafPaths(applied);
  const previous = readManagers(live);
  const managers = previous.map(m => ({ ...m, fields: new Set(m.fields) }));

  // SMD's Updater.update: every other manager, including this name's own Update entry
  // (a different manager to SMD), conflicts on fields the apply changes; force takes them.
  const applier = {
    manager,
    operation: 'Apply' as const,
    apiVersion: options.apiVersion,
  };
  const conflicts: ApplyConflict[] = [];
  for (const m of managers) {
    if (sameManager(m, applier)) continue;
    for (const k of appliedLeaves) {
      if (!m.fields.has(k)) continue;
      const p = pathOf(k);
      if (live && deepEqual(getAt(live, p), getAt(applied, p))) continue;
      if (options.force) m.fields.delete(k);
      else
        conflicts.push({
          manager: m.manager,
          operation: m.operation,
          apiVersion: m.apiVersion,
          subresource: m.subresource,
          field: fieldPathText(p),
        });
    }
  }
  if (conflicts.length > 0) throw applyConflictError(conflicts);

  const merged = structuredClone(live ?? {}) as Record<string, Json>;
  const mineBefore = managers.find(m => sameManager(m, applier));
  // Fields this manager applied before but dropped now are removed, unless someone else owns them.
  for (const k of mineBefore?.fields ?? []) {
    if (appliedLeaves.has(k)) continue;
    const ownedElsewhere = managers.some(
      m => m !== mineBefore && m.fields.has(k),
    );
    if (!ownedElsewhere) deleteAt(merged, pathOf(k));
  }
  for (const k of appliedLeaves) {
    const p = pathOf(k);
    const value = getAt(applied, p);
    const current = getAt(merged, p);
    // Applying an empty map asserts the map exists; it does not clear other owners' keys.
    if (
      isPlainObject(value) &&
      Object.keys(value).length === 0 &&
      isPlainObject(current)
    )
      continue;
    setAt(merged, p, value);
  }

  const mineNow: Manager = {
    manager,
    operation: 'Apply',
    apiVersion: options.apiVersion,
    fields: appliedLeaves,
  };
  // Keep the entry's position so a repeated apply yields identical managedFields.
  const nextManagers = mineBefore
    ? managers.map(m => (m === mineBefore ? mineNow : m))
    : [...managers, mineNow];
  const result = merged as KubeObject;
  result.metadata = {
    ...(result.metadata ?? {}),
    managedFields: writeManagers(nextManagers, previous, options.now),
  };
  return result;
}
