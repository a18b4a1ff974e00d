#!/usr/bin/env node
// containerd-ts: the daemon. Config file (TOML, containerd's version-2 shape) plus flags that win.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { loadConfig } from '../core/config/config.js';
import { createLogger, isLevel } from '../core/log/logger.js';
import { errorMessage } from '../core/errdefs.js';
import { startDaemon } from '../daemon.js';
import { REVISION, VERSION } from '../version.js';

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('containerd-ts')
    .usage('$0 [options]\n\nThe containerd-ts daemon: content, images, snapshots and metadata over containerd\'s gRPC API.')
    .option('config', { alias: 'c', type: 'string', describe: 'path to the TOML configuration file' })
    .option('root', { type: 'string', describe: 'persistent state directory' })
    .option('state', { type: 'string', describe: 'runtime state directory' })
    .option('address', { alias: 'a', type: 'string', describe: 'unix socket path for gRPC' })
    .option('log-level', { alias: 'l', type: 'string', describe: 'debug, info, warn or error' })
    .strict()
    .help()
    // containerd's shape: NAME MODULE VERSION REVISION.
    .version(`containerd-ts container-stack ${VERSION} ${REVISION}`)
    .parseAsync();
  const config = loadConfig(argv.config);
  if (argv.root) config.root = argv.root;
  if (argv.state) config.state = argv.state;
  if (argv.address) config.address = argv.address;
  else if (argv.state && !argv.config) config.address = `${argv.state}/containerd-ts.sock`;
  if (argv['log-level']) {
    if (!isLevel(argv['log-level'])) throw new Error(`invalid log level ${argv['log-level']}`);
    config.logLevel = argv['log-level'];
  }
  const log = createLogger({ level: config.logLevel });
  if (process.getuid && process.getuid() !== 0) log.warn('not running as root: snapshots and layer ownership need root');
  process.umask(0o022);
  const daemon = await startDaemon(config, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { error: errorMessage(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`containerd-ts: ${errorMessage(err)}\n`);
  process.exit(1);
});
