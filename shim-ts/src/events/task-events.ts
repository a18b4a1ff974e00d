// Task events as the shim produces them; containerd-ts subscribes and re-publishes them on its
// Events service. A short backlog covers a subscriber that reconnects after a restart.
export type TaskTopic =
  | '/tasks/create'
  | '/tasks/start'
  | '/tasks/exit'
  | '/tasks/delete'
  | '/tasks/exec-added'
  | '/tasks/exec-started'
  | '/tasks/paused'
  | '/tasks/resumed'
  | '/tasks/oom';

export interface TaskEvent {
  seq: number;
  timestamp: Date;
  namespace: string;
  topic: TaskTopic;
  /** The event message (containerd.events.Task*), as plain fields. */
  fields: Record<string, unknown>;
}

export class TaskEventBus {
  private seq = 0;
  private readonly backlog: TaskEvent[] = [];
  private readonly subscribers = new Set<(e: TaskEvent) => void>();

  constructor(
    /** Told when a subscriber threw: the event still reaches the others. */
    private readonly onSubscriberError: (err: unknown, e: TaskEvent) => void = () => undefined,
    private readonly keep = 1000,
  ) {}

  publish(namespace: string, topic: TaskTopic, fields: Record<string, unknown>): void {
    const e: TaskEvent = { seq: ++this.seq, timestamp: new Date(), namespace, topic, fields };
    this.backlog.push(e);
    if (this.backlog.length > this.keep) this.backlog.shift();
    for (const s of this.subscribers) {
      try {
        s(e);
      } catch (err) {
        this.onSubscriberError(err, e);
      }
    }
  }

  /** Events after `afterSeq` from the backlog, then live ones, until the returned function is called. */
  subscribe(afterSeq: number, listener: (e: TaskEvent) => void): () => void {
    for (const e of this.backlog) if (e.seq > afterSeq) listener(e);
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }
}
