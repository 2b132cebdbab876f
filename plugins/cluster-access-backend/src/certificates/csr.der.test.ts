import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { InputError } from '@backstage/errors';
import { validateCsr } from './csr';
import { fieldsOf, readDer } from './der';
import {
  clientSubject,
  createCsr,
  hex,
  resignedDer,
  testKeys,
  tlv,
} from '../__testUtils__/pki';
import {
  cloneTree,
  DerNode,
  encodeTree,
  parseTree,
} from '../__testUtils__/derMutations';

// What the strict DER reader refuses is read by the ASN.1 libraries, as
// before; these CSRs check that hostile encodings end as they always did.

jest.setTimeout(30_000);

const username = 'alice';
const groups = ['payments', 'search'];
const check = (csrPem: string) => validateCsr({ csrPem, username, groups });

const OID_KU = hex('0603551d0f');
const OID_EKU = hex('0603551d25');
const CLIENT_AUTH = hex('06082b06010505070302');
const SERVER_AUTH = hex('06082b06010505070301');

/** One Extension: OID, optional raw BOOLEAN bytes, extnValue contents. */
function extension(oid: Buffer, value: Buffer, critical?: Buffer): Buffer {
  return tlv(0x30, oid, critical ?? Buffer.alloc(0), tlv(0x04, value));
}

/** A CSR whose extensionRequest value is exactly these bytes. */
function csrWithRequest(value: Buffer): Promise<string> {
  return createCsr({
    subject: clientSubject(username, groups),
    attributes: [
      new x509.Attribute('1.2.840.113549.1.9.14', [
        new Uint8Array(value).buffer,
      ]),
    ],
  });
}

async function der(pem: string): Promise<Buffer> {
  return Buffer.from(x509.PemConverter.decodeFirst(pem));
}

describe('validateCsr against hostile encodings', () => {
  it('refuses bytes after the request', async () => {
    const good = await der(
      await createCsr({ subject: clientSubject(username, groups) }),
    );
    const pem = x509.PemConverter.encode(
      Buffer.concat([good, Buffer.from([0x05, 0x00])]),
      'CERTIFICATE REQUEST',
    );
    await expect(check(pem)).rejects.toThrow(/not DER-encoded/);
  });

  it('refuses a request under another tag', async () => {
    const good = await der(
      await createCsr({ subject: clientSubject(username, groups) }),
    );
    const set = Buffer.from(good);
    set[0] = 0x31;
    await expect(
      check(x509.PemConverter.encode(set, 'CERTIFICATE REQUEST')),
    ).rejects.toThrow(/not a valid PKCS#10/);
  });

  it('refuses a second CN hidden in a multi-valued RDN', async () => {
    const error = await check(
      await createCsr({
        subject: [
          { O: ['payments'], CN: ['admin'] },
          { CN: ['alice'] },
          { O: ['search'] },
        ],
      }),
    ).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/one holds 2/);
    expect(error.message).toMatch(/exactly one CN .*found 2/);
  });

  it('reads a subject in other string types as the libraries do', async () => {
    const subject = new x509.Name([
      { CN: [{ utf8String: 'alice' }] },
      { O: [{ utf8String: 'payments' }] },
      { O: [{ printableString: 'search' }] },
      { OU: [{ bmpString: 'ops' }] },
    ]);
    await expect(check(await createCsr({ subject }))).rejects.toThrow(
      /may only contain CN and O; found OU/,
    );
  });

  it('refuses a key usage extension listed twice, whatever the first says', async () => {
    const value = tlv(
      0x30,
      extension(OID_KU, hex('03020780')),
      extension(OID_KU, hex('03020284')),
    );
    const error = await check(await csrWithRequest(value)).catch(e => e);
    expect(error.message).toMatch(
      /extension 2\.5\.29\.15 \(key usage\) more than once/,
    );
    expect(error.message).toMatch(/key usage keyCertSign/);
  });

  it('refuses extensions in BER, which Go (Vault, kube-apiserver) refuses, naming what is not DER', async () => {
    // A key usage whose padding bits are set and an EKU OID (clientAuth)
    // with a padded arc: the library read them (dropping the padded bits:
    // digitalSignature alone) and the CSR was accepted.
    const value = tlv(
      0x30,
      extension(OID_KU, hex('03020585')),
      extension(OID_EKU, tlv(0x30, tlv(0x06, hex('2b8006010505070302')))),
    );
    const error = await check(await csrWithRequest(value)).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Invalid csr: the CSR requests extension 2.5.29.15 (key usage) that is not DER-encoded: it has a BIT STRING whose unused bits are not zero; the CSR requests extension 2.5.29.37 (extended key usage) that is not DER-encoded: it has an OBJECT IDENTIFIER arc not in its shortest form',
    );
    // critical as BOOLEAN 0x01 (DER wants 0xff): Go's encoding/asn1
    // parseBool refuses the whole request.
    const critical = tlv(
      0x30,
      extension(OID_EKU, tlv(0x30, CLIENT_AUTH), hex('010101')),
    );
    await expect(check(await csrWithRequest(critical))).rejects.toThrow(
      /^csr is not DER-encoded: it has a BOOLEAN other than 00 \(false\) or FF \(true\)$/,
    );
  });

  it('refuses a request in BER, naming what is not DER', async () => {
    const keys = await testKeys();
    const tree = parseTree(
      await der(
        await createCsr({ subject: clientSubject(username, groups), keys }),
      ),
    );
    const berCsr = (change: (info: DerNode) => void) => {
      const info = cloneTree(tree.children![0]);
      change(info);
      const csr = resignedDer({
        tbs: encodeTree(info),
        algorithm: encodeTree(tree.children![1]),
        privateKey: keys.keys.privateKey,
      });
      return check(x509.PemConverter.encode(csr, 'CERTIFICATE REQUEST'));
    };
    // The subject with BER's indefinite length; the version with a length
    // in two bytes where one does.
    await expect(
      berCsr(info => {
        info.children![1].length = 'indefinite';
      }),
    ).rejects.toThrow(
      /^csr is not DER-encoded: it has an indefinite length \(BER\)$/,
    );
    await expect(
      berCsr(info => {
        info.children![0].length = 'long1';
      }),
    ).rejects.toThrow(
      /^csr is not DER-encoded: it has a length not in its shortest form$/,
    );
  });

  describe('subject strings, as Go reads them (crypto/x509 parseASN1String)', () => {
    /** A CSR whose subject CN value is these bytes under this tag. */
    async function csrWithCn(tag: number, value: Buffer): Promise<string> {
      const keys = await testKeys();
      const tree = parseTree(
        await der(
          await createCsr({ subject: clientSubject(username, groups), keys }),
        ),
      );
      const info = tree.children![0];
      const cn = info.children![1].children![0].children![0].children![1];
      cn.tag = tag;
      cn.content = value;
      const csr = resignedDer({
        tbs: encodeTree(info),
        algorithm: encodeTree(tree.children![1]),
        privateKey: keys.keys.privateKey,
      });
      return x509.PemConverter.encode(csr, 'CERTIFICATE REQUEST');
    }
    const checkAs = (user: string) => (csrPem: string) =>
      validateCsr({ csrPem, username: user, groups });

    it.each([
      ['alice_b', "'_'"],
      ['alice@example.com', "'@'"],
      ['alice\u00e9', '0xE9'],
    ])(
      'refuses a PrintableString CN %j, which Go refuses',
      async (cn, character) => {
        const pem = await csrWithCn(0x13, Buffer.from(cn, 'latin1'));
        await expect(checkAs(cn)(pem)).rejects.toThrow(
          `csr subject has a value Go (Vault, Kubernetes) cannot read: a PrintableString with the character ${character}`,
        );
      },
    );

    it("takes the '*' and '&' Go allows in a PrintableString", async () => {
      const pem = await csrWithCn(0x13, Buffer.from('a&b*c'));
      await expect(checkAs('a&b*c')(pem)).resolves.toMatchObject({
        organizations: groups,
      });
    });

    it('refuses a UTF8String CN that is not UTF-8', async () => {
      const pem = await csrWithCn(0x0c, hex('616c69636580'));
      await expect(check(pem)).rejects.toThrow(
        /^csr subject has a value Go \(Vault, Kubernetes\) cannot read: a UTF8String that is not valid UTF-8$/,
      );
    });
  });

  it('refuses an extension request that is not a SEQUENCE of extensions', async () => {
    const value = tlv(0x31, extension(OID_EKU, tlv(0x30, CLIENT_AUTH)));
    await expect(check(await csrWithRequest(value))).rejects.toThrow(
      /extension request cannot be read/,
    );
  });

  it('reads an extension request with bytes after it as the library does', async () => {
    const value = Buffer.concat([
      tlv(0x30, extension(OID_EKU, tlv(0x30, SERVER_AUTH))),
      hex('0500'),
    ]);
    await expect(check(await csrWithRequest(value))).rejects.toThrow(
      /extended key usage 1\.3\.6\.1\.5\.5\.7\.3\.1; it must be exactly clientAuth/,
    );
  });

  it('refuses a constructed NULL as parameters with a 400, as the library does', async () => {
    // The strict reader took the constructed NULL (0x25) for parameters;
    // WebCrypto's reading then threw, and the request ended in a 500.
    const good = await der(
      await createCsr({ subject: clientSubject(username, groups) }),
    );
    const [info, algorithm, signature] = fieldsOf(readDer(good), 0x30, 3);
    const [oid] = fieldsOf(algorithm, 0x30, 1);
    const odd = tlv(
      0x30,
      info.bytes,
      tlv(0x30, oid.bytes, hex('2500')),
      signature.bytes,
    );
    const error = await check(
      x509.PemConverter.encode(odd, 'CERTIFICATE REQUEST'),
    ).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/not a valid PKCS#10/);
  });

  it('refuses an RSA key whose exponent is no INTEGER as unreadable, as the library does', async () => {
    const keys = await testKeys('rsa-2048');
    const good = await der(
      await createCsr({ subject: clientSubject(username, groups), keys }),
    );
    const [info, algorithm] = fieldsOf(readDer(good), 0x30, 3);
    const odd = Buffer.from(info.bytes);
    const exponent = odd.lastIndexOf(hex('0203010001'));
    odd[exponent] = 0x04;
    const csr = resignedDer({
      tbs: odd,
      algorithm: algorithm.bytes,
      privateKey: keys.keys.privateKey,
    });
    await expect(
      check(x509.PemConverter.encode(csr, 'CERTIFICATE REQUEST')),
    ).rejects.toThrow(/^Invalid csr: the CSR public key cannot be read$/);
  });

  it('refuses an RSA key in BER, which Go reads as DER only (parsePublicKey)', async () => {
    const keys = await testKeys('rsa-2048');
    const tree = parseTree(
      await der(
        await createCsr({ subject: clientSubject(username, groups), keys }),
      ),
    );
    const info = tree.children![0];
    const bits = info.children![2].children![1];
    const key = parseTree(bits.content!.subarray(1));
    // The exponent 65537 with a superfluous leading zero byte.
    key.children![1].content = hex('00010001');
    bits.content = Buffer.concat([hex('00'), encodeTree(key)]);
    const csr = resignedDer({
      tbs: encodeTree(info),
      algorithm: encodeTree(tree.children![1]),
      privateKey: keys.keys.privateKey,
    });
    await expect(
      check(x509.PemConverter.encode(csr, 'CERTIFICATE REQUEST')),
    ).rejects.toThrow(
      /^Invalid csr: the CSR's RSA public key is not DER-encoded: it has an INTEGER not in its shortest form$/,
    );
  });

  it('refuses BER inside an attribute value as not DER, as the library does', async () => {
    // An extension whose OID has a long-form length: the strict reader used
    // to take the attribute value unread; asn1js re-encodes the OID.
    const keys = await testKeys();
    const good = await der(
      await createCsr({
        subject: clientSubject(username, groups),
        keys,
        extensions: [
          new x509.ExtendedKeyUsageExtension(
            [x509.ExtendedKeyUsage.clientAuth],
            true,
          ),
        ],
      }),
    );
    const tree = parseTree(good);
    const info = tree.children![0];
    const eku = (node: DerNode): DerNode | undefined =>
      node.content?.equals(hex('551d25'))
        ? node
        : node.children?.map(eku).find(Boolean);
    eku(info)!.length = 'long2';
    const csr = resignedDer({
      tbs: encodeTree(info),
      algorithm: encodeTree(tree.children![1]),
      privateKey: keys.keys.privateKey,
    });
    expect(csr.includes(hex('06820003551d25'))).toBe(true);
    await expect(
      check(x509.PemConverter.encode(csr, 'CERTIFICATE REQUEST')),
    ).rejects.toThrow(/csr is not DER-encoded/);
  });

  it('accepts the allowed extensions in DER', async () => {
    const value = tlv(
      0x30,
      extension(OID_KU, hex('03020780'), hex('0101ff')),
      extension(OID_EKU, tlv(0x30, CLIENT_AUTH)),
    );
    await expect(check(await csrWithRequest(value))).resolves.toMatchObject({
      keyType: 'ec',
    });
  });
});
