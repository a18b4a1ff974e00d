// runc-ts against Debian's runc on the same busybox bundle: `run /bin/true`, and create+start+delete.
// Also the floor every runc-ts invocation pays (a node boot), to show where the time goes.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBusyboxImage, makeBundle, type BenchContext, type BenchSuite } from '@stack/tools';

const RUNC_TS = path.resolve(__dirname, '../../bin/runc-ts');
const CGROUP_PARENT = `/bench-runtime-${process.pid}`;
const DOCKER_SECCOMP = path.resolve(__dirname, '../../test/fixtures/docker-default-seccomp.json');

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

/** The environment bin/runc-ts gives node: without NODE_EXTRA_CA_CERTS, which it unsets. */
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...runcTsEnv } = process.env;

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
      // The same run under Docker's default seccomp profile: libseccomp builds the filter, runc-ts
      // exports it as BPF behind the ENOSYS stub and loads it (runc does the same in its init).
      const filtered = await makeBundle({ image, bundleDir: path.join(ctx.tmpDir, 'seccomp'), args: ['/bin/true'] });
      const filteredSpec = JSON.parse(fs.readFileSync(filtered.configPath, 'utf8')) as { linux: { cgroupsPath?: string; seccomp?: unknown } };
      filteredSpec.linux.cgroupsPath = `${CGROUP_PARENT}/s`;
      filteredSpec.linux.seccomp = JSON.parse(fs.readFileSync(DOCKER_SECCOMP, 'utf8'));
      fs.writeFileSync(filtered.configPath, JSON.stringify(filteredSpec));
      await ctx.compare({
        name: "run /bin/true with Docker's seccomp profile",
        a: { label: 'runc-ts run', run: (i) => exec(RUNC_TS, [...ours, 'run', '--bundle', filtered.bundleDir, `st${i}`]) },
        b: { label: 'runc run', run: (i) => exec('runc', [...theirs, 'run', '--bundle', filtered.bundleDir, `sr${i}`]) },
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
        name: 'floor: node boot vs runc --version',
        a: { label: 'node --single-threaded -e 0', run: () => exec('node', ['--single-threaded', '--expose-gc', '-e', '0'], runcTsEnv) },
        b: { label: 'runc --version', cmd: ['runc', '--version'] },
        warmup: 3,
        runs: 20,
      });
      const withCerts = extraCaCerts
        ? await ctx.measure({
            name: 'node boot with this machine\'s NODE_EXTRA_CA_CERTS (what bin/runc-ts avoids)',
            variant: { label: 'node -e 0', cmd: ['node', '--single-threaded', '--expose-gc', '-e', '0'] },
            warmup: 2,
            runs: 10,
          })
        : undefined;
      const state = await ctx.measure({
        name: 'runc-ts list (boot + CLI, no container work)',
        variant: { label: 'runc-ts list', cmd: [RUNC_TS, ...ours, 'list'] },
        warmup: 2,
        runs: 15,
      });
      ctx.note(
        `Where the time goes: every runc-ts call starts a Node process; node itself boots in ${boot.a.median.toFixed(0)} ms here ` +
          `(runc --version: ${boot.b.median.toFixed(1)} ms) and \`runc-ts list\` takes ${state.variant.median.toFixed(0)} ms — the floor of a ` +
          `runtime that is a fresh Node process per call. The CLI starts on a V8 startup snapshot holding every command's modules ` +
          `already initialised (loading them costs ~30 ms otherwise), and loads koffi's native addon directly (~1 ms; koffi's own ` +
          `loader takes ~8 ms). ` +
          (withCerts
            ? `bin/runc-ts unsets NODE_EXTRA_CA_CERTS, which this machine sets to the system CA bundle: node parses that file at start-up ` +
              `(node boot with it: ${withCerts.variant.median.toFixed(0)} ms) and runc-ts never opens TLS. `
            : '') +
          `The container work itself (cgroups, two forks, rootfs, pivot_root, exec) takes 25–30 ms, of which 10–15 ms is the kernel's ` +
          `RCU grace period for the first cgroup migration (runc's first cgroup.procs write waits as long); runc-ts overlaps it with ` +
          `the rootfs set-up in the init. A long-lived caller (shim-ts) uses the library in-process and pays no boot.`,
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
