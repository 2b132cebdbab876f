import '@testing-library/jest-dom';
import { webcrypto } from 'node:crypto';

// jsdom has no crypto.subtle, and the page makes its key pair with WebCrypto;
// Node's implementation is the same standard API that browsers provide.
if (!globalThis.crypto?.subtle) {
  Object.defineProperty(globalThis, 'crypto', {
    value: webcrypto,
    configurable: true,
  });
}
