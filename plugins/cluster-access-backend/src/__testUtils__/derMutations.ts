/**
 * Structure-aware and byte-level mutations of DER, for the differential
 * fuzz test of the strict DER reader against the ASN.1 libraries. The tree
 * keeps each element's tag apart from its contents, so a mutation can change
 * a tag, a length's encoding or one element's contents and the rest still
 * encodes as before.
 */

/** A seeded PRNG (mulberry32), so every run makes the same mutations. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)];
    },
  };
}

export type Random = ReturnType<typeof seededRandom>;

/** One element; `raw` is bytes that are no element (garbage, trailing data). */
export interface DerNode {
  tag: number;
  children?: DerNode[];
  content?: Buffer;
  raw?: Buffer;
  /** How the length is written; minimal unless a mutation says otherwise. */
  length?: 'long1' | 'long2' | 'indefinite';
}

/** Reads DER (the seeds) into a tree; constructed tags get children. */
export function parseTree(buf: Buffer): DerNode {
  const nodes = parseList(buf);
  if (nodes.length !== 1) throw new Error('seed is not one element');
  return nodes[0];
}

function parseList(buf: Buffer): DerNode[] {
  const out: DerNode[] = [];
  let at = 0;
  while (at < buf.length) {
    const tag = buf[at];
    let length = buf[at + 1];
    let start = at + 2;
    if (length & 0x80) {
      const size = length & 0x7f;
      length = buf.readUIntBE(start, size);
      start += size;
    }
    const content = buf.subarray(start, start + length);
    out.push(
      tag & 0x20
        ? { tag, children: parseList(content) }
        : { tag, content: Buffer.from(content) },
    );
    at = start + length;
  }
  return out;
}

function lengthBytes(n: number, form: DerNode['length']): Buffer {
  if (form === 'indefinite') return Buffer.from([0x80]);
  if (form === 'long1' && n < 0x100) return Buffer.from([0x81, n]);
  if (form === 'long2' || form === 'long1') {
    return Buffer.from([0x82, n >> 8, n & 0xff]);
  }
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  if (n < 0x10000) return Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
}

export function encodeTree(node: DerNode): Buffer {
  if (node.raw) return node.raw;
  const content = node.children
    ? Buffer.concat(node.children.map(encodeTree))
    : node.content ?? Buffer.alloc(0);
  const parts = [
    Buffer.from([node.tag]),
    lengthBytes(content.length, node.length),
    content,
  ];
  if (node.length === 'indefinite') parts.push(Buffer.from([0, 0]));
  return Buffer.concat(parts);
}

export function cloneTree(node: DerNode): DerNode {
  return {
    ...node,
    children: node.children?.map(cloneTree),
    content: node.content && Buffer.from(node.content),
  };
}

interface Place {
  node: DerNode;
  parent?: DerNode;
  index: number;
}

function places(root: DerNode): Place[] {
  const out: Place[] = [{ node: root, index: 0 }];
  const walk = (parent: DerNode) =>
    parent.children?.forEach((node, index) => {
      out.push({ node, parent, index });
      walk(node);
    });
  walk(root);
  return out;
}

// Tags a hostile encoder would try: every string type, the universal types
// the certificate uses, context tags and a multi-byte tag's first octet.
const TAGS = [
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18,
  0x1c, 0x1e, 0x1f, 0x30, 0x31, 0x80, 0x81, 0x82, 0xa0, 0xa3,
];

const STRINGS = [
  'alice',
  'admin',
  'Alice',
  'alice ',
  '\ufeffalice',
  'alice\u0000',
  'zoë',
  'system:masters',
  'payments',
  'search',
  '',
  // Outside Go's PrintableString set ('@', '_'), and inside it ('*', '&').
  'alice@example.com',
  'pay_ments',
  'a&b*c',
  '0 1',
];

/** The text of a string element's contents in another string type. */
function encodeString(text: string, tag: number): Buffer {
  switch (tag) {
    case 0x1e: {
      const b = Buffer.from(text, 'utf16le');
      return b.swap16();
    }
    case 0x1c: {
      const out = Buffer.alloc(text.length * 4);
      [...text].forEach((c, i) => out.writeUInt32BE(c.codePointAt(0)!, i * 4));
      return out.subarray(0, [...text].length * 4);
    }
    case 0x13:
    case 0x14:
    case 0x16:
      return Buffer.from(text, 'latin1');
    default:
      return Buffer.from(text, 'utf8');
  }
}

// UTF8, Numeric, Printable, T61, IA5, Visible, Universal and BMPString:
// the ones Go reads in names and some it refuses.
const STRING_TAGS = [0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e];

function mutateContent(node: DerNode, random: Random): void {
  const c = node.content ?? Buffer.alloc(0);
  const at = random.int(c.length + 1);
  const byte = random.pick([0x00, 0x01, 0x7f, 0x80, 0xff, random.int(256)]);
  switch (random.int(9)) {
    case 0:
      if (c.length) c[at % c.length] ^= 1 << random.int(8);
      break;
    case 1:
      node.content = Buffer.concat([
        c.subarray(0, at),
        Buffer.from([byte]),
        c.subarray(at),
      ]);
      break;
    case 2:
      node.content = Buffer.concat([c.subarray(0, at), c.subarray(at + 1)]);
      break;
    case 3:
      // Non-minimal INTEGERs and OID arcs, BIT STRING unused-bit counts.
      node.content = Buffer.concat([Buffer.from([byte]), c]);
      break;
    case 4:
      node.content = Buffer.from(
        random.pick([[0x00], [0x01], [0xff], [0x00, 0xff], [], [0x07, 0x80]]),
      );
      break;
    default: {
      const tag = random.pick(STRING_TAGS);
      node.tag = tag;
      node.content = encodeString(random.pick(STRINGS), tag);
    }
  }
}

function randomElement(random: Random, tree: DerNode): DerNode {
  if (random.int(4) === 0) {
    return {
      tag: 0,
      raw: Buffer.from(
        random.pick([[0x05, 0x00], [0x00], [0x00, 0x00], [0x80]]),
      ),
    };
  }
  return cloneTree(random.pick(places(tree)).node);
}

/** One structure-aware mutation, in place; the root keeps its place. */
export function mutateTree(root: DerNode, random: Random): void {
  const all = places(root);
  const { node, parent, index } = random.pick(all);
  const siblings = parent?.children;
  switch (random.int(8)) {
    case 0:
      node.length = random.pick(['long1', 'long2', 'indefinite'] as const);
      break;
    case 1:
      node.tag = random.int(3) === 0 ? node.tag ^ 0x20 : random.pick(TAGS);
      break;
    case 2:
      siblings?.splice(index + 1, 0, cloneTree(node));
      break;
    case 3:
      siblings?.splice(index, 1);
      break;
    case 4:
      if (siblings && index + 1 < siblings.length) {
        [siblings[index], siblings[index + 1]] = [siblings[index + 1], node];
      }
      break;
    case 5: {
      // Elements moved elsewhere: multi-valued RDNs, extensions repeated in
      // other lists, trailing elements inside a structure.
      const target = random.pick(all.filter(p => p.node.children)).node;
      target.children!.splice(
        random.int(target.children!.length + 1),
        0,
        randomElement(random, root),
      );
      break;
    }
    default:
      if (node.content) mutateContent(node, random);
      else if (node.children?.length) {
        mutateContent(random.pick(node.children), random);
      }
  }
}

/** One byte-level mutation of an encoding. */
export function mutateBytes(buf: Buffer, random: Random): Buffer {
  const at = random.int(buf.length);
  const out = Buffer.from(buf);
  switch (random.int(6)) {
    case 0:
      out[at] ^= 1 << random.int(8);
      return out;
    case 1:
      out[at] = random.pick([0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0xff]);
      return out;
    case 2:
      return Buffer.concat([
        out.subarray(0, at),
        Buffer.from([random.int(256)]),
        out.subarray(at),
      ]);
    case 3:
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
    case 4:
      return out.subarray(0, at);
    default:
      return Buffer.concat([out, Buffer.from([0x05, 0x00])]);
  }
}
