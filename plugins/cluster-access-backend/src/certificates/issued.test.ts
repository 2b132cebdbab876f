import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { checkIssuedCertificate } from './issued';
import { checkCsr } from './csr';
import { childrenOf, DerElement, fieldsOf, readDer } from './der';
import {
  clientSubject,
  createCsr,
  createTestCa,
  hex,
  resignedDer,
  TestCa,
  tlv,
} from '../__testUtils__/pki';

// A hostile or broken signer's certificates, read once by the strict DER
// reader (and by the libraries for what it refuses).

jest.setTimeout(30_000);

const username = 'alice';
const groups = ['payments', 'search'];
const NOT_A_CERTIFICATE =
  /^The signer returned something that is not an X\.509 certificate$/;

describe('checkIssuedCertificate', () => {
  let ca: TestCa;
  let csrPem: string;
  let publicKeyDer: ArrayBuffer;
  const notAfter = new Date(Date.now() + 3600_000);

  beforeAll(async () => {
    ca = await createTestCa('Issued Test CA');
    csrPem = await createCsr({ subject: clientSubject(username, groups) });
    publicKeyDer = (await checkCsr({ csrPem, username })).publicKeyDer;
  });

  type CheckOptions = Parameters<typeof checkIssuedCertificate>[0];

  /** What the service checks a certificate `signer` signed for the CSR against. */
  function checkOptions(
    signed: { pem: string; serialNumber: string },
    signer: TestCa,
  ): CheckOptions {
    return {
      certificatePem: signed.pem,
      caChainPems: [signer.pem],
      trustAnchorPems: [ca.pem],
      username,
      groups,
      publicKeyDer,
      keyType: 'ec',
      serialNumber: signed.serialNumber,
      notAfterLimit: notAfter,
    };
  }

  async function checkSigned(
    options: Partial<Parameters<TestCa['sign']>[0]> = {},
    overrides: Partial<CheckOptions> = {},
    signer = ca,
  ) {
    const signed = await signer.sign({ csrPem, notAfter, ...options });
    return checkIssuedCertificate({
      ...checkOptions(signed, signer),
      ...overrides,
    });
  }

  it('accepts a client certificate with the key identifiers a signer adds', async () => {
    const checked = await checkSigned({
      extraExtensions: [
        new x509.SubjectKeyIdentifierExtension('00112233'),
        new x509.AuthorityKeyIdentifierExtension('44556677'),
      ],
    });
    expect(checked.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    expect(
      Math.abs(checked.notAfter.getTime() - notAfter.getTime()),
    ).toBeLessThan(1000);
  });

  it('refuses an extension listed twice', async () => {
    await expect(
      checkSigned({
        extraExtensions: [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
        ],
      }),
    ).rejects.toThrow(
      /it has extension 2\.5\.29\.15 \(key usage\) more than once; it has key usage keyCertSign/,
    );
  });

  it('refuses a second CN hidden in a multi-valued RDN, and other attributes', async () => {
    await expect(
      checkSigned({
        subject: [
          { O: ['payments'], CN: ['admin'] },
          { CN: ['alice'] },
          { O: ['search'] },
        ],
      }),
    ).rejects.toThrow(/its CN is \["admin","alice"\], not 'alice'/);
    await expect(
      checkSigned({
        subject: [...clientSubject(username, groups), { OU: ['ops'] }],
      }),
    ).rejects.toThrow(/its subject also has OU/);
    await expect(
      checkSigned({ subject: clientSubject(username, ['payments']) }),
    ).rejects.toThrow(/its O values \["payments"\] are not the groups/);
  });

  it('refuses another key, another serial, a long life and an expired certificate', async () => {
    await expect(
      checkSigned({}, { publicKeyDer: new Uint8Array(91).buffer }),
    ).rejects.toThrow(/its public key is not the one in the CSR/);
    await expect(checkSigned({}, { serialNumber: '01:02' })).rejects.toThrow(
      /its serial number .* is not the reported 01:02/,
    );
    await expect(
      checkSigned({ notAfter: new Date(notAfter.getTime() + 3600_000) }),
    ).rejects.toThrow(/its NotAfter .* is beyond the allowed/);
    await expect(
      checkSigned({ notAfter: new Date(Date.now() - 1000) }),
    ).rejects.toThrow(/it has already expired/);
  });

  it('refuses a certificate from another CA that took the same name', async () => {
    const impostor = await createTestCa('Issued Test CA');
    await expect(checkSigned({}, {}, impostor)).rejects.toThrow(
      /it does not chain to the configured CA/,
    );
  });

  it('refuses a CA certificate, server usages and SANs', async () => {
    await expect(checkSigned({ ca: true })).rejects.toThrow(
      /it has a CA certificate \(CA:true\)/,
    );
    await expect(
      checkSigned({ extendedKeyUsages: [x509.ExtendedKeyUsage.serverAuth] }),
    ).rejects.toThrow(
      /extended key usage 1\.3\.6\.1\.5\.5\.7\.3\.1; it must be exactly clientAuth/,
    );
    await expect(
      checkSigned({
        extraExtensions: [
          new x509.SubjectAlternativeNameExtension([
            { type: 'dns', value: 'kubernetes' },
          ]),
        ],
      }),
    ).rejects.toThrow(/extension 2\.5\.29\.17 \(subject alternative names\)/);
  });

  /** The certificate with some TBS fields replaced, signed again by the CA. */
  async function resigned(
    replace: (fields: DerElement[]) => Buffer[],
    overrides: Partial<CheckOptions> = {},
  ) {
    const signed = await ca.sign({ csrPem, notAfter });
    const der = Buffer.from(x509.PemConverter.decodeFirst(signed.pem));
    const [tbs, algorithm] = fieldsOf(readDer(der), 0x30, 3);
    const odd = resignedDer({
      tbs: tlv(0x30, ...replace(childrenOf(tbs, 0x30))),
      algorithm: algorithm.bytes,
      privateKey: ca.keys.privateKey,
    });
    return checkIssuedCertificate({
      ...checkOptions(
        {
          pem: x509.PemConverter.encode(odd, 'CERTIFICATE'),
          serialNumber: signed.serialNumber,
        },
        ca,
      ),
      ...overrides,
    });
  }

  it('refuses as no certificate what the libraries cannot read, whichever reader read it', async () => {
    // The key's curve as a PrintableString: the strict reader reads the
    // certificate (and finds another key); @peculiar/x509 cannot read it.
    const spkiWithOddCurve = (spki: DerElement) => {
      const [spkiAlgorithm, key] = fieldsOf(spki, 0x30, 2);
      const [keyOid] = fieldsOf(spkiAlgorithm, 0x30, 2);
      return tlv(
        0x30,
        tlv(0x30, keyOid.bytes, tlv(0x13, Buffer.from('P-256'))),
        key.bytes,
      );
    };
    await expect(
      resigned(fields =>
        fields.map((f, i) => (i === 6 ? spkiWithOddCurve(f) : f.bytes)),
      ),
    ).rejects.toThrow(NOT_A_CERTIFICATE);
    // A CN in a BMPString of odd length: the library's reading of the
    // subject threw a RangeError (a 500) after the strict reading (which
    // now refuses it, as Go's parseASN1String does).
    const subject = tlv(
      0x30,
      tlv(0x31, tlv(0x30, hex('0603550403'), hex('1e050061006200'))),
    );
    await expect(
      resigned(fields => fields.map((f, i) => (i === 5 ? subject : f.bytes))),
    ).rejects.toThrow(NOT_A_CERTIFICATE);
  });

  /** A subject of one CN and these O values, each as tag and bytes. */
  const subjectWith = (...os: Array<[number, Buffer]>) =>
    tlv(
      0x30,
      tlv(0x31, tlv(0x30, hex('0603550403'), tlv(0x0c, Buffer.from(username)))),
      ...os.map(([tag, value]) =>
        tlv(0x31, tlv(0x30, hex('060355040a'), tlv(tag, value))),
      ),
    );

  it('refuses names Go (kube-apiserver) cannot read, and takes those it can', async () => {
    const withSubject = (subject: Buffer, users: string[]) =>
      resigned(fields => fields.map((f, i) => (i === 5 ? subject : f.bytes)), {
        groups: users,
      });
    // A group Go's PrintableString set lacks ('_'): the libraries read it,
    // and the certificate was accepted.
    await expect(
      withSubject(subjectWith([0x13, Buffer.from('pay_ments')]), ['pay_ments']),
    ).rejects.toThrow(
      /^The signer returned a certificate whose subject Kubernetes \(Go\) cannot read: a PrintableString with the character '_'$/,
    );
    // A UniversalString, which Go does not read in names.
    await expect(
      withSubject(subjectWith([0x1c, hex('00000061')]), ['a']),
    ).rejects.toThrow(
      /certificate whose subject Kubernetes \(Go\) cannot read: a value of tag 0x1c, which is none of the string types Go reads in names$/,
    );
    // What Go reads: '*' and '&' in a PrintableString, IA5, T61, BMP.
    await expect(
      withSubject(
        subjectWith(
          [0x13, Buffer.from('a&b*')],
          [0x16, Buffer.from('ia5')],
          [0x14, Buffer.from('t61')],
          [0x1e, hex('0062006d0070')],
        ),
        ['a&b*', 'ia5', 't61', 'bmp'],
      ),
    ).resolves.toMatchObject({ notAfter: expect.any(Date) });
  });

  it('refuses a certificate in BER, which Go refuses, naming what is not DER', async () => {
    // The serial number with a long-form length under 128: the libraries
    // read it, and the certificate was accepted.
    await expect(
      resigned(fields =>
        fields.map((f, i) =>
          i === 1
            ? Buffer.concat([
                hex('0281'),
                Buffer.from([f.contents.length]),
                f.contents,
              ])
            : f.bytes,
        ),
      ),
    ).rejects.toThrow(
      /^The signer returned a certificate that is not DER-encoded: it has a length not in its shortest form$/,
    );
    // The validity with BER's indefinite length.
    await expect(
      resigned(fields =>
        fields.map((f, i) =>
          i === 4
            ? Buffer.concat([hex('3080'), f.contents, hex('0000')])
            : f.bytes,
        ),
      ),
    ).rejects.toThrow(/not DER-encoded: it has an indefinite length \(BER\)$/);
    // An extension's critical flag as BOOLEAN 0x01 (DER wants 0xff).
    await expect(
      resigned(fields =>
        fields.map((f, i) =>
          i === 7
            ? Buffer.from(
                f.bytes.toString('hex').replace('0101ff', '010101'),
                'hex',
              )
            : f.bytes,
        ),
      ),
    ).rejects.toThrow(
      /not DER-encoded: it has a BOOLEAN other than 00 \(false\) or FF \(true\)$/,
    );
  });

  it('refuses what Go (kube-apiserver) would refuse or read otherwise: v1/v2, mismatched algorithms', async () => {
    // No version field (v1): Go ignores a v1 certificate's extensions.
    await expect(
      resigned(fields => fields.slice(1).map(f => f.bytes)),
    ).rejects.toThrow(/it is an X\.509 v1 certificate, not v3/);
    await expect(
      resigned(fields => [
        tlv(0xa0, hex('020101')),
        ...fields.slice(1).map(f => f.bytes),
      ]),
    ).rejects.toThrow(/it is an X\.509 v2 certificate, not v3/);
    // The TBS names ecdsa-with-SHA384, the outer (and the signature) SHA-256:
    // Go refuses "inner and outer signature algorithm identifiers don't match".
    await expect(
      resigned(fields =>
        fields.map((f, i) =>
          i === 2 ? tlv(0x30, hex('06082a8648ce3d040303')) : f.bytes,
        ),
      ),
    ).rejects.toThrow(
      /its signature algorithm is not the one its TBSCertificate names/,
    );
  });

  it('refuses what is no certificate', async () => {
    const signed = await ca.sign({ csrPem, notAfter });
    const der = Buffer.from(x509.PemConverter.decodeFirst(signed.pem));
    const truncated = x509.PemConverter.encode(
      der.subarray(0, der.length - 10),
      'CERTIFICATE',
    );
    await expect(
      checkIssuedCertificate({
        ...checkOptions(signed, ca),
        certificatePem: truncated,
        caChainPems: [],
      }),
    ).rejects.toThrow(/not an X\.509 certificate/);
  });
});
