import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, sign } from 'node:crypto';
import { checkCsr } from './csr';
import { checkIssuedCertificate } from './issued';
import { readCertificate, readCsr } from './x509Der';
import {
  clientSubject,
  createCsr,
  createTestCa,
  testKeys,
  TestKeyKind,
} from '../__testUtils__/pki';
import {
  cloneTree,
  DerNode,
  encodeTree,
  mutateBytes,
  mutateTree,
  parseTree,
  Random,
  seededRandom,
} from '../__testUtils__/derMutations';

// Differential fuzzing of the strict DER reader (der.ts, x509Der.ts and the
// strict readings in extensions.ts and keys.ts): every mutated CSR and
// certificate must get the same answer (accepted with the same facts, or
// refused with the same message) as from the ASN.1 libraries' reading,
// which a second copy of the modules uses for everything because its
// readDer refuses all input. Mutations inside the signed part are signed
// again, so that a difference in reading cannot hide behind a signature
// that no longer verifies.

type Checks = {
  checkCsr: typeof checkCsr;
  checkIssuedCertificate: typeof checkIssuedCertificate;
};

let library: Checks;
jest.isolateModules(() => {
  jest.doMock('./der', () => {
    const actual = jest.requireActual('./der');
    return {
      ...actual,
      readDer: () => {
        throw new actual.DerError('the library reading, for the fuzz test');
      },
    };
  });
  library = { ...require('./csr'), ...require('./issued') };
});
const fast: Checks = { checkCsr, checkIssuedCertificate };

const username = 'alice';
const groups = ['payments', 'search'];
// Mutants per kind; FUZZ_CASES=20000 (and FUZZ_SEED) for a longer hunt.
const CASES = Number(process.env.FUZZ_CASES ?? 600);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
jest.setTimeout(60_000 + CASES * 100);

/** The answer, in words to compare: what was read, or the error. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    const result = (await run()) as Record<string, unknown>;
    return JSON.stringify(result, (_key, value) =>
      value instanceof ArrayBuffer ? Buffer.from(value).toString('hex') : value,
    );
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

interface Seed {
  name: string;
  tree: DerNode;
  key: KeyObject;
  hash: string;
  /** The serial number a signer would report, for certificates. */
  serialNumber?: string;
}

/** The structure with its signed part as these bytes, signed again. */
function signed(seed: Seed, tbs: Buffer): Buffer {
  const [, algorithm] = seed.tree.children!;
  const signature = sign(seed.hash, tbs, seed.key);
  return encodeTree({
    tag: 0x30,
    children: [
      { tag: 0, raw: tbs },
      algorithm,
      { tag: 0x03, content: Buffer.concat([Buffer.from([0]), signature]) },
    ],
  });
}

/** A mutant of the seed, and how it was made. */
function mutant(seed: Seed, random: Random): { der: Buffer; how: string } {
  const mode = random.pick([
    'signed tree',
    'signed tree',
    'signed tree',
    'signed tree',
    'signed bytes',
    'signed bytes',
    'unsigned tree',
    'unsigned bytes',
  ]);
  const rounds = 1 + random.int(3);
  if (mode === 'signed tree' || mode === 'signed bytes') {
    const tbs = cloneTree(seed.tree.children![0]);
    if (mode === 'signed tree') {
      for (let i = 0; i < rounds; i++) mutateTree(tbs, random);
      return { der: signed(seed, encodeTree(tbs)), how: mode };
    }
    let bytes = encodeTree(tbs);
    for (let i = 0; i < rounds; i++) bytes = mutateBytes(bytes, random);
    return { der: signed(seed, bytes), how: mode };
  }
  const tree = cloneTree(seed.tree);
  if (mode === 'unsigned tree') {
    for (let i = 0; i < rounds; i++) mutateTree(tree, random);
    return { der: encodeTree(tree), how: mode };
  }
  let bytes = encodeTree(tree);
  for (let i = 0; i < rounds; i++) bytes = mutateBytes(bytes, random);
  return { der: bytes, how: mode };
}

function readsStrictly(read: (der: Buffer) => unknown, der: Buffer) {
  try {
    read(der);
    return true;
  } catch {
    return false;
  }
}

interface Tally {
  cases: number;
  accepted: number;
  strict: number;
  mismatches: string[];
}

interface FuzzOptions {
  seeds: Seed[];
  cases: number;
  random: Random;
  pem: string;
  read: (der: Buffer) => unknown;
  check: (checks: Checks, pem: string, seed: Seed) => Promise<unknown>;
}

async function fuzzCase(
  options: FuzzOptions,
  tally: Tally,
  i: number,
): Promise<void> {
  const seed = options.seeds[i % options.seeds.length];
  const { der, how } = mutant(seed, options.random);
  const pem = x509.PemConverter.encode(der, options.pem);
  const strictAnswer = await outcome(() => options.check(fast, pem, seed));
  const libraryAnswer = await outcome(() => options.check(library, pem, seed));
  tally.cases++;
  if (strictAnswer.startsWith('{')) tally.accepted++;
  if (readsStrictly(options.read, der)) tally.strict++;
  if (strictAnswer !== libraryAnswer) {
    tally.mismatches.push(
      `case ${i} (${seed.name}, ${how}) ${der.toString('hex')}\n  strict:  ${strictAnswer}\n  library: ${libraryAnswer}`,
    );
  }
}

async function fuzz(options: FuzzOptions): Promise<Tally> {
  const tally: Tally = { cases: 0, accepted: 0, strict: 0, mismatches: [] };
  for (let i = 0; i < options.cases; i++) await fuzzCase(options, tally, i);
  if (process.env.FUZZ_TALLY) {
    console.log(
      JSON.stringify({ ...tally, mismatches: tally.mismatches.length }),
    );
  }
  return tally;
}

/** The first mismatches, and whether both readings and answers occurred. */
function agreement(tally: Tally) {
  const share = (n: number) => n / tally.cases;
  return {
    mismatches: tally.mismatches.slice(0, 5),
    bothReadings: share(tally.strict) > 0.1 && share(tally.strict) < 0.9,
    bothAnswers: share(tally.accepted) > 0.02 && share(tally.accepted) < 0.5,
  };
}

const AGREEMENT = { mismatches: [], bothReadings: true, bothAnswers: true };

async function csrSeed(
  name: string,
  kind: TestKeyKind,
  hash: string,
  options: Omit<Parameters<typeof createCsr>[0], 'keys'>,
): Promise<Seed> {
  const keys = await testKeys(kind);
  const pem = await createCsr({ ...options, keys });
  return {
    name,
    tree: parseTree(Buffer.from(x509.PemConverter.decodeFirst(pem))),
    key: KeyObject.from(keys.keys.privateKey),
    hash,
  };
}

describe('the strict DER reader against the ASN.1 libraries', () => {
  it('answers every mutated CSR as the library reading does', async () => {
    const extensions = [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.BasicConstraintsExtension(false, undefined, true),
    ];
    const seeds = [
      await csrSeed('EC P-256 with extensions', 'ec-p256', 'sha256', {
        subject: clientSubject(username, groups),
        extensions,
      }),
      await csrSeed('EC P-384, UTF8String', 'ec-p384', 'sha384', {
        subject: new x509.Name([
          { O: [{ utf8String: 'payments' }] },
          { CN: [{ utf8String: username }] },
          { O: [{ printableString: 'search' }] },
        ]),
        extensions: extensions.slice(1),
      }),
      await csrSeed('RSA 2048', 'rsa-2048', 'sha256', {
        subject: clientSubject(username, groups),
      }),
    ];
    const tally = await fuzz({
      seeds,
      cases: CASES,
      random: seededRandom(SEED),
      pem: 'CERTIFICATE REQUEST',
      read: readCsr,
      check: (checks, csrPem) => checks.checkCsr({ csrPem, username }),
    });
    expect(agreement(tally)).toEqual(AGREEMENT);
  });

  it('answers every mutated certificate as the library reading does', async () => {
    const ca = await createTestCa('Fuzz Test CA');
    const csrPem = await createCsr({ subject: clientSubject(username, groups) });
    const { publicKeyDer } = await checkCsr({ csrPem, username });
    const notAfter = new Date(Date.now() + 3600_000);
    const now = new Date();
    const seedOf = async (
      name: string,
      options: Partial<Parameters<typeof ca.sign>[0]>,
    ): Promise<Seed> => {
      const issued = await ca.sign({ csrPem, notAfter, ...options });
      return {
        name,
        tree: parseTree(Buffer.from(x509.PemConverter.decodeFirst(issued.pem))),
        key: KeyObject.from(ca.keys.privateKey),
        hash: 'sha256',
        serialNumber: issued.serialNumber,
      };
    };
    const seeds = [
      await seedOf('client certificate', {
        extraExtensions: [
          new x509.SubjectKeyIdentifierExtension('00112233'),
          new x509.AuthorityKeyIdentifierExtension('44556677'),
        ],
      }),
      await seedOf('CA:false, UTF8String', {
        // The generator takes typed values, which JsonName's type omits.
        subject: [
          { CN: [{ utf8String: username }] },
          ...groups.map(g => ({ O: [{ utf8String: g }] })),
        ] as unknown as x509.JsonName,
        ca: false,
      }),
    ];
    const tally = await fuzz({
      seeds,
      cases: CASES,
      random: seededRandom(SEED + 1),
      pem: 'CERTIFICATE',
      read: readCertificate,
      check: (checks, certificatePem, seed) =>
        checks.checkIssuedCertificate({
          certificatePem,
          caChainPems: [ca.pem],
          trustAnchorPems: [ca.pem],
          username,
          groups,
          publicKeyDer,
          keyType: 'ec',
          serialNumber: seed.serialNumber!,
          notAfterLimit: notAfter,
          now,
        }),
    });
    expect(agreement(tally)).toEqual(AGREEMENT);
  });
});
