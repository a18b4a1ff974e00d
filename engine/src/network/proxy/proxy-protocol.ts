// The port proxy's control protocol: one JSON object per line over a unix socket, each request
// answered in order by one reply with the same id.

export interface ProxyMapping {
  /** The container the mapping belongs to. */
  owner: string;
  proto: 'tcp' | 'udp';
  /** '' for every address. */
  hostIp: string;
  hostPort: number;
  targetIp: string;
  targetPort: number;
}

export type ProxyRequest =
  | ({ id: number; op: 'add' } & ProxyMapping)
  | { id: number; op: 'remove'; owner: string }
  | { id: number; op: 'list' }
  | { id: number; op: 'exit' };

export type ProxyReply =
  | { id: number; ok: true; hostPort?: number; removed?: number; mappings?: ProxyMapping[] }
  | { id: number; ok: false; code: string; message: string };

/** Splits a byte stream into lines and parses each as JSON. */
export function jsonLines(onMessage: (msg: unknown) => void): (chunk: Buffer) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim()) onMessage(JSON.parse(line) as unknown);
    }
  };
}
