import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  bootstrapVaultForClusterAccess,
  startVaultPeer,
  VaultPeer,
} from './index';
import { makeCsr, serviceAccountSigner } from './__testUtils__/helpers';

/**
 * Checks the peer and the bootstrap against Vault's published OpenAPI description
 * (`packages/sandbox/contracts/vault-openapi.json`, MPL-2.0, see the README there): every request field the bootstrap sends must be a field
 * of that operation, and every `data` field the peer answers with must be a documented one.
 */

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
}
interface Operation {
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  responses?: Record<
    string,
    { content?: { 'application/json'?: { schema: Schema } } }
  >;
}

const SPEC_PATH = resolve(__dirname, '../../contracts/vault-openapi.json');
const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

function deref(schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  return spec.components.schemas[schema.$ref.split('/').pop()!];
}

/** Mount paths used in these tests, mapped to the OpenAPI mount-path variables of their type. */
const MOUNTS: Array<[string, string]> = [
  ['/pki/', '/{pki_mount_path}/'],
  ['/auth/approle/', '/auth/{approle_mount_path}/'],
  ['/auth/kubernetes/', '/auth/{kubernetes_mount_path}/'],
];

/** Finds the most specific OpenAPI path template for a concrete Vault path and method. */
function findTemplate(path: string, method: string): string | undefined {
  let normalized = path;
  for (const [prefix, variable] of MOUNTS) {
    if (normalized.startsWith(prefix))
      normalized = variable + normalized.slice(prefix.length);
  }
  const escape = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  const candidates = Object.keys(spec.paths).filter(template => {
    // Templates ending with a slash are the LIST forms of their paths.
    if (template.endsWith('/') !== (method === 'LIST')) return false;
    const source = template
      .replace(/\/$/, '')
      .split(/(\{[^}]+\})/)
      .map(part => {
        if (!part.startsWith('{')) return escape(part);
        return part.endsWith('_mount_path}') ? escape(part) : '[^/]+';
      })
      .join('');
    return new RegExp(`^${source}$`).test(normalized);
  });
  const params = (t: string) => (t.match(/\{/g) ?? []).length;
  return candidates.sort(
    (a, b) => params(a) - params(b) || b.length - a.length,
  )[0];
}

interface Exchange {
  method: string;
  path: string;
  requestBody?: Record<string, unknown>;
  status: number;
  responseData?: Record<string, unknown>;
}

describe('Vault peer against the Vault 1.15 OpenAPI contract', () => {
  let peer: VaultPeer;
  const exchanges: Exchange[] = [];
  const originalFetch = globalThis.fetch;

  beforeAll(async () => {
    peer = await startVaultPeer();
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await originalFetch(input, init);
      const url = new URL(String(input));
      const text = await response.clone().text();
      let responseData: Record<string, unknown> | undefined;
      try {
        responseData = JSON.parse(text).data ?? undefined;
      } catch {
        responseData = undefined;
      }
      exchanges.push({
        method: init?.method ?? 'GET',
        path: url.pathname.replace(/^\/v1/, ''),
        requestBody: init?.body ? JSON.parse(String(init.body)) : undefined,
        status: response.status,
        responseData,
      });
      return response;
    });
    const result = await bootstrapVaultForClusterAccess({
      url: peer.url,
      rootToken: peer.rootToken,
      approle: true,
      kubernetes: {
        tokenReviewerJwt: 'reviewer.token.jwt',
        pemKeys: [serviceAccountSigner().publicKeyPem],
        serviceAccount: 'sa',
        namespace: 'ns',
        issuer: 'https://issuer',
      },
    });
    const headers = { 'X-Vault-Token': result.backendToken };
    const { pem } = await makeCsr([{ CN: ['alice'] }, { O: ['team'] }]);
    const signed = await fetch(
      `${peer.url}/v1/pki/sign-verbatim/kubernetes-client`,
      {
        method: 'POST',
        headers,
        body: JSON.stringify({
          csr: pem,
          ttl: '1h',
          ext_key_usage: ['ClientAuth'],
          format: 'pem',
        }),
      },
    );
    const serial = (await signed.json()).data.serial_number;
    await fetch(`${peer.url}/v1/pki/revoke`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ serial_number: serial }),
    });
    await fetch(`${peer.url}/v1/pki/roles/kubernetes-client`, { headers });
    await fetch(`${peer.url}/v1/pki/cert/${serial}`, { headers });
    await fetch(`${peer.url}/v1/sys/policies/acl/cluster-access-backend`, {
      headers: { 'X-Vault-Token': peer.rootToken },
    });
    await fetch(`${peer.url}/v1/sys/seal-status`);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await peer.close();
  });

  it('exchanged requests with documented paths only', () => {
    expect(exchanges.length).toBeGreaterThan(15);
    const undocumented = exchanges
      .filter(e => !findTemplate(e.path, e.method))
      .map(e => `${e.method} ${e.path}`);
    expect(undocumented).toEqual([]);
    expect(exchanges.filter(e => e.status >= 400)).toEqual([]);
  });

  it('sent only documented request fields', () => {
    const unknown: string[] = [];
    for (const exchange of exchanges) {
      if (!exchange.requestBody) continue;
      const template = findTemplate(exchange.path, exchange.method)!;
      const operation =
        spec.paths[template][
          exchange.method === 'PUT' ? 'post' : exchange.method.toLowerCase()
        ];
      if (!operation) {
        unknown.push(`${exchange.method} ${template}: undocumented operation`);
        continue;
      }
      const schema = deref(
        operation.requestBody?.content['application/json'].schema,
      );
      for (const field of Object.keys(exchange.requestBody)) {
        if (!schema?.properties?.[field])
          unknown.push(`${exchange.method} ${template}: ${field}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('answered with documented response fields of the documented types', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const exchange of exchanges) {
      if (!exchange.responseData) continue;
      const template = findTemplate(exchange.path, exchange.method)!;
      const operation =
        spec.paths[template][
          exchange.method === 'PUT' ? 'post' : exchange.method.toLowerCase()
        ];
      const schema = deref(
        operation?.responses?.['200']?.content?.['application/json']?.schema,
      );
      if (!schema?.properties) continue;
      checked += 1;
      for (const [field, value] of Object.entries(exchange.responseData)) {
        const property = schema.properties[field];
        if (!property) {
          problems.push(`${template}: undocumented field ${field}`);
          continue;
        }
        const type = Array.isArray(value) ? 'array' : typeof value;
        const expected = {
          integer: 'number',
          number: 'number',
          string: 'string',
          boolean: 'boolean',
          array: 'array',
          object: 'object',
        }[property.type ?? 'object'];
        // Vault documents TypeDurationSecond fields as duration strings but answers with seconds.
        const durationAsSeconds =
          property.format === 'duration' && type === 'number';
        if (
          value !== null &&
          expected &&
          type !== expected &&
          !durationAsSeconds
        ) {
          problems.push(
            `${template}: ${field} is ${type}, documented as ${property.type}`,
          );
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
    expect(problems).toEqual([]);
  });
});
