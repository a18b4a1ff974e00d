// The classic (non-BuildKit) Dockerfile builder: stages in order up to the target, each instruction a
// step that makes an image (a layer for what changes files, the config only for the rest), found
// again in the build cache when nothing it depends on changed. Output is dockerd's step stream.
import type { Engine } from '../engine.js';
import type { ImageConfig, ImageRunConfig } from '../images/image-types.js';
import { withLease } from '../images/layer-commit.js';
import { HOST_ARCH, HOST_OS } from '../images/platform.js';
import { shortId } from '../images/progress-messages.js';
import { ensureImage } from './base-image.js';
import { BuildCache, type BuiltImage } from './build-cache.js';
import type { BuildContext } from './build-context.js';
import { BUILTIN_PROXY_ARGS, StageRunner, type BuildOptions, type BuildOutput, BuildFailure } from './dispatch.js';
import { planBuild, type Stage, type Step } from './dockerfile/instructions.js';
import { DockerfileError } from './dockerfile/parse.js';
import { expandWord, ShellWordError } from './dockerfile/shell-words.js';

export { BuildFailure, type BuildOptions, type BuildOutput } from './dispatch.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function scratchConfig(): ImageConfig {
  return { architecture: HOST_ARCH, os: HOST_OS, config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
}

export async function build(e: Engine, ctx: BuildContext, o: BuildOptions, out: BuildOutput): Promise<BuiltImage> {
  let plan;
  try {
    plan = planBuild(ctx.dockerfile);
  } catch (err) {
    if (err instanceof DockerfileError) throw new BuildFailure(err.message);
    throw new BuildFailure(`failed to parse the Dockerfile: ${(err as Error).message}`);
  }
  let last = plan.stages.length - 1;
  if (o.target) {
    const i = plan.stages.findIndex((s) => s.name === o.target!.toLowerCase());
    if (i < 0) throw new BuildFailure(`failed to reach build target ${o.target} in Dockerfile`);
    last = i;
  }
  // --label becomes a LABEL step at the end of the file, as the classic builder appends it.
  const labelKeys = Object.keys(o.labels).sort();
  if (labelKeys.length && last === plan.stages.length - 1) {
    const original = `LABEL ${labelKeys.map((k) => `${JSON.stringify(k)}=${JSON.stringify(o.labels[k])}`).join(' ')}`;
    const lastStage = plan.stages[last]!;
    lastStage.steps.push({ raw: { name: 'label', original, line: 0, flags: new Map(), rest: '', json: undefined }, command: { kind: 'label', pairs: labelKeys.map((k) => [JSON.stringify(k), JSON.stringify(o.labels[k])]) } });
  }
  const stages = plan.stages.slice(0, last + 1);
  const total = plan.metaArgs.length + stages.reduce((n, s) => n + 1 + s.steps.length, 0);
  let index = 0;
  const header = (s: Step) => out.stream(`Step ${++index}/${total} : ${s.raw.original}\n`);
  const consumed = new Set<string>();
  // ARGs before the first FROM: values for FROM lines (and for stages that declare them again).
  const meta = new Map<string, string>();
  for (const s of plan.metaArgs) {
    header(s);
    if (s.command.kind !== 'arg') continue;
    for (const a of s.command.args) {
      consumed.add(a.name);
      const given = o.buildArgs.get(a.name);
      const v = given ?? (a.value === undefined ? undefined : expand(a.value, meta, plan.escape, s));
      if (v !== undefined) meta.set(a.name, v);
      else meta.delete(a.name);
    }
  }
  const cache = new BuildCache(e.containerd, e.images);
  return withLease(e.containerd, 'engine-build', async (lease) => {
    const results: BuiltImage[] = [];
    let final: BuiltImage | undefined;
    for (const stage of stages) {
      if (stage.name && stages.some((x) => x.index < stage.index && x.name === stage.name)) throw new BuildFailure('a stage name already used');
      header(stage.from);
      const base = await resolveFrom(e, stage, stages, results, meta, plan.escape, o, out);
      const config: ImageConfig = base ? structuredClone(base.config) : scratchConfig();
      const run: ImageRunConfig = (config.config ??= {});
      if (!(run.Env ?? []).some((v) => v.startsWith('PATH='))) run.Env = [...(run.Env ?? []), DEFAULT_PATH];
      const runner = new StageRunner(e, ctx, cache, lease, o, out, plan.escape, { image: base, config, meta, consumed, stageResults: results, stageNames: stages.map((s) => s.name) });
      const triggers = base?.config.config?.OnBuild ?? [];
      if (triggers.length) await runner.onBuildTriggers(triggers);
      // As dockerd: each step (FROM after its triggers) ends with the image it leaves, empty for scratch.
      const done = () => out.stream(` ---> ${shortId(runner.current()?.id ?? '')}\n`);
      done();
      for (const s of stage.steps) {
        header(s);
        await runner.dispatch(s);
        done();
      }
      const result = runner.current();
      if (!result) throw new BuildFailure('No image was generated. Is your Dockerfile empty?');
      results[stage.index] = result;
      final = result;
    }
    const unused = [...o.buildArgs.keys()].filter((k) => !consumed.has(k) && !BUILTIN_PROXY_ARGS.includes(k)).sort();
    if (unused.length) out.stream(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    const built = final!;
    for (const name of o.tags) await e.images.tag(built.manifest, name);
    return built;
  });
}

function expand(word: string, env: ReadonlyMap<string, string>, escape: string, s: Step): string {
  try {
    return expandWord(word, env, escape);
  } catch (err) {
    if (err instanceof ShellWordError) throw new BuildFailure(`Dockerfile line ${s.raw.line}: ${err.message}`);
    throw err;
  }
}

async function resolveFrom(e: Engine, stage: Stage, stages: readonly Stage[], results: readonly BuiltImage[], meta: ReadonlyMap<string, string>, escape: string, o: BuildOptions, out: BuildOutput): Promise<BuiltImage | undefined> {
  const cmd = stage.from.command;
  if (cmd.platform !== undefined) {
    const p = expand(cmd.platform, meta, escape, stage.from);
    const [os, arch] = p.split('/');
    if (os !== HOST_OS || (arch !== undefined && arch !== HOST_ARCH)) throw new BuildFailure(`FROM --platform=${p}: this builder only builds for the host platform ${HOST_OS}/${HOST_ARCH}`);
  }
  const name = expand(cmd.image, meta, escape, stage.from);
  if (name === '') throw new BuildFailure(`Dockerfile line ${stage.from.raw.line}: base name (${cmd.image}) should not be blank`);
  if (name.toLowerCase() === 'scratch') return undefined;
  const earlier = stages.findIndex((s) => s.index < stage.index && s.name === name.toLowerCase());
  if (earlier >= 0) return results[earlier];
  try {
    return await ensureImage(e, name, o.pull, out);
  } catch (err) {
    if (err instanceof BuildFailure) throw err;
    throw new BuildFailure((err as Error).message);
  }
}
