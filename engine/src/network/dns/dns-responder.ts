// What the embedded DNS does with one packet from a container, as a pure function of the bytes and
// what the container can see: a reply to send, a query to forward upstream, or nothing (a response,
// or less than a header). Packets come from containers, so any bytes at all must end in one of these:
// a malformed one gets FORMERR, never an exception (engine/test/network/dns-fuzz.test.ts).
import { answerQuestion, type DnsNetworkView } from './dns-answer.js';
import { DnsFormatError, OPCODE_QUERY, RCODE, decodeMessage, encodeMessage, flag, replyFlags, type DnsMessage } from './dns-message.js';

export type DnsAction = { kind: 'reply'; packet: Buffer } | { kind: 'forward'; query: DnsMessage } | { kind: 'drop' };

export function errorReply(id: number, queryFlags: number, rcode: number): Buffer {
  return encodeMessage({ id, flags: replyFlags(queryFlags, rcode, false), questions: [], answers: [], authorities: [], additionals: [] });
}

export function respond(raw: Buffer, views: () => readonly DnsNetworkView[]): DnsAction {
  if (raw.length < 12) return { kind: 'drop' };
  const formErr = (): DnsAction => ({ kind: 'reply', packet: errorReply(raw.readUInt16BE(0), raw.readUInt16BE(2), RCODE.FORMERR) });
  let msg: DnsMessage;
  try {
    msg = decodeMessage(raw);
  } catch (err) {
    if (err instanceof DnsFormatError) return flag.qr(raw.readUInt16BE(2)) ? { kind: 'drop' } : formErr();
    throw err;
  }
  if (flag.qr(msg.flags)) return { kind: 'drop' }; // a response, not a query
  if (flag.opcode(msg.flags) !== OPCODE_QUERY) return { kind: 'reply', packet: errorReply(msg.id, msg.flags, RCODE.NOTIMP) };
  const question = msg.questions[0];
  if (msg.questions.length !== 1 || !question) return formErr();
  const answer = answerQuestion(question, views());
  if (answer.kind === 'forward') return { kind: 'forward', query: msg };
  try {
    return { kind: 'reply', packet: encodeMessage({ id: msg.id, flags: replyFlags(msg.flags, answer.rcode, true), questions: [question], answers: answer.answers, authorities: [], additionals: [] }) };
  } catch (err) {
    // A question name that decodes but cannot be written back (a label holding dots).
    if (err instanceof DnsFormatError) return formErr();
    throw err;
  }
}
