// One build stage's steps: each instruction expanded against the stage's environment (ENV over
// ARG), then either a new config (metadata steps), a command run in a container (RUN) or files
// copied into a snapshot (COPY, ADD, WORKDIR); every step's image is written and cached.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SNAPSHOTTER } from '../containerd/client.js';
import type { Engine } from '../engine.js';
import { parseGoDuration } from '../../common/go-duration.js';
import { applyChanges } from '../images/config-changes.js';
import type { ImageConfig, ImageRunConfig } from '../images/image-types.js';
import { diffLayer, leaseContext, mediaOf, unpackLayer, writeImage, type Layer, type ParentImage } from '../images/layer-commit.js';
import { parseSignal } from '../containers/signals.js';
import { cacheKey, type BuildCache, type BuiltImage } from './build-cache.js';
import type { BuildContext } from './build-context.js';
import { archiveKind, extractArchive } from './archive-extract.js';
import { ensureImage } from './base-image.js';
import { BuildFailure, type BuildOutput } from './build-failure.js';
import { BuildStepError, checksumSources, copySources, findSources, mkdirInRoot, ownerIn, type Source, type SourceRoot } from './copy-files.js';
import { toCommand, type Command, type Step } from './dockerfile/instructions.js';
import { parseDockerfile } from './dockerfile/parse.js';
import { expandWord, ShellWordError } from './dockerfile/shell-words.js';
import { goList, goQuoteList, healthcheckComment, nopInline, runCreatedBy, type HealthConfig } from './history-text.js';
import { createRunContainer, dropRuntimeMountPoints, runToExit } from './run-step.js';
import { download, isUrl } from './remote-source.js';
import { withMounted } from './snapshot-mount.js';

export { BuildFailure, type BuildOutput } from './build-failure.js';

/** The diff ID of an empty tar (1024 zero bytes): a step that changed no file adds no layer. */
export const EMPTY_LAYER = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';


export interface BuildOptions {
  /** Stored names to tag the result with. */
  tags: string[];
  buildArgs: Map<string, string>;
  target: string | undefined;
  noCache: boolean;
  pull: boolean;
  labels: Record<string, string>;
  networkMode: string;
  /** Remove intermediate containers after a successful step (dockerd's `rm`, on by default). */
  rm: boolean;
  workDir: string;
  /** Aborted when the client goes away: the build stops (a running RUN is killed), as dockerd's does. */
  signal: AbortSignal;
}


interface StageInit {
  image: BuiltImage | undefined;
  config: ImageConfig;
  meta: ReadonlyMap<string, string>;
  consumed: Set<string>;
  stageResults: readonly BuiltImage[];
  stageNames: ReadonlyArray<string | undefined>;
}

const DEFAULT_SHELL = ['/bin/sh', '-c'];

export class StageRunner {
  private image: BuiltImage | undefined;
  private readonly config: ImageConfig;
  private shell: string[];
  /** ARGs declared in this stage, with their values (undefined: declared, no value). */
  private readonly args = new Map<string, string | undefined>();
  private cmdSet = false;

  constructor(
    private readonly e: Engine,
    private readonly ctx: BuildContext,
    private readonly cache: BuildCache,
    private readonly lease: string,
    private readonly o: BuildOptions,
    private readonly out: BuildOutput,
    private readonly escape: string,
    private readonly init: StageInit,
  ) {
    this.image = init.image;
    this.config = init.config;
    this.shell = (this.run as { Shell?: string[] }).Shell ?? DEFAULT_SHELL;
  }

  private get run(): ImageRunConfig {
    return (this.config.config ??= {});
  }

  current(): BuiltImage | undefined {
    return this.image;
  }

  /** The environment variables expand against: build args in effect, then ENV over them. */
  private env(): Map<string, string> {
    const m = new Map<string, string>();
    for (const [k, v] of this.args) if (v !== undefined) m.set(k, v);
    for (const kv of this.run.Env ?? []) {
      const i = kv.indexOf('=');
      m.set(i < 0 ? kv : kv.slice(0, i), i < 0 ? '' : kv.slice(i + 1));
    }
    return m;
  }

  private x(word: string, s: Step): string {
    try {
      return expandWord(word, this.env(), this.escape);
    } catch (err) {
      if (err instanceof ShellWordError) throw new BuildFailure(`Dockerfile line ${s.raw.line}: ${err.message}`);
      throw err;
    }
  }

  /** Build args a RUN sees: declared in this stage, with a value, not shadowed by ENV; sorted. */
  private runArgs(): string[] {
    const envKeys = new Set((this.run.Env ?? []).map((kv) => kv.split('=', 1)[0]!));
    return [...this.args].filter(([k, v]) => v !== undefined && !envKeys.has(k)).map(([k, v]) => `${k}=${v}`).sort();
  }

  async onBuildTriggers(triggers: readonly string[]): Promise<void> {
    this.out.stream(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`);
    // Cleared first, as dockerd does: the images the triggers make do not carry them on.
    this.run.OnBuild = null;
    for (const t of triggers) {
      const raw = parseDockerfile(t).instructions[0];
      if (!raw) continue;
      await this.dispatch({ raw, command: toCommand(raw, this.escape) });
    }
  }

  async dispatch(s: Step): Promise<void> {
    if (this.o.signal.aborted) throw new BuildFailure('the build was cancelled: its client went away');
    try {
      await this.step(s.command, s);
    } catch (err) {
      if (err instanceof BuildStepError) throw new BuildFailure(err.message);
      throw err;
    }
  }

  private async step(c: Command, s: Step): Promise<void> {
    switch (c.kind) {
      case 'from':
        throw new BuildFailure('FROM inside a stage'); // never: the planner splits stages at FROM
      case 'arg': {
        const parts: string[] = [];
        for (const a of c.args) {
          this.init.consumed.add(a.name);
          const given = this.o.buildArgs.get(a.name);
          const dflt = a.value === undefined ? undefined : this.x(a.value, s);
          this.args.set(a.name, given ?? dflt ?? this.init.meta.get(a.name));
          parts.push(dflt === undefined ? a.name : `${a.name}=${dflt}`);
        }
        return this.commitConfig(`ARG ${parts.join(' ')}`);
      }
      case 'env': {
        const env = [...(this.run.Env ?? [])];
        const shown: string[] = [];
        for (const [k0, v0] of c.pairs) {
          const k = this.x(k0, s);
          const v = this.x(v0, s);
          const i = env.findIndex((kv) => kv.split('=', 1)[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
          shown.push(`${k}=${v}`);
        }
        this.run.Env = env;
        return this.commitConfig(`ENV ${shown.join(' ')}`);
      }
      case 'label': {
        const labels = { ...(this.run.Labels ?? {}) };
        const shown: string[] = [];
        for (const [k0, v0] of c.pairs) {
          const k = this.x(k0, s);
          const v = this.x(v0, s);
          labels[k] = v;
          shown.push(`${k}=${v}`);
        }
        this.run.Labels = labels;
        return this.commitConfig(`LABEL ${shown.join(' ')}`);
      }
      case 'cmd':
      case 'entrypoint': {
        const args = 'json' in c.form ? c.form.json : [...this.shell, c.form.shell];
        if (c.kind === 'cmd') {
          this.run.Cmd = args;
          this.cmdSet = true;
        } else {
          this.run.Entrypoint = args;
          if (!this.cmdSet) this.run.Cmd = null;
        }
        return this.commitConfig(`${c.kind.toUpperCase()} ${goQuoteList(args)}`);
      }
      case 'shell':
        this.shell = c.shell;
        (this.run as { Shell?: string[] }).Shell = c.shell;
        return this.commitConfig(`SHELL ${goList(c.shell)}`);
      case 'user': {
        const u = this.x(c.value, s);
        this.run.User = u;
        return this.commitConfig(`USER ${u}`);
      }
      case 'stopsignal': {
        const sig = this.x(c.value, s);
        try {
          parseSignal(sig);
        } catch {
          throw new BuildFailure(`Invalid signal: ${sig}`);
        }
        this.run.StopSignal = sig;
        return this.commitConfig(`STOPSIGNAL ${sig}`);
      }
      case 'expose': {
        // dockerd records the ports sorted as strings.
        const ports = c.values.map((p) => this.x(p, s)).filter(Boolean).sort();
        try {
          Object.assign(this.run, applyChanges(this.run, [`EXPOSE ${ports.join(' ')}`]));
        } catch (err) {
          throw new BuildFailure((err as Error).message);
        }
        return this.commitConfig(`EXPOSE ${ports.join(' ')}`);
      }
      case 'volume': {
        const vols = c.values.map((v) => this.x(v, s));
        if (vols.some((v) => v.trim() === '')) throw new BuildFailure('VOLUME specified can not be an empty string');
        this.run.Volumes = { ...(this.run.Volumes ?? {}), ...Object.fromEntries(vols.map((v) => [v, {}])) };
        return this.commitConfig(`VOLUME ${goList(vols)}`);
      }
      case 'onbuild': {
        this.run.OnBuild = [...(this.run.OnBuild ?? []), c.expression];
        return this.commitConfig(`ONBUILD ${c.expression}`);
      }
      case 'maintainer':
        this.config.author = c.value;
        return this.commitConfig(`MAINTAINER ${c.value}`);
      case 'healthcheck': {
        const h: HealthConfig = { Test: c.test ?? ['NONE'] };
        const dur = (v: string | undefined, what: string, min: number) => {
          if (v === undefined) return undefined;
          const ms = parseGoDuration(v);
          if (ms === undefined) throw new BuildFailure(`time: invalid duration "${v}"`);
          if (ms !== 0 && ms < min) throw new BuildFailure(`Interval "${what}" cannot be less than 1ms`);
          return Math.round(ms * 1e6);
        };
        if (c.test) {
          const i = dur(c.interval, 'interval', 1);
          const t = dur(c.timeout, 'timeout', 1);
          const sp = dur(c.startPeriod, 'start-period', 1);
          if (i !== undefined) h.Interval = i;
          if (t !== undefined) h.Timeout = t;
          if (sp !== undefined) h.StartPeriod = sp;
          if (c.retries !== undefined) {
            const r = Number(c.retries);
            if (!Number.isInteger(r) || r < 0) throw new BuildFailure(`--retries must be a non-negative integer, not ${c.retries}`);
            h.Retries = r;
          }
        }
        this.run.Healthcheck = h;
        return this.commitConfig(healthcheckComment({ Interval: 0, Timeout: 0, StartPeriod: 0, Retries: 0, ...h }));
      }
      case 'workdir': {
        const dir = this.x(c.value, s);
        const abs = path.posix.isAbsolute(dir) ? path.posix.normalize(dir) : path.posix.join(this.run.WorkingDir || '/', dir);
        this.run.WorkingDir = abs;
        // As dockerd: the directory is made in a step container, whose changes are committed.
        const cmd = [...this.shell, `#(nop) WORKDIR ${abs}`];
        return this.cached(cmd.join(' '), '', () =>
          this.inStepContainer(cmd, async (id) => {
            const { mounts } = await this.e.containerd.snapshots.mounts({ snapshotter: SNAPSHOTTER, key: id });
            await withMounted(mounts.map((m) => ({ type: m.type, source: m.source, options: [...m.options] })), this.o.workDir, async (root) => {
              mkdirInRoot(root, abs, { uid: 0, gid: 0 });
            });
            return this.layerFrom(id);
          }),
        );
      }
      case 'run':
        return this.runStep(c.form);
      case 'copy':
      case 'add':
        return this.copyStep(c, s);
    }
  }

  // ---- images -----------------------------------------------------------------------------------

  /**
   * The image that results from this step: found in the cache (" ---> Using cache"), or made by
   * `make` and recorded there. The caller prints the resulting ID.
   */
  private async cached(createdBy: string, extra: string, make: () => Promise<Layer | undefined>): Promise<void> {
    const parentId = this.image?.id;
    const key = cacheKey(parentId, createdBy, `${extra}\n${JSON.stringify(this.run)}\n${this.config.author ?? ''}`);
    if (!this.o.noCache) {
      const hit = await this.cache.lookup(key);
      if (hit) {
        this.out.stream(' ---> Using cache\n');
        this.adopt(hit);
        return;
      }
    }
    const layer = await make();
    const created = new Date().toISOString();
    const diffIds = [...this.config.rootfs.diff_ids, ...(layer ? [layer.diffId] : [])];
    const config: ImageConfig = {
      ...this.config,
      created,
      config: this.run,
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [...(this.config.history ?? []), { created, created_by: createdBy, ...(layer ? {} : { empty_layer: true }) }],
    };
    const parent = this.parent();
    const written = await writeImage(this.e.containerd, parent, layer, config, this.lease, mediaOf(parent));
    const built: BuiltImage = { id: written.id, manifest: written.manifest, manifestBody: written.manifestBody, config, chainId: written.chainId };
    await this.cache.store(key, built);
    this.adopt(built);
  }

  private parent(): ParentImage | undefined {
    return this.image ? { manifest: this.image.manifestBody, config: this.image.config, chainId: this.image.chainId } : undefined;
  }

  private adopt(img: BuiltImage): void {
    this.image = img;
    const run = structuredClone(img.config.config ?? {});
    Object.assign(this.config, structuredClone(img.config));
    this.config.config = run;
  }

  /**
   * A step that runs nothing: as dockerd, a container is made for it (never started) and committed,
   * which changes no file, so only the config and history move on.
   */
  private commitConfig(comment: string): Promise<void> {
    const cmd = [...this.shell, '#(nop) ', comment];
    return this.cached(cmd.join(' '), '', () => this.inStepContainer(cmd, async () => undefined));
  }

  /** An image with no layers and no history: what a container needs under steps of a `FROM scratch` stage. */
  private async scratchImage(): Promise<string> {
    const key = cacheKey(undefined, '(scratch)');
    const hit = await this.cache.lookup(key);
    if (hit) return hit.id;
    const config: ImageConfig = { architecture: this.config.architecture, os: this.config.os, config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
    const w = await writeImage(this.e.containerd, undefined, undefined, config, this.lease);
    await this.cache.store(key, { id: w.id, manifest: w.manifest, manifestBody: w.manifestBody, config, chainId: undefined });
    return w.id;
  }

  /** Runs `work` with a step container made from the current image; removes it (always on failure, with `rm` on success). */
  private async inStepContainer(cmd: string[], work: (id: string) => Promise<Layer | undefined>, env: string[] = this.run.Env ?? []): Promise<Layer | undefined> {
    const imageId = this.image?.id ?? (await this.scratchImage());
    const id = await createRunContainer(this.e, { imageId, cmd, config: this.run, env, networkMode: this.o.networkMode });
    this.out.stream(` ---> Running in ${id.slice(0, 12)}\n`);
    let layer: Layer | undefined;
    try {
      layer = await work(id);
    } catch (err) {
      await this.e.containers.remove(id, { force: true, volumes: true }).catch(() => undefined);
      throw err;
    }
    if (this.o.rm) {
      this.out.stream(`Removing intermediate container ${id.slice(0, 12)}\n`);
      await this.e.containers.remove(id, { force: true, volumes: true });
    }
    return layer;
  }

  /** A layer from what `work` does in a fresh snapshot over the current image (COPY, ADD). */
  private commitFiles(createdBy: string, extra: string, work: (root: string) => Promise<void>): Promise<void> {
    return this.cached(createdBy, extra, async () => {
      const c = this.e.containerd;
      const key = `engine-build-${randomBytes(6).toString('hex')}`;
      const parentChain = this.image?.chainId;
      const { mounts } = await c.snapshots.prepare({ snapshotter: SNAPSHOTTER, key, parent: parentChain ?? '', labels: {} }, leaseContext(this.lease));
      try {
        await withMounted(mounts.map((m) => ({ type: m.type, source: m.source, options: [...m.options] })), this.o.workDir, work);
        return await this.layerFrom(key);
      } finally {
        await c.snapshots.remove({ snapshotter: SNAPSHOTTER, key }).catch(() => undefined);
      }
    });
  }

  /** The snapshot's changes as a layer, unpacked as the next snapshot; none when nothing changed. */
  private async layerFrom(key: string): Promise<Layer | undefined> {
    const c = this.e.containerd;
    const layer = await diffLayer(c, this.image?.chainId, key, mediaOf(this.parent()).layer, this.lease);
    if (layer.diffId === EMPTY_LAYER) return undefined;
    await unpackLayer(c, this.image?.chainId, [...this.config.rootfs.diff_ids, layer.diffId], layer, this.lease);
    return layer;
  }

  /** RUN: the command in a step container; a non-zero exit fails the build with dockerd's message. */
  private async runStep(form: { json: string[] } | { shell: string }): Promise<void> {
    const cmd = 'json' in form ? form.json : [...this.shell, form.shell];
    const args = this.runArgs();
    const builtins = [...this.o.buildArgs].filter(([k]) => !this.args.has(k) && BUILTIN_PROXY_ARGS.includes(k)).map(([k, v]) => `${k}=${v}`);
    const env = [...(this.run.Env ?? []), ...args, ...builtins];
    return this.cached(runCreatedBy(cmd, args), '', () =>
      this.inStepContainer(
        cmd,
        async (id) => {
          const code = await runToExit(this.e, id, (chunk) => this.out.stream(chunk.toString('utf8')), this.o.signal);
          if (this.o.signal.aborted) throw new BuildFailure('the build was cancelled: its client went away');
          if (code !== 0) throw new BuildFailure(`The command '${cmd.join(' ')}' returned a non-zero code: ${code}`, code);
          await dropRuntimeMountPoints(this.e, id);
          return this.layerFrom(id);
        },
        env,
      ),
    );
  }

  // ---- COPY / ADD -------------------------------------------------------------------------------

  private async copyStep(c: Command & { kind: 'copy' | 'add' }, s: Step): Promise<void> {
    const instr = c.kind.toUpperCase();
    const rawSources = c.sources.map((w) => this.x(w, s));
    let dest = this.x(c.dest, s);
    const chown = c.chown === undefined ? undefined : this.x(c.chown, s);
    if (!path.posix.isAbsolute(dest)) {
      const trailing = dest.endsWith('/') || dest === '.';
      dest = path.posix.join(this.run.WorkingDir || '/', dest) + (trailing && !dest.endsWith('/') ? '/' : '');
    }
    const urls = rawSources.filter(isUrl);
    if (urls.length && c.kind === 'copy') throw new BuildFailure('source can\'t be a URL for COPY');
    const from = c.from === undefined ? undefined : this.x(c.from, s);
    const downloads = path.join(this.o.workDir, `add-${randomBytes(6).toString('hex')}`);
    try {
      // URLs are fetched at every build, as dockerd does: what they hold decides the cache.
      const remote: Source[] = [];
      for (const u of urls) remote.push(await download(u, downloads));
      const local = rawSources.filter((u) => !isUrl(u));
      await this.withSourceRoot(from, async (src, fromId) => {
        const sources = [...(local.length ? findSources(src, local, instr) : []), ...remote];
        await this.copyInto(c, instr, sources, src, dest, chown, fromId, new Set(remote));
      });
    } finally {
      fs.rmSync(downloads, { recursive: true, force: true });
    }
  }

  /** The COPY/ADD layer: sources checksummed (the cache key), then copied, local archives unpacked for ADD. */
  private copyInto(c: Command & { kind: 'copy' | 'add' }, instr: string, sources: Source[], src: SourceRoot, dest: string, chown: string | undefined, fromId: string | undefined, remote: ReadonlySet<Source>): Promise<void> {
    const sum = checksumSources(sources, src.ignore);
    // dockerd's text, quirk included: the --chown flag runs into the checksum (`--chown=appfile:…`).
    const createdBy = nopInline(this.shell, `${instr} ${chown === undefined ? '' : `--chown=${chown}`}${sum} in ${dest} `);
    return this.commitFiles(createdBy, JSON.stringify([chown ?? '', fromId ?? '']), async (root) => {
      const owner = chown === undefined ? { uid: 0, gid: 0 } : ownerIn(root, chown);
      const plain: Source[] = [];
      for (const one of sources) {
        if (c.kind === 'add' && !one.isDir && !remote.has(one) && archiveKind(one.host)) await extractArchive(root, one.host, dest.endsWith('/') ? dest : `${dest}/`, owner);
        else plain.push(one);
      }
      if (plain.length) copySources(root, plain, dest, owner, src.ignore, instr);
    });
  }

  /** The context, or for --from a stage's or image's tree mounted read-only for the step. */
  private async withSourceRoot(from: string | undefined, fn: (src: SourceRoot, fromId: string | undefined) => Promise<void>): Promise<void> {
    if (from === undefined) return fn({ root: this.ctx.dir, ignore: this.ctx.ignore, what: 'build context' }, undefined);
    let img: BuiltImage | undefined;
    const byName = this.init.stageNames.findIndex((n) => n === from.toLowerCase());
    const byIndex = /^\d+$/.test(from) ? Number(from) : -1;
    const stageIndex = byName >= 0 ? byName : byIndex;
    if (stageIndex >= 0) {
      img = this.init.stageResults[stageIndex];
      if (!img) throw new BuildFailure(`invalid from flag value ${from}: refers to current build stage`);
    } else {
      img = await ensureImage(this.e, from, false, this.out);
    }
    const what = `${from}`;
    if (!img.chainId) {
      const empty = fs.mkdtempSync(path.join(this.o.workDir, 'empty-'));
      try {
        return await fn({ root: empty, ignore: undefined, what }, img.id);
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    }
    const c = this.e.containerd;
    const key = `engine-build-view-${randomBytes(6).toString('hex')}`;
    const { mounts } = await c.snapshots.view({ snapshotter: SNAPSHOTTER, key, parent: img.chainId, labels: {} }, leaseContext(this.lease));
    try {
      const list = mounts.map((m) => ({ type: m.type, source: m.source, options: [...m.options] }));
      await withMounted(list, this.o.workDir, (root) => fn({ root, ignore: undefined, what }, img.id));
    } finally {
      await c.snapshots.remove({ snapshotter: SNAPSHOTTER, key }).catch(() => undefined);
    }
  }
}

/** Build args every build accepts without an ARG line (passed to RUN, never recorded in history). */
export const BUILTIN_PROXY_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];
