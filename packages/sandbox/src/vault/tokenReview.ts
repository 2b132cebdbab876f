import http from 'node:http';
import https from 'node:https';

/**
 * The TokenReview call of Vault's Kubernetes auth method (`vault-plugin-auth-kubernetes`,
 * `token_review.go`, `tokenReviewAPI.Review` and `parseResponse`): Vault posts the login's JWT
 * to the configured API server and trusts the service account the server names. Every failure
 * is returned as an error whose text is the plugin's; the login handler turns any of them into
 * `permission denied` (403), as `pathLogin` does.
 */

/** What the plugin keeps from a successful review. */
export interface TokenReviewResult {
  name: string;
  namespace: string;
  uid: string;
}

export interface TokenReviewRequest {
  /** `kubernetes_host`: a URL to the base of the API server. */
  host: string;
  /** `kubernetes_ca_cert`; empty means the system's CA pool. */
  caCert: string;
  /** The bearer: `token_reviewer_jwt`, or the login's own JWT when none is configured. */
  bearer: string;
  jwt: string;
  audiences: string[];
}

/** Vault's default `max_request_duration`, which bounds the plugin's request context. */
const REQUEST_TIMEOUT_MS = 90_000;

function post(
  request: TokenReviewRequest,
): Promise<{ status: number; body: string }> {
  const url = `${request.host.replace(
    /\/$/,
    '',
  )}/apis/authentication.k8s.io/v1/tokenreviews`;
  // What Go's json.Marshal makes of an authv1.TokenReview with only the spec set.
  const payload = JSON.stringify({
    metadata: { creationTimestamp: null },
    spec: {
      token: request.jwt,
      ...(request.audiences.length ? { audiences: request.audiences } : {}),
    },
    status: { user: {} },
  });
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new Error(`parse "${url}": invalid URL`));
      return;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      reject(
        new Error(
          `Post "${url}": unsupported protocol scheme "${parsed.protocol.replace(
            /:$/,
            '',
          )}"`,
        ),
      );
      return;
    }
    const options: https.RequestOptions = {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${request.bearer}`.trim(),
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      timeout: REQUEST_TIMEOUT_MS,
      minVersion: 'TLSv1.2',
      ...(request.caCert ? { ca: request.caCert } : {}),
    };
    const req = (parsed.protocol === 'https:' ? https : http).request(
      parsed,
      options,
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error('context deadline exceeded')),
    );
    req.on('error', e => reject(new Error(`Post "${url}": ${e.message}`)));
    req.end(payload);
  });
}

/** `parseResponse`: a TokenReview, or the error a non-2xx answer or a Status object makes. */
function parseResponse(status: number, body: string): Record<string, any> {
  if (status === 401) {
    throw new Error(
      'lookup failed: service account unauthorized; this could mean it has been deleted or recreated with a new token',
    );
  }
  if (status < 200 || status > 206) {
    throw new Error(body.trim() || `the server returned status ${status}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw new Error(String((e as Error).message));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('json: cannot unmarshal into a TokenReview');
  }
  const review = parsed as Record<string, any>;
  // Go unmarshals the body into a metav1.Status first: that only fails when `status` is not a
  // string, i.e. for a real TokenReview. Anything else is an error Status.
  const reviewStatus = review.status;
  if (
    reviewStatus === undefined ||
    reviewStatus === null ||
    typeof reviewStatus === 'string'
  ) {
    throw new Error(
      typeof review.message === 'string' && review.message
        ? review.message
        : 'unknown',
    );
  }
  return review;
}

/** Posts the review and checks its answer exactly as `tokenReviewAPI.Review` does. */
export async function reviewToken(
  request: TokenReviewRequest,
): Promise<TokenReviewResult> {
  const { status, body } = await post(request);
  const review = parseResponse(status, body);
  const result = (review.status ?? {}) as {
    authenticated?: boolean;
    error?: string;
    user?: { username?: string; uid?: string };
  };
  if (result.error) throw new Error(`lookup failed: ${result.error}`);
  if (!result.authenticated) {
    throw new Error('lookup failed: service account jwt not valid');
  }
  const parts = (result.user?.username ?? '').split(':');
  if (parts.length !== 4) {
    throw new Error('lookup failed: unexpected username format');
  }
  if (parts[0] !== 'system' || parts[1] !== 'serviceaccount') {
    throw new Error(
      'lookup failed: username returned is not a service account',
    );
  }
  return { name: parts[3], namespace: parts[2], uid: result.user?.uid ?? '' };
}
