// The CRI plugin's settings, read from containerd's `[plugins."io.containerd.grpc.v1.cri"]` table
// for the keys that apply to this runtime.
import { invalidArgument } from '../core/errdefs.js';

export const CRI_PLUGIN_KEY = 'io.containerd.grpc.v1.cri';

export interface CriConfig {
  /** The pause image each pod sandbox runs. */
  sandboxImage: string;
  /** Where the CNI plugin executables are. */
  cniBinDir: string;
  /** Where CNI network configurations are read from. */
  cniConfDir: string;
  /** The streaming server's address and port (0: any free port), containerd's stream_server_address/_port. */
  streamServerAddress: string;
  streamServerPort: number;
}

export const CRI_DEFAULTS: CriConfig = {
  sandboxImage: 'stack.local/pause:3.9',
  cniBinDir: '/usr/lib/cni',
  cniConfDir: '/etc/cni/net.d',
  streamServerAddress: '127.0.0.1',
  streamServerPort: 0,
};

type Table = Record<string, unknown>;

function sub(v: unknown, where: string): Table {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument(`config: ${where} must be a table`);
  return v as Table;
}

function text(v: unknown, where: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw invalidArgument(`config: ${where} must be a non-empty string`);
  return v;
}

/** containerd writes the port as a string ("0" by default); a number is taken too. */
function port(v: unknown, where: string): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) throw invalidArgument(`config: ${where} must be a port number (0 for any)`);
  return n;
}

/** Reads the CRI table out of the parsed `[plugins]` table; unknown keys are ignored, as containerd does. */
export function parseCriConfig(plugins: Table): CriConfig {
  const where = `plugins."${CRI_PLUGIN_KEY}"`;
  const t = sub(plugins[CRI_PLUGIN_KEY], where);
  const cni = sub(t['cni'], `${where}.cni`);
  return {
    sandboxImage: text(t['sandbox_image'], `${where}.sandbox_image`) ?? CRI_DEFAULTS.sandboxImage,
    cniBinDir: text(cni['bin_dir'], `${where}.cni.bin_dir`) ?? CRI_DEFAULTS.cniBinDir,
    cniConfDir: text(cni['conf_dir'], `${where}.cni.conf_dir`) ?? CRI_DEFAULTS.cniConfDir,
    streamServerAddress: text(t['stream_server_address'], `${where}.stream_server_address`) ?? CRI_DEFAULTS.streamServerAddress,
    streamServerPort: port(t['stream_server_port'], `${where}.stream_server_port`) ?? CRI_DEFAULTS.streamServerPort,
  };
}
