// stack.services.transfer.v1.Transfer: server-side pull, push, import and export with per-blob
// progress streamed back to the client.
import type * as grpc from '@grpc/grpc-js';
import { addService, AsyncQueue, Code, GrpcError } from '@stack/proto';
import { Transfer, type ImportRequest } from '@stack/proto/gen/stack/services/transfer/v1/transfer_pb';
import { parsePlatform } from '../core/images/platform.js';
import type { Descriptor } from '../core/images/manifest.js';
import type { Progress } from '../core/transfer/progress.js';
import { pull, type PullOptions, type TransferDeps } from '../core/transfer/pull.js';
import { push, type PushOptions } from '../core/transfer/push.js';
import { importArchive, type ImportOptions } from '../core/transfer/import.js';
import { exportArchive } from '../core/transfer/export.js';
import { ctxOf, guarded, toGrpcError } from './grpc-context.js';

function descMsg(d: Descriptor) {
  return { mediaType: d.mediaType, digest: d.digest, size: BigInt(d.size), annotations: d.annotations ?? {} };
}

function progressMsg(p: Progress) {
  const m: { id: string; status: string; mediaType: string; offset: bigint; total: bigint; imageName: string; message: string; target?: ReturnType<typeof descMsg> } = {
    id: p.id,
    status: p.status,
    mediaType: p.mediaType ?? '',
    offset: BigInt(p.offset ?? 0),
    total: BigInt(p.total ?? 0),
    imageName: p.imageName ?? '',
    message: p.message ?? '',
  };
  if (p.target) m.target = descMsg(p.target);
  return m;
}

/** Runs a transfer, streaming its progress reports until it ends (or fails). */
async function* streamed(run: (report: (p: Progress) => void) => Promise<unknown>): AsyncIterable<ReturnType<typeof progressMsg>> {
  const q = new AsyncQueue<ReturnType<typeof progressMsg>>();
  run((p) => q.push(progressMsg(p))).then(
    () => q.end(),
    (err: unknown) => q.fail(toGrpcError(err)),
  );
  yield* q;
}

export function registerTransfer(server: grpc.Server, deps: TransferDeps): void {
  addService(
    server,
    Transfer,
    guarded({
      pull(req, call) {
        const ctx = ctxOf(call);
        if (req.reference === '') throw new GrpcError(Code.INVALID_ARGUMENT, 'reference must be set');
        const o: PullOptions = { reference: req.reference, unpack: !req.skipUnpack, signal: call.signal, labels: req.labels };
        if (req.platform) o.platform = parsePlatform(req.platform);
        if (req.snapshotter) o.snapshotter = req.snapshotter;
        if (req.plainHttp) o.plainHttp = true;
        if (req.auth && req.auth.username !== '') o.credentials = { username: req.auth.username, password: req.auth.password };
        if (req.name) o.name = req.name;
        if (req.maxConcurrentDownloads > 0) o.maxConcurrent = req.maxConcurrentDownloads;
        return streamed((report) => pull(deps, ctx, o, report));
      },
      push(req, call) {
        const ctx = ctxOf(call);
        if (req.name === '') throw new GrpcError(Code.INVALID_ARGUMENT, 'image name must be set');
        const o: PushOptions = { name: req.name, reference: req.reference || req.name };
        if (req.platform) o.platform = parsePlatform(req.platform);
        if (req.plainHttp) o.plainHttp = true;
        if (req.auth && req.auth.username !== '') o.credentials = { username: req.auth.username, password: req.auth.password };
        if (req.maxConcurrentUploads > 0) o.maxConcurrent = req.maxConcurrentUploads;
        return streamed((report) => push(deps, ctx, o, report));
      },
      import(reqs, call) {
        const ctx = ctxOf(call);
        return streamed(async (report) => {
          const it = reqs[Symbol.asyncIterator]();
          const first = await it.next();
          if (first.done) throw new GrpcError(Code.INVALID_ARGUMENT, 'import stream carried no data');
          const head: ImportRequest = first.value;
          const o: ImportOptions = { unpack: !head.skipUnpack, labels: head.labels };
          if (head.snapshotter) o.snapshotter = head.snapshotter;
          if (head.platform) o.platform = parsePlatform(head.platform);
          if (head.baseName) o.baseName = head.baseName;
          async function* bytes(): AsyncIterable<Buffer> {
            if (head.data.length) yield Buffer.from(head.data);
            for (let r = await it.next(); !r.done; r = await it.next()) if (r.value.data.length) yield Buffer.from(r.value.data);
          }
          await importArchive(deps, ctx, bytes(), o, report);
        });
      },
      async *export(req, call) {
        const ctx = ctxOf(call);
        const o: { names: string[]; platform?: ReturnType<typeof parsePlatform>; allPlatforms: boolean } = { names: req.names, allPlatforms: req.allPlatforms };
        if (req.platform) o.platform = parsePlatform(req.platform);
        for await (const chunk of exportArchive(deps, ctx, o)) yield { data: chunk };
      },
    }),
  );
}
