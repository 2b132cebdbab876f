/*
 * The Kubernetes peer in a process of its own, as kube-apiserver runs in
 * production: started by bench/reconcile.ts so that the backend's memory and
 * CPU are measured without the peer's. The parent drives the peer's test
 * helpers (seeding drift, counting requests) through `RemoteKubePeer`.
 */
import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { KubeObject, KubePeer, startKubePeer } from '@cluster-access/sandbox';
import { cpuMs, Profiler } from './common';

/** The peer's helpers the benchmark calls, each answered over IPC. */
const METHODS = [
  'issueServiceAccountToken',
  'getObject',
  'putObject',
  'deleteObject',
  'listObjects',
  'requestCounts',
  'listRequests',
  'connectionCount',
  'resetCounts',
] as const;
type Method = (typeof METHODS)[number];

type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** The peer as the parent sees it: its address, and its helpers made asynchronous. */
export type RemoteKubePeer = Remote<Pick<KubePeer, Method>> & {
  url: string;
  caPem: string;
  /** Peak resident memory of the peer's process, in MB. */
  peakRssMb(): Promise<number>;
  /** CPU time (user + system) of the peer's process so far, in ms. */
  cpuMs(): Promise<number>;
  /** Starts a V8 CPU profile of the peer's process. */
  profileStart(): Promise<void>;
  /** Stops the profile and writes it to `file`. */
  profileStop(file: string): Promise<void>;
  /** `putObject` for many objects in one message (seeding a large cluster). */
  putObjects(objects: object[]): Promise<void>;
  close(): Promise<void>;
};

export async function startKubePeerProcess(): Promise<RemoteKubePeer> {
  const child: ChildProcess = fork(__filename, [], {
    execArgv: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      '--max-old-space-size=6144',
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();
  let next = 0;
  const ready = new Promise<{ url: string; caPem: string }>(
    (resolve, reject) => {
      child.once('exit', code =>
        reject(new Error(`kube peer process exited (${code})`)),
      );
      child.on('message', (message: any) => {
        if (message?.type === 'ready') resolve(message);
        const call = pending.get(message?.id);
        if (!call) return;
        pending.delete(message.id);
        if ('error' in message) call.reject(new Error(message.error));
        else call.resolve(message.result);
      });
    },
  );
  const { url, caPem } = await ready;
  const call = (method: string, args: unknown[]) =>
    new Promise<any>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, method, args });
    });
  const remote: Record<string, unknown> = {
    url,
    caPem,
    peakRssMb: () => call('peakRssMb', []),
    cpuMs: () => call('cpuMs', []),
    profileStart: () => call('profileStart', []),
    profileStop: (file: string) => call('profileStop', [file]),
    putObjects: (objects: object[]) => call('putObjects', [objects]),
    close: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
  for (const method of METHODS) {
    remote[method] = (...args: unknown[]) => call(method, args);
  }
  return remote as RemoteKubePeer;
}

if (require.main === module) {
  const profiler = new Profiler();
  startKubePeer().then(
    peer => {
      process.on('message', async (message: any) => {
        const { id, method, args } = message;
        try {
          let result: unknown;
          if (method === 'peakRssMb') {
            result = Math.round(process.resourceUsage().maxRSS / 1024);
          } else if (method === 'cpuMs') {
            result = cpuMs();
          } else if (method === 'profileStart') {
            await profiler.start();
          } else if (method === 'profileStop') {
            await profiler.stop(args[0] as string);
          } else if (method === 'putObjects') {
            for (const object of args[0] as KubeObject[])
              peer.putObject(object);
          } else {
            result = await (peer as any)[method](...args);
          }
          process.send!({ id, result });
        } catch (error) {
          process.send!({ id, error: String((error as Error)?.message) });
        }
      });
      process.on('disconnect', () => {
        peer.close().finally(() => process.exit(0));
      });
      process.send!({ type: 'ready', url: peer.url, caPem: peer.caPem });
    },
    error => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
