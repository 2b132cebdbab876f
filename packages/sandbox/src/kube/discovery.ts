/*
 * Legacy (unaggregated) discovery documents. kubectl 1.32 asks for aggregated discovery
 * (`apidiscovery.k8s.io/v2`) first; answering `/api` and `/apis` with the plain documents and
 * `Content-Type: application/json` makes client-go fall back to per-group discovery, as it
 * does against an apiserver without aggregated discovery.
 */
import { apiVersionOf, resourceTypes, servedGroups } from './resources';

/** The version the peer claims to be; kubectl compares it with its own for skew warnings. */
export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** `GET /api`. */
export function coreApiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: string) {
  const versions = servedGroups()
    .filter(g => g.group === group)
    .map(g => ({ groupVersion: apiVersionOf(g), version: g.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** `GET /apis`. */
export function apiGroupList() {
  const names = [
    ...new Set(
      servedGroups()
        .map(g => g.group)
        .filter(Boolean),
    ),
  ];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: names.map(groupEntry),
  };
}

/** `GET /apis/<group>`, or undefined when the group is not served. */
export function apiGroup(group: string) {
  if (!servedGroups().some(g => g.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) };
}

/** `GET /api/v1` or `GET /apis/<group>/<version>`, or undefined when not served. */
export function apiResourceList(group: string, version: string) {
  const types = resourceTypes.filter(
    t => t.group === group && t.version === version,
  );
  if (types.length === 0) return undefined;
  const resources: object[] = [];
  for (const t of types) {
    const entry: Record<string, unknown> = {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
    };
    if (t.shortNames) entry.shortNames = t.shortNames;
    resources.push(entry);
    for (const sub of t.subresources ?? []) {
      resources.push({
        name: `${t.resource}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: ['get'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources,
  };
}
