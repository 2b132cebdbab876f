/*
 * How the registry reads an object out of a request body (apiVersion, kind, namespace and
 * name checked as kube-apiserver's decoder and `rest.BeforeCreate` check them) and the small
 * object helpers its verbs share.
 */
import { randomInt } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { badRequest, GroupResource } from './errors';
import { apiVersionOf, KubeObject, ResourceType } from './resources';
import { pruneUnknownFields } from './schema';
import { deepEqual } from './ssa';

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function gr(type: ResourceType): GroupResource {
  return { group: type.group, resource: type.resource };
}

export function nowTimestamp(): string {
  // Kubernetes timestamps are RFC 3339 with second precision.
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function randomSuffix(): string {
  // The alphabet of k8s.io/apimachinery/pkg/util/rand.String (no vowels, no lookalikes).
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** Everything outside metadata and status, to decide whether `generation` moves. */
export function specPart(obj: KubeObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** Compares two objects ignoring the fields the server rewrites on every write. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const c = structuredClone(o);
    if (c.metadata) {
      delete c.metadata.resourceVersion;
      delete c.metadata.generation;
    }
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

/** The 400 for a body whose name is not the one in the URL. */
export function nameMismatch(bodyName: unknown, urlName: string) {
  return badRequest(
    `the name of the object (${bodyName}) does not match the name on the URL (${urlName})`,
  );
}

/** A copy of the body as an object of `type` in `namespace`, or a 400 saying why it is not. */
export function decodeBody(
  type: ResourceType,
  body: unknown,
  namespace: string | undefined,
): KubeObject {
  if (!isObject(body))
    throw badRequest('the request body must be a JSON object');
  const obj = structuredClone(body) as KubeObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(type)) {
    throw badRequest(
      `the API version in the data (${
        obj.apiVersion
      }) does not match the expected API version (${apiVersionOf(type)})`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== type.kind) {
    throw badRequest(
      `the kind in the data (${obj.kind}) does not match the expected kind (${type.kind})`,
    );
  }
  obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
  if (type.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    obj.metadata.namespace = namespace;
  } else {
    delete obj.metadata.namespace;
  }
  return obj;
}

/**
 * An apply body as YAML, as kube-apiserver reads it. Clients (client-go, client-node) send
 * JSON, which YAML 1.2 reads the same except for duplicate keys (YAML refuses them, JSON.parse
 * keeps the last): a body that is exactly the compact JSON of what it parses to has none, so
 * it is read as JSON, several times faster than the YAML parser; anything else goes to it.
 */
export function parseApplyBody(rawBody: string): unknown {
  // `__proto__` is an own key to JSON.parse but not to every YAML reader: leave it to YAML.
  if (rawBody.startsWith('{') && !rawBody.includes('"__proto__"')) {
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      json = undefined;
    }
    if (json !== undefined && JSON.stringify(json) === rawBody) return json;
  }
  return parseYaml(rawBody);
}

/**
 * The apply configuration of a server-side apply: YAML typed against the schema, so unlike
 * other writes an unknown field is an error, and apiVersion and kind are required.
 */
export function decodeApplyConfiguration(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  rawBody: string,
): KubeObject {
  let applied: unknown;
  try {
    applied = parseApplyBody(rawBody);
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (!isObject(applied))
    throw badRequest('the apply configuration must be an object');
  if (applied.apiVersion !== apiVersionOf(type) || applied.kind !== type.kind) {
    throw badRequest(
      `apply configuration apiVersion/kind (${String(
        applied.apiVersion,
      )}/${String(applied.kind)}) does not match ${apiVersionOf(type)}/${
        type.kind
      }`,
    );
  }
  const config = decodeBody(type, applied, namespace);
  const undeclared = pruneUnknownFields(type.kind, config);
  if (undeclared.length > 0) {
    throw badRequest(
      `failed to create typed patch object (${
        namespace ?? ''
      }/${name}; ${apiVersionOf(type)}, Kind=${type.kind}): ${undeclared
        .map(p => `.${p}`)
        .join(', ')}: field not declared in schema`,
    );
  }
  const cmeta = config.metadata!;
  if (cmeta.name !== undefined && cmeta.name !== name) {
    throw nameMismatch(cmeta.name, name);
  }
  return config;
}
