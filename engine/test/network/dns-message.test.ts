import { answerQuestion, lookupName, type DnsNetworkView } from '../../src/network/dns/dns-answer.js';
import {
  CLASS_IN,
  DnsFormatError,
  RCODE,
  TYPE,
  aData,
  decodeMessage,
  encodeMessage,
  encodeName,
  flag,
  ipFromReverseName,
  readAData,
  readName,
  replyFlags,
  reverseName,
} from '../../src/network/dns/dns-message.js';

/** A query as `dig web A` sends it (RD set). */
function query(name: string, type: number, id = 0x1234): Buffer {
  return encodeMessage({ id, flags: 0x0100, questions: [{ name, type, class: CLASS_IN }], answers: [], authorities: [], additionals: [] });
}

describe('DNS wire format', () => {
  test('a query encodes as RFC 1035 lays it out', () => {
    expect(query('web.net1', TYPE.A).toString('hex')).toBe(
      '1234' + '0100' + '0001' + '0000' + '0000' + '0000' + '03776562' + '046e657431' + '00' + '0001' + '0001',
    );
  });

  test('round trip, with the answer name compressed to the question', () => {
    const msg = {
      id: 7,
      flags: replyFlags(0x0100, RCODE.NOERROR, true),
      questions: [{ name: 'Web', type: TYPE.A, class: CLASS_IN }],
      answers: [
        { name: 'web', type: TYPE.A, class: CLASS_IN, ttl: 600, data: aData('10.231.1.2') },
        { name: 'other', type: TYPE.A, class: CLASS_IN, ttl: 5, data: aData('10.231.1.3') },
      ],
      authorities: [],
      additionals: [],
    };
    const wire = encodeMessage(msg);
    expect(wire.subarray(21, 23).toString('hex')).toBe('c00c'); // first answer: pointer to offset 12
    const back = decodeMessage(wire);
    expect(back.questions).toEqual([{ name: 'Web', type: TYPE.A, class: CLASS_IN }]);
    expect(back.answers.map((a) => [a.name, a.ttl, readAData(a.data)])).toEqual([
      ['Web', 600, '10.231.1.2'],
      ['other', 5, '10.231.1.3'],
    ]);
    expect(flag.qr(back.flags)).toBe(true);
    expect(flag.rd(back.flags)).toBe(true);
    expect(flag.rcode(back.flags)).toBe(RCODE.NOERROR);
    expect(back.flags & 0x0400).toBe(0x0400); // AA
    expect(back.flags & 0x0080).toBe(0x0080); // RA
  });

  test('names: compression pointers, loops and bad input', () => {
    const buf = Buffer.concat([Buffer.alloc(12), encodeName('a.example'), Buffer.from([1, 0x62, 0xc0, 14])]);
    expect(readName(buf, 12)).toEqual({ name: 'a.example', end: 23 });
    expect(readName(buf, 23)).toEqual({ name: 'b.example', end: 27 });
    const loop = Buffer.from([0xc0, 0x00]);
    expect(() => readName(loop, 0)).toThrow(DnsFormatError);
    expect(() => readName(Buffer.from([5, 0x61]), 0)).toThrow(/past the message/);
    expect(() => readName(Buffer.from([0x80]), 0)).toThrow(/label type/);
    expect(() => encodeName(`${'x'.repeat(64)}.example`)).toThrow(/bad label/);
    expect(() => decodeMessage(Buffer.from([1, 2, 3]))).toThrow(/truncated/);
    expect(encodeName('.')).toEqual(Buffer.from([0]));
  });

  test('reverse names', () => {
    expect(reverseName('10.231.1.2')).toBe('2.1.231.10.in-addr.arpa');
    expect(ipFromReverseName('2.1.231.10.in-addr.arpa.')).toBe('10.231.1.2');
    expect(ipFromReverseName('example.com')).toBeUndefined();
  });
});

describe('embedded DNS answers', () => {
  const views: DnsNetworkView[] = [
    { network: 'front', peers: [{ names: ['web', 'www', 'abcdef123456'], ip: '10.231.1.2' }] },
    {
      network: 'back',
      peers: [
        { names: ['db', 'store'], ip: '10.231.2.2' },
        { names: ['db2', 'store'], ip: '10.231.2.3' },
        { names: ['web'], ip: '10.231.2.4' },
      ],
    },
  ];
  const same = <T>(xs: T[]): T[] => xs;

  test('by name, alias, short id and name.network; first network wins', () => {
    expect(lookupName('WEB.', views)).toEqual(['10.231.1.2']);
    expect(lookupName('www', views)).toEqual(['10.231.1.2']);
    expect(lookupName('abcdef123456', views)).toEqual(['10.231.1.2']);
    expect(lookupName('web.back', views)).toEqual(['10.231.2.4']);
    expect(lookupName('store', views)).toEqual(['10.231.2.2', '10.231.2.3']);
    expect(lookupName('nothere', views)).toEqual([]);
  });

  test('A, AAAA, PTR and what goes upstream', () => {
    const a = answerQuestion({ name: 'store', type: TYPE.A, class: CLASS_IN }, views, same);
    expect(a.kind === 'answer' && a.answers.map((r) => readAData(r.data))).toEqual(['10.231.2.2', '10.231.2.3']);
    // Known name, IPv4-only container: empty NOERROR, never forwarded.
    expect(answerQuestion({ name: 'web', type: TYPE.AAAA, class: CLASS_IN }, views)).toEqual({ kind: 'answer', rcode: RCODE.NOERROR, answers: [] });
    const ptr = answerQuestion({ name: reverseName('10.231.2.2'), type: TYPE.PTR, class: CLASS_IN }, views);
    expect(ptr.kind === 'answer' && readName(ptr.answers[0]!.data, 0).name).toBe('db.back');
    expect(answerQuestion({ name: 'example.com', type: TYPE.A, class: CLASS_IN }, views)).toEqual({ kind: 'forward' });
    expect(answerQuestion({ name: reverseName('8.8.8.8'), type: TYPE.PTR, class: CLASS_IN }, views)).toEqual({ kind: 'forward' });
    expect(answerQuestion({ name: 'web', type: TYPE.MX, class: CLASS_IN }, views)).toEqual({ kind: 'forward' });
  });

  test('several answers come in rotating order', () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const a = answerQuestion({ name: 'store', type: TYPE.A, class: CLASS_IN }, views);
      if (a.kind === 'answer') firsts.add(readAData(a.answers[0]!.data));
    }
    expect([...firsts].sort()).toEqual(['10.231.2.2', '10.231.2.3']);
  });

  test('a query the server can decode', () => {
    const q = decodeMessage(query('web', TYPE.A));
    expect(q.id).toBe(0x1234);
    expect(flag.qr(q.flags)).toBe(false);
    expect(flag.opcode(q.flags)).toBe(0);
  });
});
