import { randomBytes, randomUUID } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 string of the given length (rejection sampling keeps it unbiased). */
export function base62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) {
        out += BASE62[byte % 62];
      }
    }
  }
  return out;
}

/** A service token in Vault's 1.10+ format (`hvs.` prefix). */
export function newServiceToken(): string {
  return `hvs.${base62(24)}`;
}

export function newAccessor(): string {
  return base62(24);
}

export function newUuid(): string {
  return randomUUID();
}

/** Mount accessors look like `auth_kubernetes_1a2b3c4d` and `pki_1a2b3c4d`. */
export function newMountAccessor(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** RFC 3339 with sub-second precision, like Go's `time.RFC3339Nano` output Vault emits. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
