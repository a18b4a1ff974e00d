import { spawn } from 'node:child_process';

/**
 * One thing to time: a function (awaited) or a command (spawned, must exit 0). `after` runs
 * untimed after each run, warm-up included (e.g. removing the containers a run started).
 */
export type Variant = ({ label: string; run: (iteration: number) => unknown } | { label: string; cmd: readonly string[] }) & {
  after?: (iteration: number) => unknown;
};

/** The variant's untimed clean-up after run `iteration`, if it has one. */
export async function afterRun(variant: Variant, iteration: number): Promise<void> {
  await variant.after?.(iteration);
}

/** Runs a variant once. */
export async function runVariant(variant: Variant, iteration: number): Promise<void> {
  if ('run' in variant) {
    await variant.run(iteration);
    return;
  }
  const [file, ...args] = variant.cmd;
  if (!file) throw new Error(`variant ${variant.label}: empty command`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore' });
    child.once('error', (err) => reject(new Error(`variant ${variant.label}: cannot run ${file}: ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`variant ${variant.label}: ${variant.cmd.join(' ')} exited with ${signal ?? `code ${code}`}`));
    });
  });
}
