import { ResponseError } from '@backstage/errors';
import { describeError } from './errors';

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
