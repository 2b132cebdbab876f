/*
 * `list`: selectors, `resourceVersion`/`resourceVersionMatch`, and paging with continue
 * tokens that carry the revision the list started at, as kube-apiserver's etcd3 store makes
 * them (storage/continue.go): every page is read at that revision, and a token older than
 * the last compaction answers 410 Expired with an inconsistent continuation.
 */
import {
  badRequest,
  expiredContinue,
  FieldError,
  invalid,
  KubeStatusError,
} from './errors';
import { apiVersionOf, KubeObject, ResourceType } from './resources';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import type { ObjectStore } from './store';

/** Options for a list call, taken from the query string. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** The key below the list's prefix, as etcd3 encodes it in a continue token. */
function relativeKey(o: KubeObject, namespace: string | undefined): string {
  const ns = o.metadata?.namespace;
  return ns && namespace === undefined
    ? `${ns}/${o.metadata?.name}`
    : `${o.metadata?.name}`;
}

function encodeContinue(start: string, revision: number): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start }),
  ).toString('base64url');
}

const invalidToken = (why: string) =>
  badRequest(`invalid continue token: continue key is not valid${why}`);

/** storage.DecodeContinue: the key to start at and the revision to read at (-1: latest). */
function decodeContinue(text: string): { start: string; revision: number } {
  let token: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error();
    token = JSON.parse(Buffer.from(text, 'base64url').toString());
  } catch {
    throw invalidToken(': illegal base64 data or JSON');
  }
  if (token?.v !== 'meta.k8s.io/v1') {
    throw invalidToken(
      `: server does not recognize this encoded version ${token?.v ?? ''}`,
    );
  }
  if (typeof token.rv !== 'number' || token.rv === 0) {
    throw invalidToken(
      ': incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (typeof token.start !== 'string' || token.start === '') {
    throw invalidToken(': encoded start key empty (version meta.k8s.io/v1)');
  }
  // Path traversal out of the list's prefix is refused, as path.Clean does there.
  if (/(^|\/)\.\.?(\/|$)|\/\//.test(token.start)) {
    throw invalidToken(`: ${token.start}`);
  }
  return { start: token.start, revision: token.rv };
}

/** ValidateListOptions of apimachinery: 422 for a resourceVersionMatch that cannot apply. */
function validateListOptions(opts: ListOptions): void {
  const match = opts.resourceVersionMatch;
  if (!match) return;
  const errors: FieldError[] = [];
  const forbid = (detail: string) =>
    errors.push({
      field: 'resourceVersionMatch',
      type: 'FieldValueForbidden',
      detail,
    });
  if (!opts.resourceVersion) {
    forbid('resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  if (opts.continueToken) {
    forbid('resourceVersionMatch is forbidden when continue is provided');
  }
  if (match !== 'Exact' && match !== 'NotOlderThan') {
    errors.push({
      field: 'resourceVersionMatch',
      type: 'FieldValueNotSupported',
      detail: `"${match}": supported values: "Exact", "NotOlderThan", ""`,
    });
  }
  if (match === 'Exact' && opts.resourceVersion === '0') {
    forbid('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (errors.length) throw invalid('ListOptions', 'meta.k8s.io', '', errors);
}

function tooLarge(wanted: number, current: number): KubeStatusError {
  return new KubeStatusError({
    code: 504,
    reason: 'Timeout',
    message: `Timeout: Too large resource version: ${wanted}, current: ${current}`,
    details: {
      causes: [
        {
          reason: 'ResourceVersionTooLarge',
          message: 'Too large resource version',
        },
      ],
      retryAfterSeconds: 1,
    },
  });
}

/**
 * Where the list starts and at which revision it reads, from the continue token or from
 * `resourceVersion` (an exact read when `Exact`, or with a limit and no match, the legacy
 * rule; otherwise the latest, which is never older than the one asked for).
 */
function resolveRead(
  opts: ListOptions,
  current: number,
  compactedRevision: number,
): { start?: string; revision: number } {
  validateListOptions(opts);
  const rv = opts.resourceVersion ?? '';
  if (opts.continueToken) {
    if (rv !== '' && rv !== '0') {
      throw badRequest(
        'specifying resource version is not allowed when using continue',
      );
    }
    const { start, revision } = decodeContinue(opts.continueToken);
    // etcd refuses a read below the compacted revision, not at it
    // (mvcc rangeKeys: `rev < compactMainRev` is ErrCompacted).
    if (revision > 0 && revision < compactedRevision) {
      // The inconsistent continuation a 410 offers: the rest, served at the latest revision.
      throw expiredContinue(encodeContinue(start, -1));
    }
    return { start, revision: revision > 0 ? revision : current };
  }
  if (rv === '') return { revision: current };
  if (!/^\d+$/.test(rv)) {
    throw badRequest(
      `invalid resource version: resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`,
    );
  }
  const wanted = Number(rv);
  if (wanted > current) throw tooLarge(wanted, current);
  const exact =
    opts.resourceVersionMatch === 'Exact' ||
    (!opts.resourceVersionMatch && Boolean(opts.limit) && rv !== '0');
  return { revision: exact ? wanted : current };
}

export function listObjects(options: {
  store: ObjectStore;
  type: ResourceType;
  namespace: string | undefined;
  opts: ListOptions;
  compactedRevision: number;
  present: (obj: KubeObject) => KubeObject;
}): KubeObject {
  const { store, type, opts, namespace } = options;
  const labelReqs = opts.labelSelector
    ? parseLabelSelector(opts.labelSelector)
    : [];
  const fieldReqs = opts.fieldSelector
    ? parseFieldSelector(opts.fieldSelector)
    : [];
  const current = Number(store.currentResourceVersion());
  const read = resolveRead(opts, current, options.compactedRevision);
  const snapshot =
    read.revision >= options.compactedRevision
      ? store.snapshot(type, namespace, read.revision)
      : undefined;
  if (!snapshot) {
    if (opts.continueToken) {
      throw expiredContinue(encodeContinue(read.start ?? '', -1));
    }
    throw new KubeStatusError({
      code: 410,
      reason: 'Expired',
      message: 'The resourceVersion for the provided list is too old.',
    });
  }
  // Only the page is copied out of the store: a page costs its size, not the cluster's.
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  const page: KubeObject[] = [];
  let remaining = 0;
  for (const o of snapshot) {
    if (read.start !== undefined && relativeKey(o, namespace) < read.start) {
      continue;
    }
    if (!matchesLabels(labelReqs, o.metadata?.labels)) continue;
    if (!matchesFields(fieldReqs, o)) continue;
    if (page.length < limit) page.push(o);
    else remaining++;
  }
  const metadata: Record<string, unknown> = {
    resourceVersion: String(read.revision),
  };
  if (remaining > 0) {
    // The next page starts just after the last key of this one ("\0" appended, as etcd3 does).
    metadata.continue = encodeContinue(
      `${relativeKey(page[page.length - 1], namespace)}\u0000`,
      read.revision,
    );
    // etcd3 can count what is left only when nothing is filtered out.
    if (!labelReqs.length && !fieldReqs.length) {
      metadata.remainingItemCount = remaining;
    }
  }
  return {
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata,
    // Like kube-apiserver's typed lists, items carry no apiVersion/kind of their own.
    items: page.map(o => {
      const { apiVersion: _a, kind: _k, ...rest } = options.present(
        structuredClone(o),
      );
      return rest;
    }),
  } as KubeObject;
}
