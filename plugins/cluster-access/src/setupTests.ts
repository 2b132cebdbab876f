import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { webcrypto } from 'node:crypto';

// jsdom has no crypto.subtle, and the page makes its key pair with WebCrypto;
// Node's implementation is the same standard API that browsers provide.
if (!globalThis.crypto?.subtle) {
  Object.defineProperty(globalThis, 'crypto', {
    value: webcrypto,
    configurable: true,
  });
}

// CI runs every package's tests at once on two cores, where a lazily loaded
// page can take longer than testing-library's default second to appear.
configure({ asyncUtilTimeout: 10_000 });
// For the same reason, a test that types into forms with user-event gets more
// than jest's default five seconds.
jest.setTimeout(30_000);
