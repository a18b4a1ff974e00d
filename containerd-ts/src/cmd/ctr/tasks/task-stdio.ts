// The stdio URIs a new process gets from ctr-ts: attached (stdin "attach:", output to attached
// clients only), or a log URI for both outputs (file://…, jsonlog://…, a FIFO path with fifo://).
export interface TaskStdio {
  stdin: string;
  stdout: string;
  stderr: string;
}

const LOG_SCHEMES = ['file:', 'jsonlog:', 'fifo:'];

export function checkLogUri(uri: string): string {
  if (uri.startsWith('/')) return `file://${uri}`;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new Error(`invalid --log-uri ${JSON.stringify(uri)}: want file:///path, jsonlog:///path[?max-size=10m&max-file=3] or an absolute path`);
  }
  if (!LOG_SCHEMES.includes(u.protocol)) throw new Error(`invalid --log-uri ${JSON.stringify(uri)}: unsupported scheme ${u.protocol} (want file, jsonlog or fifo)`);
  if (!u.pathname.startsWith('/') || u.host !== '') throw new Error(`invalid --log-uri ${JSON.stringify(uri)}: want an absolute path (${u.protocol}///path)`);
  return uri;
}

/**
 * A log URI takes both outputs and no stdin (as ctr's cio.LogURI); otherwise stdin stays open for
 * attached clients (even detached: `tasks attach` may feed it later) and output goes to them.
 */
export function taskStdio(logUri: string | undefined): TaskStdio {
  if (logUri !== undefined) {
    const uri = checkLogUri(logUri);
    return { stdin: '', stdout: uri, stderr: uri };
  }
  return { stdin: 'attach:', stdout: '', stderr: '' };
}
