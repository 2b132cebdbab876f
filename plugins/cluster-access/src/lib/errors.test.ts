import { ResponseError } from '@backstage/errors';
import { describeError, describeNamespaceError } from './errors';

async function responseError(status: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        request: { method: 'POST', url: '/api/cluster-access/certificates' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

describe('describeError', () => {
  it('says what the backend’s status codes mean for the user', async () => {
    expect(
      describeError(await responseError(503, 'ServiceUnavailableError', 'x')),
    ).toMatch(/^Vault is unavailable/);
    expect(describeError(await responseError(502, 'Error', 'x'))).toMatch(
      /^Vault refused to sign the certificate/,
    );
    expect(
      describeError(await responseError(403, 'NotAllowedError', 'x')),
    ).toBe('You are not allowed to get cluster access on this portal.');
    expect(
      describeError(
        await responseError(400, 'InputError', 'CSR subject has a second CN'),
      ),
    ).toBe('The request was refused: CSR subject has a second CN');
  });

  it('keeps the message of other errors', async () => {
    expect(describeError(new Error('offline'))).toBe('offline');
    expect(describeError(await responseError(500, 'Error', 'boom'))).toBe(
      'Request failed with 500 ',
    );
  });
});

describe('describeNamespaceError', () => {
  it('puts the backend’s message after the kind of refusal', async () => {
    expect(
      describeNamespaceError(
        await responseError(
          409,
          'ConflictError',
          'Namespace payments-api-dev is already requested',
        ),
      ),
    ).toBe('Conflict: Namespace payments-api-dev is already requested');
    expect(
      describeNamespaceError(
        await responseError(
          403,
          'NotAllowedError',
          'You cannot decide on your own request',
        ),
      ),
    ).toBe('Not allowed: You cannot decide on your own request');
    expect(
      describeNamespaceError(
        await responseError(400, 'InputError', 'Unknown tier gold'),
      ),
    ).toBe('The request was refused: Unknown tier gold');
  });

  it('keeps the message of errors that are not from the backend', () => {
    expect(describeNamespaceError(new Error('offline'))).toBe('offline');
  });
});
