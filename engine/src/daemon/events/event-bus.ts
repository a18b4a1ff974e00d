// Engine events (/events): container, image and volume actions, kept in a short ring for `since`
// and fanned out to live subscribers.
export interface EngineEvent {
  Type: 'container' | 'image' | 'volume' | 'network' | 'daemon';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
}

const KEEP = 1000;

export class EventBus {
  private readonly recent: EngineEvent[] = [];
  private readonly subscribers = new Set<(e: EngineEvent) => void>();

  publish(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): void {
    const nowNs = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    const e: EngineEvent = { Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local', time: Number(nowNs / 1_000_000_000n), timeNano: Number(nowNs) };
    // The fields API < 1.22 clients read, still sent by dockerd.
    if (type === 'container' || type === 'image') {
      e.status = action;
      e.id = id;
      if (attributes.image) e.from = attributes.image;
    }
    this.recent.push(e);
    if (this.recent.length > KEEP) this.recent.shift();
    for (const s of this.subscribers) s(e);
  }

  since(timeNano: number): EngineEvent[] {
    return this.recent.filter((e) => e.timeNano >= timeNano);
  }

  subscribe(fn: (e: EngineEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  get listeners(): number {
    return this.subscribers.size;
  }
}
