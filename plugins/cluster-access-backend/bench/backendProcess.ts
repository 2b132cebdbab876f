/*
 * What both backend processes of bench/issuance.ts share (the bare one,
 * bench/issuanceBackend.ts, and the real Backstage backend,
 * bench/issuanceRealBackend.ts): the CPU split by phase, the count of the
 * requests the backend sends to Vault and of those it answers, and the IPC
 * through which the parent asks for them.
 *
 * IPC: `stats` answers the CPU used so far and its split by phase; `reset`
 * zeroes the split; `split` switches the split's timing on or off;
 * `profile-start`/`profile-stop` take a CPU profile; `csr-cost` times the
 * CSR checks alone.
 */
import fs from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector';
import path from 'node:path';
import { CertificateService } from '../src/certificates/CertificateService';
import { DatabaseCertificateStore } from '../src/certificates/DatabaseCertificateStore';
import { checkCsr } from '../src/certificates/csr';
import {
  VaultClient,
  vaultOperation,
} from '../src/certificates/vault/VaultClient';
import { DatabaseHistoryStore } from '../src/history/DatabaseHistoryStore';
import { accountCpu, cpuMs, setCpuAccounting } from './common';

export type BackendMessage =
  | { type: 'stats' }
  | { type: 'reset' }
  | { type: 'split'; on: boolean }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'csr-cost'; csrPem: string; username: string; runs: number };

export interface BackendStats {
  type: 'stats';
  cpuMs: number;
  /** Of cpuMs, the time spent in the kernel (system calls: sockets). */
  systemCpuMs: number;
  phases: Record<string, number>;
  /** HTTP requests the backend sent to Vault so far, by method and path. */
  vaultCalls: Record<string, number>;
  /**
   * HTTP requests the backend answered so far, by method and path: the
   * benchmark's own, and on the real stack those its plugins send each
   * other (user info, JWKS, permission checks).
   */
  backendRequests: Record<string, number>;
}

/** What a backend process tells its parent once it listens. */
export interface BackendReady {
  type: 'backend-ready';
  /** The plugin's base URL. */
  base: string;
  /**
   * On the real stack, where a user's Backstage token is had: GET with the
   * user's name in the `x-bench-user` header.
   */
  tokenUrl?: string;
  /** The header that names the user at `tokenUrl`. */
  userHeader?: string;
}

/**
 * `clusterAccess.vault` for a bench backend: the Vault peer's address,
 * mount, role and token; BENCH_IDENTITY_CACHE_TTL=0 measures without the
 * identity cache.
 */
export function benchVaultConfig(vault: {
  url: string;
  pkiMount: string;
  roleName: string;
  backendToken: string;
}) {
  return {
    address: vault.url,
    pkiMount: vault.pkiMount,
    role: vault.roleName,
    // Generous: an overloaded machine makes a slow peer, not a failure.
    timeoutMs: 30_000,
    auth: { method: 'token', token: vault.backendToken },
    identity: {
      cacheTtlSeconds: Number(process.env.BENCH_IDENTITY_CACHE_TTL ?? 30),
    },
  };
}

const phases: Record<string, number> = {};
const vaultCalls: Record<string, number> = {};
const backendRequests: Record<string, number> = {};

/**
 * Counts every request the backend sends over node:http to Vault (at
 * `vaultUrl`), below node-vault and the token manager alike: a steady-state
 * issuance should make one, the sign.
 */
export function countVaultCalls(vaultUrl: string) {
  const vaultHost = new URL(vaultUrl).host;
  const original = http.request;
  (http as any).request = function counted(this: unknown, ...args: any[]) {
    const [target, options] = args;
    const url = target instanceof URL ? target : undefined;
    // Other clients (the permission client's) pass options, not a URL.
    const host =
      url?.host ?? `${target?.hostname ?? target?.host}:${target?.port}`;
    if (host === vaultHost) {
      const method = options?.method === 'GET' ? 'read' : 'write';
      const key = vaultOperation(method, url?.pathname.slice(4) ?? '?');
      vaultCalls[key] = (vaultCalls[key] ?? 0) + 1;
    }
    return (original as any).apply(this, args);
  };
}

/** Counts the requests every HTTP server of this process answers. */
export function countBackendRequests() {
  const original = http.Server.prototype.emit;
  http.Server.prototype.emit = function counted(
    this: http.Server,
    event: string,
    ...args: any[]
  ) {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      const key = `${req.method} ${(req.url ?? '').split('?')[0]}`;
      backendRequests[key] = (backendRequests[key] ?? 0) + 1;
    }
    return original.call(this, event, ...args);
  } as typeof original;
}

/** Self CPU time per phase, for one-at-a-time runs. */
export function instrument() {
  accountCpu(CertificateService.prototype, 'issue', 'service', phases);
  accountCpu(
    CertificateService.prototype as any,
    'signAndCheck',
    'certificate checks',
    phases,
  );
  accountCpu(VaultClient.prototype, 'read', 'vault calls', phases);
  accountCpu(VaultClient.prototype, 'write', 'vault calls', phases);
  accountCpu(
    DatabaseCertificateStore.prototype,
    'addCertificate',
    'database writes',
    phases,
  );
  accountCpu(
    DatabaseHistoryStore.prototype,
    'addHistoryEvent',
    'database writes',
    phases,
  );
}

function stats(): BackendStats {
  return {
    type: 'stats',
    cpuMs: cpuMs(),
    systemCpuMs: process.cpuUsage().system / 1000,
    phases: { ...phases },
    vaultCalls: { ...vaultCalls },
    backendRequests: { ...backendRequests },
  };
}

/**
 * Answers the parent's messages, tells it the backend is ready, and calls
 * `shutdown` (then exits) when the parent disconnects. Only the measured
 * requests are profiled, not start-up and warm-up.
 */
export function serveParent(
  ready: Omit<BackendReady, 'type'> & Record<string, unknown>,
  shutdown: () => Promise<void>,
) {
  const session = new Session();
  const post = (method: string, params?: object) =>
    new Promise((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  process.on('message', async (message: BackendMessage) => {
    if (message.type === 'reset') {
      for (const key of Object.keys(phases)) phases[key] = 0;
      process.send!({ type: 'reset' });
    } else if (message.type === 'split') {
      setCpuAccounting(message.on);
      process.send!({ type: 'split' });
    } else if (message.type === 'stats') {
      process.send!(stats());
    } else if (message.type === 'profile-start') {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
      process.send!({ type: 'profile-start' });
    } else if (message.type === 'profile-stop') {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      session.disconnect();
      fs.mkdirSync(path.dirname(message.file), { recursive: true });
      fs.writeFileSync(message.file, JSON.stringify(profile));
      process.send!({ type: 'profile-stop' });
    } else if (message.type === 'csr-cost') {
      const before = process.cpuUsage();
      for (let i = 0; i < message.runs; i++) {
        await checkCsr({ csrPem: message.csrPem, username: message.username });
      }
      process.send!({
        type: 'csr-cost',
        cpuMs: cpuMs(process.cpuUsage(before)) / message.runs,
      });
    }
  });
  process.on('disconnect', () => {
    void shutdown().finally(() => process.exit(0));
  });
  process.send!({ type: 'backend-ready', ...ready });
}
