// Malformed DNS packets for fuzzing the embedded DNS: a seeded generator (the same seed gives the same
// packets, so a failure can be replayed) of queries bent in the ways a hostile or broken resolver
// bends them: flipped bits, lying counts and label lengths, compression pointers into themselves,
// truncation, trailing junk, and plain noise.
import { CLASS_IN, TYPE, encodeMessage, encodeName } from '../../../src/network/dns/dns-message.js';
import { prng } from '../../support/seeded-random.js';

export { prng };

const NAMES = ['web', 'www', 'db.appnet', 'WEB', 'web.', 'example.com', '2.0.1.10.in-addr.arpa', 'a'.repeat(63), `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(61)}`, ''];
const TYPES = [TYPE.A, TYPE.AAAA, TYPE.PTR, TYPE.MX, TYPE.ANY, TYPE.OPT, 0, 65535];

/** Well-formed messages the mutations start from: queries, a response, one with EDNS, several questions. */
export function seeds(): Buffer[] {
  const q = (name: string, type: number, extra: Partial<Parameters<typeof encodeMessage>[0]> = {}) =>
    encodeMessage({ id: 0x1234, flags: 0x0100, questions: [{ name, type, class: CLASS_IN }], answers: [], authorities: [], additionals: [], ...extra });
  const out = NAMES.flatMap((n) => TYPES.map((t) => q(n, t)));
  out.push(q('web', TYPE.A, { flags: 0x8180 }));
  out.push(q('web', TYPE.A, { additionals: [{ name: '', type: TYPE.OPT, class: 4096, ttl: 0, data: Buffer.alloc(0) }] }));
  out.push(encodeMessage({ id: 1, flags: 0x0100, questions: [{ name: 'web', type: TYPE.A, class: CLASS_IN }, { name: 'www', type: TYPE.A, class: CLASS_IN }], answers: [], authorities: [], additionals: [] }));
  out.push(q('web', TYPE.A, { answers: [{ name: 'web', type: TYPE.A, class: CLASS_IN, ttl: 1, data: Buffer.from([1, 2, 3, 4]) }] }));
  return out;
}

export function mutate(seed: Buffer, rand: () => number): Buffer {
  const int = (n: number) => Math.floor(rand() * n);
  let b = Buffer.from(seed);
  const rounds = 1 + int(4);
  for (let i = 0; i < rounds; i++) {
    switch (int(10)) {
      case 0: // flip a bit
        if (b.length) b[int(b.length)]! ^= 1 << int(8);
        break;
      case 1: // a random byte
        if (b.length) b[int(b.length)] = int(256);
        break;
      case 2: // cut short
        b = b.subarray(0, int(b.length + 1));
        break;
      case 3: // junk after the end
        b = Buffer.concat([b, Buffer.from(Array.from({ length: int(40) }, () => int(256)))]);
        break;
      case 4: // lying section counts
        if (b.length >= 12) b.writeUInt16BE([0, 1, 2, 255, 65535][int(5)]!, 4 + 2 * int(4));
        break;
      case 5: // a compression pointer anywhere, to anywhere (itself included)
        if (b.length >= 14) {
          const at = 12 + int(b.length - 13);
          const to = int(3) === 0 ? at : int(b.length + 8);
          b[at] = 0xc0 | ((to >> 8) & 0x3f);
          b[at + 1] = to & 0xff;
        }
        break;
      case 6: // a label length that lies, or uses the reserved label types
        if (b.length > 12) b[12 + int(b.length - 12)] = [63, 64, 0x40, 0x80, 0xff][int(5)]!;
        break;
      case 7: // a slice repeated
        if (b.length > 12) {
          const from = 12 + int(b.length - 12);
          b = Buffer.concat([b, b.subarray(from, from + 1 + int(30))]);
        }
        break;
      case 8: // a name spliced in raw (may be past 255 octets once repeated)
        b = Buffer.concat([b.subarray(0, 12), encodeName(NAMES[int(NAMES.length)]!), b.subarray(12)]);
        break;
      default: // plain noise of any length
        b = Buffer.from(Array.from({ length: int(600) }, () => int(256)));
    }
  }
  return b;
}

/** A self-referencing pointer loop and a chain of pointers, the classic decompression traps. */
export function traps(): Buffer[] {
  const header = Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const loop = Buffer.concat([header, Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
  const mutual = Buffer.concat([header, Buffer.from([0xc0, 14, 0xc0, 12, 0, 1, 0, 1])]);
  // The question's name is a pointer into a chain of 200 pointers, each to the next, ending in "a":
  // far more jumps than any real name needs.
  const chain = [0xc0, 18, 0, 1, 0, 1];
  for (let i = 0; i < 200; i++) chain.push(0xc0, 18 + 2 * (i + 1));
  chain.push(1, 0x61, 0);
  const chained = Buffer.concat([header, Buffer.from(chain)]);
  const longName = Buffer.concat([header, Buffer.from(Array.from({ length: 5 }, () => [63, ...Buffer.alloc(63, 0x61)]).flat()), Buffer.from([0, 0, 1, 0, 1])]);
  return [loop, mutual, chained, longName, header.subarray(0, 11), Buffer.alloc(0), header];
}
