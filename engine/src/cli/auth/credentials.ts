// The CLI's credential file, Docker's config.json shape: {"auths": {"host": {"auth": base64(user:pass)}}}
// in $ENGINE_CONFIG (default ~/.engine), readable by its owner only.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { authKey, parseReference } from '../../common/reference.js';

interface ConfigFile {
  auths?: Record<string, { auth?: string }>;
  [k: string]: unknown;
}

export function configPath(): string {
  return path.join(process.env.ENGINE_CONFIG ?? path.join(os.homedir(), '.engine'), 'config.json');
}

function read(): ConfigFile {
  try {
    return JSON.parse(fs.readFileSync(configPath(), 'utf8')) as ConfigFile;
  } catch {
    return {};
  }
}

function write(cfg: ConfigFile): void {
  const file = configPath();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(cfg, null, '\t')}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function saveCredentials(server: string, username: string, password: string): void {
  const cfg = read();
  cfg.auths = { ...(cfg.auths ?? {}), [server]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } };
  write(cfg);
}

export function removeCredentials(server: string): boolean {
  const cfg = read();
  if (!cfg.auths?.[server]) return false;
  delete cfg.auths[server];
  write(cfg);
  return true;
}

/** The X-Registry-Auth header for an image reference's registry ("e30" = {} when none is stored). */
export function registryAuthHeader(image: string): string {
  let key: string;
  try {
    key = authKey(parseReference(image).domain);
  } catch {
    return 'e30';
  }
  const entry = read().auths?.[key];
  if (!entry?.auth) return 'e30';
  const [username, ...rest] = Buffer.from(entry.auth, 'base64').toString('utf8').split(':');
  return Buffer.from(JSON.stringify({ username, password: rest.join(':'), serveraddress: key })).toString('base64url');
}
