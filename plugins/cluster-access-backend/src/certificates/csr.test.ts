import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { InputError } from '@backstage/errors';
import { validateCsr } from './csr';
import {
  clientSubject,
  createCsr,
  testKeys,
  withBrokenSignature,
} from '../__testUtils__/pki';

jest.setTimeout(30_000);

const username = 'alice';
const groups = ['payments', 'search'];

function check(csrPem: string) {
  return validateCsr({ csrPem, username, groups });
}

describe('validateCsr', () => {
  it('accepts CN=username and one O per group, in any order, with EC and RSA keys', async () => {
    for (const kind of ['ec-p256', 'ec-p384', 'rsa-2048'] as const) {
      const csrPem = await createCsr({
        subject: [{ O: ['search'] }, { CN: ['alice'] }, { O: ['payments'] }],
        keys: await testKeys(kind),
      });
      const valid = await validateCsr({ csrPem, username, groups });
      expect(valid.keyType).toBe(kind.startsWith('ec') ? 'ec' : 'rsa');
    }
  });

  it('accepts the extensions a client certificate may ask for', async () => {
    const csrPem = await createCsr({
      subject: clientSubject(username, groups),
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        new x509.BasicConstraintsExtension(false),
      ],
    });
    await expect(
      validateCsr({ csrPem, username, groups }),
    ).resolves.toMatchObject({ keyDescription: 'EC P-256' });
  });

  it('answers every refusal with an InputError (400)', async () => {
    await expect(check('not a csr')).rejects.toBeInstanceOf(InputError);
    const lying = await createCsr({ subject: clientSubject('bob', groups) });
    await expect(check(lying)).rejects.toBeInstanceOf(InputError);
  });

  it('refuses another CN', async () => {
    await expect(
      check(await createCsr({ subject: clientSubject('bob', groups) })),
    ).rejects.toThrow(/CN 'bob' is not your username 'alice'/);
  });

  it('refuses two CNs', async () => {
    await expect(
      check(
        await createCsr({
          subject: [{ CN: ['alice'] }, { CN: ['admin'] }, { O: groups }],
        }),
      ),
    ).rejects.toThrow(/exactly one CN.*found 2/);
  });

  it('refuses an extra O such as system:masters, and missing groups', async () => {
    await expect(
      check(
        await createCsr({
          subject: clientSubject(username, [...groups, 'system:masters']),
        }),
      ),
    ).rejects.toThrow(/O 'system:masters' is not one of your groups/);
    await expect(
      check(
        await createCsr({ subject: clientSubject(username, ['payments']) }),
      ),
    ).rejects.toThrow(/lacks O for your group 'search'/);
  });

  it('refuses other subject attributes', async () => {
    await expect(
      check(
        await createCsr({
          subject: [...clientSubject(username, groups), { OU: ['ops'] }],
        }),
      ),
    ).rejects.toThrow(/may only contain CN and O; found OU/);
  });

  it('refuses SANs, CA requests and other extensions', async () => {
    await expect(
      check(
        await createCsr({
          subject: clientSubject(username, groups),
          extensions: [
            new x509.SubjectAlternativeNameExtension([
              { type: 'dns', value: 'kubernetes.default' },
            ]),
          ],
        }),
      ),
    ).rejects.toThrow(/must not request subject alternative names/);
    await expect(
      check(
        await createCsr({
          subject: clientSubject(username, groups),
          extensions: [new x509.BasicConstraintsExtension(true)],
        }),
      ),
    ).rejects.toThrow(/must not request a CA certificate/);
    await expect(
      check(
        await createCsr({
          subject: clientSubject(username, groups),
          extensions: [
            new x509.ExtendedKeyUsageExtension([
              x509.ExtendedKeyUsage.serverAuth,
              x509.ExtendedKeyUsage.clientAuth,
            ]),
          ],
        }),
      ),
    ).rejects.toThrow(
      /only request the clientAuth extended key usage; found 1\.3\.6\.1\.5\.5\.7\.3\.1/,
    );
    await expect(
      check(
        await createCsr({
          subject: clientSubject(username, groups),
          extensions: [
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign),
          ],
        }),
      ),
    ).rejects.toThrow(/certificate or CRL signing/);
  });

  it('refuses weak or unsupported keys', async () => {
    await expect(
      check(
        await createCsr({
          subject: clientSubject(username, groups),
          keys: await testKeys('rsa-1024'),
        }),
      ),
    ).rejects.toThrow(/RSA key of 1024 bits is too weak/);
    await expect(
      check(
        await createCsr({
          subject: clientSubject(username, groups),
          keys: await testKeys('ec-p521'),
        }),
      ),
    ).rejects.toThrow(/EC P-256 or P-384.*got EC P-521/);
  });

  it('refuses a CSR whose signature does not verify', async () => {
    const csrPem = await createCsr({
      subject: clientSubject(username, groups),
    });
    await expect(check(withBrokenSignature(csrPem))).rejects.toThrow(
      /signature does not verify/,
    );
  });

  it('refuses garbage', async () => {
    await expect(check('hello')).rejects.toThrow(
      /not a PEM certificate request/,
    );
    await expect(
      check(
        '-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----',
      ),
    ).rejects.toThrow(/not base64/);
    await expect(
      check(
        '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----',
      ),
    ).rejects.toThrow(/not a valid PKCS#10/);
    const one = await createCsr({ subject: clientSubject(username, groups) });
    await expect(check(`${one}\n${one}`)).rejects.toThrow(
      /exactly one certificate request/,
    );
  });

  it('names every problem at once', async () => {
    await expect(
      check(
        await createCsr({
          subject: [{ CN: ['root'] }, { O: ['system:masters'] }],
          extensions: [
            new x509.SubjectAlternativeNameExtension([
              { type: 'ip', value: '10.0.0.1' },
            ]),
          ],
        }),
      ),
    ).rejects.toThrow(
      /CN 'root'.*system:masters.*lacks O.*subject alternative names/,
    );
  });
});
