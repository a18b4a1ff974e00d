// POST /images/{name}/push?tag: uploads through containerd-ts's Transfer service, with Docker's messages.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest, statusOf } from '../../daemon/http/api-error.js';
import { formatReference, normalize, ReferenceError, repository, type Reference } from '../../common/reference.js';
import { errorMessage, isLayer, progressBar, shortId, type JsonMessage } from '../../daemon/images/progress-messages.js';
import { decodeRegistryAuth } from '../../daemon/images/registry-auth.js';

export function register(r: Router, e: Engine): void {
  r.post('/images/{name*}/push', async (ctx) => {
    const tag = ctx.query.get('tag') ?? '';
    let ref: Reference;
    try {
      ref = normalize(tag ? `${ctx.param('name')}:${tag}` : ctx.param('name'));
    } catch (err) {
      if (err instanceof ReferenceError) throw badRequest(err.message);
      throw err;
    }
    const name = formatReference(ref);
    const img = await e.images.get(name);
    const record = img.records.find((x) => x.name === name) ?? img.records[0]!;
    const auth = decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
    const res = ctx.stream(200, 'application/json');
    const send = (m: JsonMessage) => res.write(`${JSON.stringify(m)}\n`);
    send({ status: `The push refers to repository [${repository(ref)}]` });
    for (const l of [...img.manifest.layers].reverse()) send({ status: 'Preparing', progressDetail: {}, id: shortId(l.digest) });
    try {
      for await (const p of e.containerd.transfer.push({ name, reference: name, plainHttp: e.config.insecureRegistries.includes(ref.domain), maxConcurrentUploads: e.config.maxConcurrentUploads, ...(auth ? { auth } : {}) })) {
        if (!isLayer(p.mediaType)) continue;
        const id = shortId(p.id);
        if (p.status === 'uploading') send({ status: 'Pushing', progressDetail: { current: Number(p.offset), total: Number(p.total) }, progress: progressBar(Number(p.offset), Number(p.total)), id });
        else if (p.status === 'uploaded') send({ status: 'Pushed', progressDetail: {}, id });
        else if (p.status === 'exists') send({ status: 'Layer already exists', progressDetail: {}, id });
      }
      // Only now does the registry hold it: a push that failed leaves no RepoDigest behind.
      await e.images.recordRepoDigest(name);
      const t = ref.tag ?? 'latest';
      send({ status: `${t}: digest: ${record.target.digest} size: ${record.target.size}` });
      send({ progressDetail: {}, aux: { Tag: t, Digest: record.target.digest, Size: record.target.size } });
      e.events.publish('image', 'push', name, { name });
    } catch (err) {
      send(errorMessage(statusOf(err).message));
    }
    res.end();
  });
}
