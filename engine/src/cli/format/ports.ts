// The PORTS column of `ps` as docker prints it: `0.0.0.0:8080->80/tcp, 53/udp`, with runs of
// consecutive ports folded into ranges (`0.0.0.0:8000-8001->80-81/tcp`).
export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

interface Run {
  ip: string;
  type: string;
  first: PortSummary;
  last: PortSummary;
}

function range(a: number, b: number): string {
  return a === b ? String(a) : `${a}-${b}`;
}

function render(r: Run): string {
  const priv = range(r.first.PrivatePort, r.last.PrivatePort);
  if (r.first.PublicPort === undefined || r.first.PublicPort === 0) return `${priv}/${r.type}`;
  return `${r.ip}:${range(r.first.PublicPort, r.last.PublicPort ?? r.first.PublicPort)}->${priv}/${r.type}`;
}

export function displayPorts(ports: readonly PortSummary[]): string {
  const sorted = [...ports].sort((a, b) => (a.Type.localeCompare(b.Type) || (a.IP ?? '').localeCompare(b.IP ?? '') || (a.PublicPort ?? 0) - (b.PublicPort ?? 0) || a.PrivatePort - b.PrivatePort));
  const runs: Run[] = [];
  for (const p of sorted) {
    const ip = p.IP ?? '';
    const prev = runs[runs.length - 1];
    const published = (p.PublicPort ?? 0) > 0;
    const extends_ =
      prev !== undefined &&
      prev.ip === ip &&
      prev.type === p.Type &&
      p.PrivatePort === prev.last.PrivatePort + 1 &&
      (published ? (prev.last.PublicPort ?? 0) > 0 && p.PublicPort === (prev.last.PublicPort ?? 0) + 1 : (prev.last.PublicPort ?? 0) === 0);
    if (extends_) prev.last = p;
    else runs.push({ ip, type: p.Type, first: p, last: p });
  }
  return runs.map(render).join(', ');
}
