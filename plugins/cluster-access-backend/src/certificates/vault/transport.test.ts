import http from 'node:http';
import type { AddressInfo } from 'node:net';
import NodeVault from 'node-vault';
import { createVaultTransport } from './transport';

/** A stand-in for Vault's HTTP surface: answers by path, records requests. */
async function startServer(
  handle: (
    req: http.IncomingMessage,
    body: string,
    res: http.ServerResponse,
  ) => void,
) {
  const seen: Array<{ method?: string; url?: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, body });
      handle(req, body, res);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

function client(url: string, timeout = 5_000) {
  const transport = createVaultTransport({});
  const vault = NodeVault({
    endpoint: url,
    requestOptions: { timeout },
    'request-promise': transport,
  });
  vault.token = '';
  return { vault, transport };
}

describe('createVaultTransport (node-vault over node:http)', () => {
  const servers: http.Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });

  it('sends JSON with the token, parses JSON answers and keeps other text as text', async () => {
    const vault = await startServer((req, body, res) => {
      if (req.url === '/v1/pki/ca/pem') {
        res.end(
          '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
        );
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          data: { echo: JSON.parse(body), token: req.headers['x-vault-token'] },
        }),
      );
    });
    servers.push(vault.server);
    const { vault: nv, transport } = client(vault.url);
    await expect(
      nv.write(
        'pki/sign-verbatim/r',
        { csr: 'x' },
        {
          headers: { 'X-Vault-Token': 't1' },
        },
      ),
    ).resolves.toEqual({ data: { echo: { csr: 'x' }, token: 't1' } });
    await expect(nv.read('pki/ca/pem')).resolves.toMatch(
      /^-----BEGIN CERTIFICATE-----/,
    );
    expect(vault.seen.map(r => r.method)).toEqual(['POST', 'GET']);
    transport.close();
  });

  it('sends a request again, once, when the kept-alive connection it went out on was closed', async () => {
    // Each connection answers one request; a second request on it finds the
    // connection reset, as when a server closes an idle keep-alive
    // connection just as the client reuses it.
    let connections = 0;
    let answered = 0;
    let resetEvery = false;
    const server = http.createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { used?: boolean };
      if (socket.used || resetEvery) {
        socket.destroy();
        return;
      }
      socket.used = true;
      answered++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { n: answered } }));
    });
    server.on('connection', () => connections++);
    servers.push(server);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { vault: nv, transport } = client(`http://127.0.0.1:${port}`);
    await expect(nv.read('secret/a')).resolves.toEqual({ data: { n: 1 } });
    await expect(nv.read('secret/b')).resolves.toEqual({ data: { n: 2 } });
    expect(connections).toBe(2);
    // A reset on a new connection is not a closed idle one: no resend.
    resetEvery = true;
    transport.close();
    await expect(nv.read('secret/c')).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(answered).toBe(2);
    transport.close();
  });

  it("rejects Vault's errors with their status and messages, as node-vault does", async () => {
    const vault = await startServer((_req, _body, res) => {
      res.statusCode = 403;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ errors: ['permission denied'] }));
    });
    servers.push(vault.server);
    const { vault: nv, transport } = client(vault.url);
    await expect(nv.read('identity/entity/name/a')).rejects.toMatchObject({
      message: 'permission denied',
      response: { statusCode: 403, body: { errors: ['permission denied'] } },
    });
    transport.close();
  });

  it("follows a standby's 307 to the active node with the same method and body", async () => {
    const active = await startServer((_req, body, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { got: JSON.parse(body) } }));
    });
    const standby = await startServer((req, _body, res) => {
      res.statusCode = 307;
      res.setHeader('location', `${active.url}${req.url}`);
      res.end();
    });
    servers.push(active.server, standby.server);
    const { vault: nv, transport } = client(standby.url);
    await expect(
      nv.write('pki/revoke', { serial_number: '01' }),
    ).resolves.toEqual({ data: { got: { serial_number: '01' } } });
    expect(active.seen).toEqual([
      { method: 'POST', url: '/v1/pki/revoke', body: '{"serial_number":"01"}' },
    ]);
    transport.close();
  });

  it('gives up on a silent Vault with ECONNABORTED, which the backend maps to unreachable', async () => {
    const vault = await startServer(() => {
      // Never answers.
    });
    servers.push(vault.server);
    const { vault: nv, transport } = client(vault.url, 200);
    await expect(nv.read('sys/health')).rejects.toMatchObject({
      code: 'ECONNABORTED',
    });
    transport.close();
  });
});
