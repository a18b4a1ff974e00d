// Fuzzing the embedded DNS's handling of packets from containers (no root, no sockets): whatever the
// bytes, the decoder either reads a message or throws DnsFormatError, and the responder answers with
// a well-formed reply (FORMERR for what it cannot read), forwards a query it read, or drops a
// response — it never throws and never loops. Seeded: a failure names the seed and the packet.
import type { DnsNetworkView } from '../../src/network/dns/dns-answer.js';
import { DnsFormatError, RCODE, decodeMessage, encodeMessage, flag, type DnsMessage } from '../../src/network/dns/dns-message.js';
import { respond } from '../../src/network/dns/dns-responder.js';
import { mutate, prng, seeds, traps } from './helpers/dns-mutations.js';

const views: DnsNetworkView[] = [
  { network: 'appnet', peers: [{ names: ['db', 'database'], ip: '10.1.0.2' }, { names: ['web', 'www'], ip: '10.1.0.3' }] },
  { network: 'net2', peers: [{ names: ['web'], ip: '10.2.0.3' }] },
];
const ITERATIONS = Number(process.env.DNS_FUZZ_ITERATIONS ?? 20_000);

function decodeOrFormatError(packet: Buffer): DnsMessage | DnsFormatError {
  try {
    return decodeMessage(packet);
  } catch (err) {
    if (err instanceof DnsFormatError) return err;
    throw new Error(`decodeMessage threw ${String(err)} for ${packet.toString('hex')}`);
  }
}

function check(packet: Buffer): 'reply' | 'forward' | 'drop' {
  let action: ReturnType<typeof respond>;
  try {
    action = respond(packet, () => views);
  } catch (err) {
    throw new Error(`respond threw ${String(err)} for ${packet.toString('hex')}`);
  }
  const decoded = decodeOrFormatError(packet);
  if (action.kind === 'drop') {
    // Only runts and responses are dropped.
    if (!(packet.length < 12 || flag.qr(packet.readUInt16BE(2)))) throw new Error(`dropped a query: ${packet.toString('hex')}`);
    return 'drop';
  }
  if (action.kind === 'forward') {
    if (decoded instanceof DnsFormatError) throw new Error(`forwarded an unreadable packet: ${packet.toString('hex')}`);
    return 'forward';
  }
  const reply = decodeMessage(action.packet);
  if (!flag.qr(reply.flags) || reply.id !== packet.readUInt16BE(0)) throw new Error(`bad reply header for ${packet.toString('hex')}`);
  const rcode = flag.rcode(reply.flags);
  if (decoded instanceof DnsFormatError && rcode !== RCODE.FORMERR) throw new Error(`unreadable packet answered ${rcode}: ${packet.toString('hex')}`);
  if (![RCODE.NOERROR, RCODE.FORMERR, RCODE.NOTIMP].includes(rcode as 0 | 1 | 4)) throw new Error(`rcode ${rcode} for ${packet.toString('hex')}`);
  if (rcode === RCODE.NOERROR && !(decoded instanceof DnsFormatError)) expect(reply.questions).toEqual(decoded.questions.map((q) => ({ ...q })));
  return 'reply';
}

test('the classic traps: pointer loops, pointer chains, over-long names, runts', () => {
  expect(traps().map(check)).toEqual(['reply', 'reply', 'reply', 'reply', 'drop', 'drop', 'reply']);
  for (const t of traps().slice(0, 4)) expect(() => decodeMessage(t)).toThrow(DnsFormatError);
});

test(`${ITERATIONS} mutated and random packets: no exception, every reply well formed`, () => {
  const seed = Number(process.env.DNS_FUZZ_SEED ?? 20261203);
  const rand = prng(seed);
  const corpus = seeds();
  const seen = { reply: 0, forward: 0, drop: 0 };
  for (let i = 0; i < ITERATIONS; i++) {
    const packet = mutate(corpus[Math.floor(rand() * corpus.length)]!, rand);
    try {
      seen[check(packet)]++;
    } catch (err) {
      throw new Error(`seed ${seed}, packet ${i}: ${(err as Error).message}`);
    }
  }
  // The mutations reach every outcome, not only the decoder's first check.
  expect(seen.reply).toBeGreaterThan(ITERATIONS / 10);
  expect(seen.forward).toBeGreaterThan(ITERATIONS / 100);
  expect(seen.drop).toBeGreaterThan(0);
});

test('names it owns are answered, other ones forwarded, whatever their case', () => {
  const q = (name: string, type: number) => encodeMessage({ id: 9, flags: 0x0100, questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [] });
  const a = respond(q('DB.appnet', 1), () => views);
  expect(a.kind).toBe('reply');
  expect(decodeMessage((a as { packet: Buffer }).packet).answers.map((r) => [...r.data].join('.'))).toEqual(['10.1.0.2']);
  expect(respond(q('example.com', 1), () => views).kind).toBe('forward');
  // A label holding a dot reads as the name it spells; it is answered as that name.
  const dotted = Buffer.concat([Buffer.from([0, 5, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9]), Buffer.from('db.appnet'), Buffer.from([0, 0, 1, 0, 1])]);
  expect(check(dotted)).toBe('reply');
});
