import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { InputError } from '@backstage/errors';
import { checkCsr, checkCsrGroups, validateCsr } from './csr';
import {
  clientSubject,
  createCsr,
  createSmugglingCsr,
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

  it('accepts a CSR made by openssl req with the extensions a client may ask for', async () => {
    // openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
    //   -subj /CN=alice/O=payments/O=search -addext keyUsage=critical,digitalSignature
    //   -addext extendedKeyUsage=clientAuth -addext basicConstraints=critical,CA:FALSE
    const csrPem = [
      '-----BEGIN CERTIFICATE REQUEST-----',
      'MIIBNDCB2gIBADA0MQ4wDAYDVQQDDAVhbGljZTERMA8GA1UECgwIcGF5bWVudHMx',
      'DzANBgNVBAoMBnNlYXJjaDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGVr1WMl',
      'JeMT0PsZBYeoChfr4KB4ExoV09xuNhM+rIzNgurJjB4BfksPXBTSH4fQNR6q1TmN',
      '75flnVa15vBTPpOgRDBCBgkqhkiG9w0BCQ4xNTAzMA4GA1UdDwEB/wQEAwIHgDAT',
      'BgNVHSUEDDAKBggrBgEFBQcDAjAMBgNVHRMBAf8EAjAAMAoGCCqGSM49BAMCA0kA',
      'MEYCIQDd6mhX/SlvNuL0rUIXiSeZVFRfy7QmZMM4USNNfC5YJgIhANsD5S6QkH0U',
      'XEIEs9ewOdilKxpLu+/6ldPARVj8YIG/',
      '-----END CERTIFICATE REQUEST-----',
    ].join('\n');
    await expect(check(csrPem)).resolves.toMatchObject({
      keyDescription: 'EC P-256',
      organizations: ['payments', 'search'],
    });
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
    ).rejects.toThrow(
      /requests extension 2\.5\.29\.17 \(subject alternative names\), which a client certificate must not have/,
    );
    await expect(
      check(
        await createCsr({
          subject: clientSubject(username, groups),
          extensions: [new x509.BasicConstraintsExtension(true)],
        }),
      ),
    ).rejects.toThrow(/requests a CA certificate \(CA:true\)/);
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
      /requests extended key usage 1\.3\.6\.1\.5\.5\.7\.3\.1, 1\.3\.6\.1\.5\.5\.7\.3\.2; it must be exactly clientAuth/,
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
    ).rejects.toThrow(
      /requests key usage keyCertSign; only digitalSignature is allowed/,
    );
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
    ).rejects.toThrow(/CN 'root'.*subject alternative names/);
  });

  it('checks the groups only after everything else, in a second step', async () => {
    const csrPem = await createCsr({
      subject: clientSubject(username, [...groups, 'system:masters']),
    });
    const checked = await checkCsr({ csrPem, username });
    expect(checked.organizations).toEqual([...groups, 'system:masters']);
    expect(() => checkCsrGroups(checked, groups)).toThrow(
      /O 'system:masters' is not one of your groups/,
    );
    expect(() => checkCsrGroups(checked, [...groups, 'ops'])).toThrow(
      /lacks O for your group 'ops'/,
    );
  });
});

describe('validateCsr reads attributes as Go (and so Vault) does', () => {
  it('refuses a second extensionRequest attribute that smuggles server, OCSP and CA usages', async () => {
    const csrPem = await createSmugglingCsr({
      subject: clientSubject(username, groups),
    });
    // What the old check read: only the first, harmless attribute.
    expect(
      new x509.Pkcs10CertificateRequest(csrPem).extensions.map(e => e.type),
    ).toEqual(['2.5.29.19']);
    const error = await check(csrPem).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /the CSR has 2 extensionRequest attributes; at most one is allowed/,
    );
    expect(error.message).toMatch(
      /extended key usage 1\.3\.6\.1\.5\.5\.7\.3\.1, 1\.3\.6\.1\.5\.5\.7\.3\.9/,
    );
    expect(error.message).toMatch(/key usage keyCertSign/);
  });

  it('refuses an extensionRequest attribute with two values', async () => {
    const extensions = (list: x509.Extension[]) =>
      new x509.ExtensionsAttribute(list).values[0];
    const csrPem = await createCsr({
      subject: clientSubject(username, groups),
      attributes: [
        new x509.Attribute('1.2.840.113549.1.9.14', [
          extensions([new x509.BasicConstraintsExtension(false)]),
          extensions([
            new x509.ExtendedKeyUsageExtension([
              x509.ExtendedKeyUsage.serverAuth,
            ]),
          ]),
        ]),
      ],
    });
    await expect(check(csrPem)).rejects.toThrow(
      /must hold exactly one value, found 2.*must be exactly clientAuth/,
    );
  });

  it.each([
    [
      'a subject key identifier of its choosing',
      () => [new x509.SubjectKeyIdentifierExtension('00112233')],
      /extension 2\.5\.29\.14 \(subject key identifier\), which a client certificate must not have/,
    ],
    [
      'an authority key identifier',
      () => [new x509.AuthorityKeyIdentifierExtension('00112233')],
      /extension 2\.5\.29\.35/,
    ],
    [
      'an unknown extension',
      () => [new x509.Extension('1.2.3.4', false, new Uint8Array([5, 0]))],
      /extension 1\.2\.3\.4, which/,
    ],
    [
      'keyEncipherment with an EC key',
      () => [
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature |
            x509.KeyUsageFlags.keyEncipherment,
        ),
      ],
      /key usage keyEncipherment; only digitalSignature is allowed/,
    ],
    [
      'a key usage without digitalSignature',
      () => [new x509.KeyUsagesExtension(0 as x509.KeyUsageFlags)],
      /key usage without digitalSignature/,
    ],
    [
      'clientAuth twice',
      () => [
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.clientAuth,
          x509.ExtendedKeyUsage.clientAuth,
        ]),
      ],
      /must be exactly clientAuth/,
    ],
    [
      'a path length',
      () => [new x509.BasicConstraintsExtension(false, 0)],
      /path length constraint/,
    ],
    [
      'one extension twice',
      () => [
        new x509.BasicConstraintsExtension(false),
        new x509.BasicConstraintsExtension(false),
      ],
      /extension 2\.5\.29\.19 \(basic constraints\) more than once/,
    ],
  ])('refuses a request for %s', async (_name, extensions, message) => {
    const csrPem = await createCsr({
      subject: clientSubject(username, groups),
      extensions: extensions(),
    });
    await expect(check(csrPem)).rejects.toThrow(message);
  });

  it('allows keyEncipherment with an RSA key', async () => {
    const csrPem = await createCsr({
      subject: clientSubject(username, groups),
      keys: await testKeys('rsa-2048'),
      extensions: [
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature |
            x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
      ],
    });
    await expect(check(csrPem)).resolves.toMatchObject({ keyType: 'rsa' });
  });

  it('refuses subjects that readers could see differently', async () => {
    await expect(
      check(
        await createCsr({
          subject: [{ CN: ['alice'], O: ['payments'] }, { O: ['search'] }],
        }),
      ),
    ).rejects.toThrow(/each subject RDN must hold one attribute; one holds 2/);
    const bmpSubject = new x509.Name([
      { CN: [{ bmpString: 'alice' }] },
      ...groups.map(g => ({ O: [{ utf8String: g }] })),
    ]);
    await expect(
      check(await createCsr({ subject: bmpSubject })),
    ).rejects.toThrow(/CN must be a PrintableString or UTF8String/);
    // kube-apiserver takes the last CN: "alice" first does not make it hers.
    await expect(
      check(
        await createCsr({
          subject: [{ CN: ['alice'] }, { CN: ['admin'] }],
        }),
      ),
    ).rejects.toThrow(/exactly one CN/);
  });

  it('refuses a CSR that is not in DER', async () => {
    const pem = await createCsr({ subject: clientSubject(username, groups) });
    const der = Buffer.from(new x509.Pkcs10CertificateRequest(pem).rawData);
    const header = (at: number) => {
      const first = der[at + 1];
      if (first < 0x80) return { start: at + 2, length: first };
      const size = first & 0x7f;
      return {
        start: at + 2 + size,
        length: der.readUIntBE(at + 2, size),
      };
    };
    const encodeLength = (length: number) => {
      if (length < 0x80) return Buffer.from([length]);
      if (length < 0x100) return Buffer.from([0x81, length]);
      return Buffer.from([0x82, length >> 8, length & 0xff]);
    };
    // Re-encode the signatureAlgorithm SEQUENCE length in long form: valid
    // BER, which Go refuses and DER forbids.
    const outer = header(0);
    const tbs = header(outer.start);
    const algorithmAt = tbs.start + tbs.length;
    expect(der.subarray(algorithmAt, algorithmAt + 2)).toEqual(
      Buffer.from([0x30, 0x0a]),
    );
    const content = Buffer.concat([
      der.subarray(outer.start, algorithmAt + 1),
      Buffer.from([0x81]),
      der.subarray(algorithmAt + 1),
    ]);
    const ber = Buffer.concat([
      Buffer.from([0x30]),
      encodeLength(content.length),
      content,
    ]);
    await expect(
      check(x509.PemConverter.encode(ber, 'CERTIFICATE REQUEST')),
    ).rejects.toThrow(/not DER-encoded/);
  });
});
