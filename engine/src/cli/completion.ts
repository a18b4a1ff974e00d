// Bash completion through yargs: commands and flags from the command modules, and container,
// image, volume and network names from the engine for the commands and flags that take them.
import { ApiClient } from './api-client.js';

const CONTAINER_COMMANDS = new Set(['start', 'stop', 'restart', 'kill', 'rm', 'logs', 'exec', 'attach', 'inspect', 'top', 'wait', 'rename', 'pause', 'unpause', 'port']);
const NETWORK_FLAGS = new Set(['--network', '--net']);
const IMAGE_COMMANDS = new Set(['run', 'create', 'rmi', 'push', 'tag', 'save', 'history', 'inspect']);

async function names(host: string | undefined, kind: 'containers' | 'images' | 'volumes' | 'networks'): Promise<string[]> {
  const client = new ApiClient(host);
  try {
    if (kind === 'networks') return (await client.call<Array<{ Name: string }>>('GET', '/networks')).map((n) => n.Name);
    if (kind === 'containers') {
      const list = await client.call<Array<{ Id: string; Names: string[] }>>('GET', '/containers/json', { query: { all: true } });
      return list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')));
    }
    if (kind === 'volumes') return (await client.call<{ Volumes: Array<{ Name: string }> }>('GET', '/volumes')).Volumes.map((v) => v.Name);
    return (await client.call<Array<{ RepoTags: string[] | null }>>('GET', '/images/json')).flatMap((i) => i.RepoTags ?? []);
  } catch {
    return [];
  } finally {
    client.close();
  }
}

type Done = (completions: string[]) => void;

/** -H as given to this process (before --get-yargs-completions) when the completed words lack it. */
function hostOf(argv: { host?: string | undefined }): string | undefined {
  if (argv.host) return argv.host;
  const i = process.argv.findIndex((a) => a === '-H' || a === '--host');
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The words bash passed after --get-yargs-completions (yargs moves named positionals out of `_`). */
function rawWords(): string[] {
  const i = process.argv.indexOf('--get-yargs-completions');
  return i >= 0 ? process.argv.slice(i + 1) : [];
}

/** The word before the one being completed. */
function previousWord(): string | undefined {
  const words = rawWords();
  return words[words.length - 2];
}

/** `engine network rm|inspect NET…`, `connect|disconnect NET CONTAINER`. */
async function networkPositional(host: string | undefined, words: readonly string[]): Promise<string[] | undefined> {
  const sub = words[1] ?? '';
  if (['rm', 'remove', 'inspect'].includes(sub) && words.length >= 3) return names(host, 'networks');
  if (['connect', 'disconnect'].includes(sub)) {
    if (words.length === 3) return names(host, 'networks');
    if (words.length === 4) return names(host, 'containers');
  }
  return undefined;
}

export function completer(current: string, argv: { _: Array<string | number>; host?: string | undefined }, defaultCompletion: (cb: (err: Error | null, c: string[]) => void) => void, done: Done): void {
  const words = argv._.map(String).filter((w) => w !== 'engine');
  const cmd = words[0];
  const positional = words.length >= 2 && !current.startsWith('-');
  const pick = async (): Promise<string[] | undefined> => {
    if ((cmd === 'run' || cmd === 'create') && NETWORK_FLAGS.has(previousWord() ?? '')) {
      const running = (await names(hostOf(argv), 'containers')).map((n) => `container:${n}`);
      return [...new Set(['bridge', 'host', 'none', ...(await names(hostOf(argv), 'networks'))]), ...running];
    }
    if (!positional || !cmd) return undefined;
    if (cmd === 'network') return networkPositional(hostOf(argv), rawWords().filter((w) => w !== 'engine' && !w.startsWith('-')));
    if (cmd === 'volume' && ['rm', 'inspect'].includes(words[1] ?? '') && words.length >= 3) return names(hostOf(argv), 'volumes');
    if (cmd === 'run' || cmd === 'create') return words.length === 2 ? names(hostOf(argv), 'images') : undefined;
    if (CONTAINER_COMMANDS.has(cmd) && !(cmd === 'exec' && words.length > 2)) return [...(await names(hostOf(argv), 'containers')), ...(cmd === 'inspect' ? [...(await names(hostOf(argv), 'images')), ...(await names(hostOf(argv), 'networks'))] : [])];
    if (IMAGE_COMMANDS.has(cmd)) return names(hostOf(argv), 'images');
    return undefined;
  };
  void pick().then((list) => {
    if (list) done(list.filter((n) => n.startsWith(current)));
    else defaultCompletion((_err, c) => done(c));
  });
}
