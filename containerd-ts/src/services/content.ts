// containerd.services.content.v1.Content over the namespaced content store.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError } from '@stack/proto';
import { Content, WriteAction, type WriteContentRequest } from '@stack/proto/gen/containerd/services/content/v1/content_pb';
import { isDigest, parseDigest } from '../core/digest.js';
import type { ContentInfo, IngestStatus } from '../core/content/content.js';
import type { ContentStore, NsContentWriter } from '../core/metadata/content.js';
import { ctxOf, guarded, paths, tsDate, tsNs } from './grpc-context.js';

const READ_CHUNK = 1024 * 1024;
const LIST_BATCH = 100;

function infoMsg(i: ContentInfo) {
  return { digest: i.digest, size: BigInt(i.size), createdAt: tsNs(i.createdNs), updatedAt: tsNs(i.updatedNs), labels: i.labels };
}

function statusMsg(s: IngestStatus) {
  return { ref: s.ref, offset: BigInt(s.offset), total: BigInt(s.total), expected: s.expected, startedAt: tsNs(s.startedNs), updatedAt: tsNs(s.updatedNs) };
}

export function registerContent(server: grpc.Server, store: ContentStore): void {
  addService(
    server,
    Content,
    guarded({
      info(req, call) {
        return { info: infoMsg(store.info(ctxOf(call), req.digest)) };
      },
      update(req, call) {
        if (!req.info) throw new GrpcError(Code.INVALID_ARGUMENT, 'update needs info');
        return { info: infoMsg(store.update(ctxOf(call), req.info.digest, req.info.labels, paths(req.updateMask))) };
      },
      async *list(req, call) {
        const all = store.list(ctxOf(call), req.filters);
        for (let i = 0; i < all.length; i += LIST_BATCH) yield { info: all.slice(i, i + LIST_BATCH).map(infoMsg) };
      },
      delete(req, call) {
        store.delete(ctxOf(call), req.digest);
        return {};
      },
      async *read(req, call) {
        const ctx = ctxOf(call);
        const info = store.info(ctx, req.digest);
        const offset = Number(req.offset < 0n ? 0n : req.offset);
        if (offset > info.size) throw new GrpcError(Code.OUT_OF_RANGE, `read of ${req.digest} at ${offset}: past its end (${info.size})`);
        const size = Number(req.size);
        const end = size > 0 ? Math.min(info.size, offset + size) : info.size;
        if (end === offset) return;
        let pos = offset;
        const r = store.reader(ctx, req.digest, { start: offset, end: end - 1 });
        try {
          for await (const chunk of r) {
            const buf = chunk as Buffer;
            for (let i = 0; i < buf.length; i += READ_CHUNK) {
              const part = buf.subarray(i, i + READ_CHUNK);
              yield { offset: BigInt(pos), data: part };
              pos += part.length;
            }
          }
        } finally {
          r.destroy();
        }
      },
      async status(req, call) {
        return { status: statusMsg(await store.status(ctxOf(call), req.ref)) };
      },
      async listStatuses(req, call) {
        return { statuses: (await store.listStatuses(ctxOf(call), req.filters)).map(statusMsg) };
      },
      async abort(req, call) {
        await store.abort(ctxOf(call), req.ref);
        return {};
      },
      write: (reqs, call) => write(store, reqs, call),
    }),
  );
}

type WriteResponse = { action: WriteAction; startedAt?: ReturnType<typeof tsDate>; updatedAt?: ReturnType<typeof tsDate>; offset: bigint; total: bigint; digest: string };

/** One ingest per stream: the first message names the ref; one response per request. */
async function* write(store: ContentStore, reqs: AsyncIterable<WriteContentRequest>, call: Parameters<typeof ctxOf>[0]): AsyncIterable<WriteResponse> {
  const ctx = ctxOf(call);
  let w: NsContentWriter | undefined;
  let committed = false;
  try {
    for await (const req of reqs) {
      if (!w) {
        if (req.ref === '') throw new GrpcError(Code.INVALID_ARGUMENT, 'first message of a write must carry a ref');
        const opts: { ref: string; total?: number; expected?: ReturnType<typeof parseDigest> } = { ref: req.ref };
        if (req.total > 0n) opts.total = Number(req.total);
        if (req.expected !== '') opts.expected = parseDigest(req.expected);
        w = await store.writer(ctx, opts);
      } else if (req.ref !== '' && req.ref !== w.ref) {
        throw new GrpcError(Code.INVALID_ARGUMENT, `write stream is for ref ${w.ref}, not ${req.ref}`);
      }
      if (req.total > 0n) w.inner.setTotal(Number(req.total));
      if (req.expected !== '' && isDigest(req.expected)) w.inner.setExpected(req.expected);
      const reply = (): WriteResponse => {
        const s = (w as NsContentWriter).status();
        return { action: req.action, startedAt: tsDate(s.startedAt), updatedAt: tsDate(s.updatedAt), offset: BigInt(s.offset), total: BigInt(s.total), digest: (w as NsContentWriter).digest() };
      };
      if (req.action === WriteAction.STAT) {
        yield reply();
        continue;
      }
      if (req.action !== WriteAction.WRITE && req.action !== WriteAction.COMMIT) throw new GrpcError(Code.INVALID_ARGUMENT, `unknown write action ${req.action}`);
      if (req.data.length > 0) {
        const at = Number(req.offset);
        const cur = w.status().offset;
        if (at !== cur) {
          if (at === 0) await w.truncate(0);
          else throw new GrpcError(Code.OUT_OF_RANGE, `write of ${w.ref} at ${at}: the ingest is at ${cur}`);
        }
        await w.write(req.data);
      }
      if (req.action === WriteAction.COMMIT) {
        const expected = req.expected !== '' ? parseDigest(req.expected) : undefined;
        const digest = await w.commit(Number(req.total), expected, req.labels);
        committed = true;
        const s = w.status();
        yield { action: WriteAction.COMMIT, startedAt: tsDate(s.startedAt), updatedAt: tsDate(s.updatedAt), offset: BigInt(s.offset), total: BigInt(s.offset), digest };
        return;
      }
      yield reply();
    }
  } finally {
    if (w && !committed) await w.close().catch(() => undefined);
  }
}
