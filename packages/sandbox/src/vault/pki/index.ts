import type { Backend, MountEntry } from '../types';
import type { VaultEngine } from '../engine';
import { fetchRoutes } from './fetch';
import { issueRoutes } from './issue';
import { issuerRoutes } from './issuers';
import { revokeRoutes } from './crl';
import { roleRoutes } from './roles';
import { PkiMount, PkiState } from './state';

/**
 * The PKI secrets engine: real X.509 issuance with WebCrypto, following the semantics of Vault's
 * `builtin/logical/pki` for roles, `sign`, `sign-verbatim`, `issue`, revocation and the fetch
 * endpoints. One file per concern, named after Vault's own: `roles.ts` (path_roles.go),
 * `root.ts` (path_root.go), `issuers.ts` (path_manage_issuers.go, path_fetch_issuers.go), `issue.ts`
 * (path_issue_sign.go) over `bundle.ts` and `leaf.ts` (the creation bundle and certutil's
 * signing), `crl.ts` (path_revoke.go, crl_util.go) and `fetch.ts` (path_fetch.go).
 */

/** Creates a per-mount PKI backend; `mountRef` resolves the live mount entry (for tuned TTLs). */
export function createPkiBackend(
  engine: VaultEngine,
  mountRef: () => MountEntry,
): Backend {
  const pki: PkiMount = {
    state: new PkiState(),
    logger: engine.logger,
    mount: mountRef,
  };
  return {
    routes: [
      ...fetchRoutes(pki),
      ...roleRoutes(pki),
      ...issuerRoutes(pki),
      ...issueRoutes(pki),
      ...revokeRoutes(pki),
    ],
  };
}
