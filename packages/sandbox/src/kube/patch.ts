import { badRequest, KubeStatusError } from './errors';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * RFC 7386 JSON merge patch (the `$patch` directives of strategic merge are honoured for
 * `replace` and `delete` on maps).
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  return merge(target, patch, undefined);
}

/**
 * Lists that strategic merge patch merges item by item, by their `patchMergeKey` in the
 * upstream types (paths without indices; every other list is replaced whole).
 */
const mergeKeys: Record<string, string> = {
  'spec.containers': 'name',
  'spec.initContainers': 'name',
  'spec.ephemeralContainers': 'name',
  'spec.volumes': 'name',
  'spec.imagePullSecrets': 'name',
  'spec.hostAliases': 'ip',
  'spec.containers.env': 'name',
  'spec.containers.ports': 'containerPort',
  'spec.containers.volumeMounts': 'mountPath',
  'spec.initContainers.env': 'name',
  'spec.initContainers.ports': 'containerPort',
  'spec.initContainers.volumeMounts': 'mountPath',
};

function mergeKeyFor(kind: string, path: string[]): string | undefined {
  const p = path.join('.');
  if (kind === 'Service' && p === 'spec.ports') return 'port';
  if (kind === 'Deployment' && p.startsWith('spec.template.')) {
    return mergeKeys[p.slice('spec.template.'.length)];
  }
  return kind === 'Pod' ? mergeKeys[p] : undefined;
}

/** Strategic merge patch: a merge patch whose lists with a merge key merge item by item. */
export function strategicMergePatch(
  target: unknown,
  patch: unknown,
  kind: string,
): unknown {
  return merge(target, patch, { kind, path: [] });
}

function mergeList(
  target: unknown,
  patch: unknown[],
  key: string,
  order: unknown,
  ctx: { kind: string; path: string[] },
): unknown[] {
  const result: Record<string, unknown>[] = Array.isArray(target)
    ? structuredClone(target).filter(isPlainObject)
    : [];
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    const at = result.findIndex(r => r[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) result.splice(at, 1);
    } else if (at >= 0) {
      result[at] = merge(result[at], item, ctx) as Record<string, unknown>;
    } else {
      result.push(merge({}, item, ctx) as Record<string, unknown>);
    }
  }
  if (!Array.isArray(order)) return result;
  const position = (r: Record<string, unknown>) => {
    const i = order.findIndex(o => isPlainObject(o) && o[key] === r[key]);
    return i < 0 ? order.length : i;
  };
  return [...result].sort((a, b) => position(a) - position(b));
}

function merge(
  target: unknown,
  patch: unknown,
  ctx: { kind: string; path: string[] } | undefined,
): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return merge({}, rest, ctx);
  }
  if (patch.$patch === 'delete') return undefined;
  const result: Record<string, unknown> = isPlainObject(target)
    ? structuredClone(target)
    : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key.startsWith('$setElementOrder/')) continue;
    const child = ctx && { kind: ctx.kind, path: [...ctx.path, key] };
    const mergeKey = child && mergeKeyFor(child.kind, child.path);
    if (value === null) {
      delete result[key];
    } else if (mergeKey && Array.isArray(value)) {
      result[key] = mergeList(
        result[key],
        value,
        mergeKey,
        patch[`$setElementOrder/${key}`],
        child!,
      );
    } else {
      const merged = merge(result[key], value, child);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    }
  }
  return result;
}

type Op = {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
};

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw badRequest(`invalid JSON pointer: ${pointer}`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function failure(message: string): KubeStatusError {
  // kube-apiserver answers a JSON patch that does not apply with 422.
  return new KubeStatusError({ code: 422, reason: 'Invalid', message });
}

function resolveParent(
  doc: unknown,
  parts: string[],
): { parent: any; key: string } {
  let cur: any = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isPlainObject(cur)) cur = cur[p];
    else cur = undefined;
    if (cur === undefined) {
      throw failure(
        `the server rejected our request due to an error in our request: doc is missing path: /${parts.join(
          '/',
        )}`,
      );
    }
  }
  return { parent: cur, key: parts[parts.length - 1] };
}

function getValue(doc: unknown, parts: string[]): unknown {
  let cur: any = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isPlainObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

function addValue(doc: unknown, parts: string[], value: unknown): unknown {
  if (parts.length === 0) return structuredClone(value);
  const { parent, key } = resolveParent(doc, parts);
  if (Array.isArray(parent)) {
    const idx = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) {
      throw failure(
        `add operation does not apply: index out of bounds: ${key}`,
      );
    }
    parent.splice(idx, 0, structuredClone(value));
  } else if (isPlainObject(parent)) {
    parent[key] = structuredClone(value);
  } else {
    throw failure(
      `add operation does not apply: doc is missing path: /${parts.join('/')}`,
    );
  }
  return doc;
}

function removeValue(doc: unknown, parts: string[]): unknown {
  const { parent, key } = resolveParent(doc, parts);
  if (Array.isArray(parent)) {
    const idx = Number(key);
    if (!Number.isInteger(idx) || idx < 0 || idx >= parent.length) {
      throw failure(
        `remove operation does not apply: doc is missing path: /${parts.join(
          '/',
        )}`,
      );
    }
    parent.splice(idx, 1);
  } else if (isPlainObject(parent) && key in parent) {
    delete parent[key];
  } else {
    throw failure(
      `remove operation does not apply: doc is missing path: /${parts.join(
        '/',
      )}`,
    );
  }
  return doc;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw badRequest('json patch must be a JSON array of operations');
  }
  let doc: unknown = structuredClone(target);
  for (const raw of ops as Op[]) {
    if (!raw || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('json patch operations need "op" and "path"');
    }
    const parts = parsePointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = addValue(doc, parts, raw.value);
        break;
      case 'remove':
        doc = removeValue(doc, parts);
        break;
      case 'replace':
        if (getValue(doc, parts) === undefined) {
          throw failure(
            `replace operation does not apply: doc is missing key: ${raw.path}`,
          );
        }
        doc = removeValue(doc, parts);
        doc = addValue(doc, parts, raw.value);
        break;
      case 'move':
      case 'copy': {
        const from = parsePointer(raw.from ?? '');
        const value = getValue(doc, from);
        if (value === undefined) {
          throw failure(
            `${raw.op} operation does not apply: doc is missing from path: ${raw.from}`,
          );
        }
        if (raw.op === 'move') doc = removeValue(doc, from);
        doc = addValue(doc, parts, value);
        break;
      }
      case 'test':
        if (
          JSON.stringify(getValue(doc, parts)) !== JSON.stringify(raw.value)
        ) {
          throw failure(`testing value ${raw.path} failed: test failed`);
        }
        break;
      default:
        throw badRequest(`unexpected kind of json patch operation: ${raw.op}`);
    }
  }
  return doc;
}

/** The patch document of a non-apply PATCH: JSON, whatever the patch type. */
export function parsePatchDocument(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/** `live` with the patch applied, by the patch type its Content-Type names. */
export function patchObject(
  live: unknown,
  patchDoc: unknown,
  contentType: string,
  kind: string,
): unknown {
  if (contentType === 'application/json-patch+json') {
    return jsonPatch(live, patchDoc);
  }
  if (contentType === 'application/strategic-merge-patch+json') {
    if (!isPlainObject(patchDoc))
      throw badRequest('a strategic merge patch must be a JSON object');
    return strategicMergePatch(live, patchDoc, kind);
  }
  if (!isPlainObject(patchDoc))
    throw badRequest('a merge patch must be a JSON object');
  return mergePatch(live, patchDoc);
}
