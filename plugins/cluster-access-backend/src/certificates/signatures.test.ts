import 'reflect-metadata';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { clientSubject, createCsr, testKeys } from '../__testUtils__/pki';
import { verifySignatureNatively } from './signatures';

jest.setTimeout(30_000);

async function signedRequest(kind: 'ec-p256' | 'ec-p384' | 'rsa-2048') {
  const pem = await createCsr({
    subject: clientSubject('alice', []),
    keys: await testKeys(kind),
  });
  const csr = new x509.Pkcs10CertificateRequest(pem);
  const asn = AsnConvert.parse(csr.rawData, CertificationRequest);
  return {
    algorithm: asn.signatureAlgorithm,
    key: csr.publicKey.rawData,
    data: asn.certificationRequestInfoRaw!,
    signature: asn.signature,
  };
}

describe('verifySignatureNatively', () => {
  it('verifies ECDSA and RSA signatures and refuses altered data', async () => {
    for (const kind of ['ec-p256', 'ec-p384', 'rsa-2048'] as const) {
      const signed = await signedRequest(kind);
      expect(verifySignatureNatively(signed)).toBe(true);
      const data = Buffer.from(signed.data);
      data[data.length - 1] ^= 0x01;
      expect(verifySignatureNatively({ ...signed, data })).toBe(false);
    }
  });

  it('refuses a key of another type than the algorithm names', async () => {
    const ec = await signedRequest('ec-p256');
    const rsa = await signedRequest('rsa-2048');
    expect(verifySignatureNatively({ ...rsa, key: ec.key })).toBe(false);
    expect(verifySignatureNatively({ ...ec, key: rsa.key })).toBe(false);
  });

  it('leaves other algorithms and unusual parameters to WebCrypto', async () => {
    const ec = await signedRequest('ec-p256');
    const sha1 = new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.1' });
    expect(verifySignatureNatively({ ...ec, algorithm: sha1 })).toBeUndefined();
    const withParams = new AlgorithmIdentifier({
      algorithm: ec.algorithm.algorithm,
      parameters: new Uint8Array([0x05, 0x00]).buffer,
    });
    expect(
      verifySignatureNatively({ ...ec, algorithm: withParams }),
    ).toBeUndefined();
  });
});
