// A tiny plugin registry in containerd's manner: plugins declare a type, an id and the types they
// require; init runs in dependency order, and a failed plugin is recorded (for Introspection) while
// the plugins that need it are skipped with the reason.
import type { Logger } from '../log/logger.js';

export interface InitContext {
  log: Logger;
  /** The first initialised plugin of a type (or of type and id). */
  get<T>(type: string, id?: string): T;
  /** Every initialised plugin of a type, by id. */
  getAll<T>(type: string): Map<string, T>;
  /** Key-value facts shown by Introspection (e.g. the root directory). */
  exports: Record<string, string>;
}

export interface Plugin<T = unknown> {
  type: string;
  id: string;
  requires?: string[];
  init(ic: InitContext): T | Promise<T>;
}

export interface PluginState {
  type: string;
  id: string;
  requires: string[];
  exports: Record<string, string>;
  error?: string;
}

export class PluginRegistry {
  private readonly plugins: Plugin[] = [];
  private readonly instances = new Map<string, unknown>();
  private readonly states: PluginState[] = [];

  constructor(private readonly log: Logger) {}

  register<T>(p: Plugin<T>): void {
    if (this.plugins.some((q) => q.type === p.type && q.id === p.id)) throw new Error(`plugin ${p.type}.${p.id} registered twice`);
    this.plugins.push(p as Plugin);
  }

  /** Plugins sorted so that each comes after every plugin of a type it requires. */
  private ordered(): Plugin[] {
    const out: Plugin[] = [];
    const visiting = new Set<Plugin>();
    const done = new Set<Plugin>();
    const visit = (p: Plugin) => {
      if (done.has(p)) return;
      if (visiting.has(p)) throw new Error(`plugin dependency cycle at ${p.type}.${p.id}`);
      visiting.add(p);
      for (const req of p.requires ?? []) for (const q of this.plugins) if (q.type === req && q !== p) visit(q);
      visiting.delete(p);
      done.add(p);
      out.push(p);
    };
    for (const p of this.plugins) visit(p);
    return out;
  }

  async initAll(disabled: ReadonlySet<string> = new Set()): Promise<void> {
    for (const p of this.ordered()) {
      const name = `${p.type}.${p.id}`;
      const state: PluginState = { type: p.type, id: p.id, requires: p.requires ?? [], exports: {} };
      this.states.push(state);
      if (disabled.has(name)) {
        state.error = 'disabled by configuration';
        continue;
      }
      const missing = (p.requires ?? []).filter((t) => ![...this.instances.keys()].some((k) => k.startsWith(`${t}\x1f`)));
      if (missing.length) {
        state.error = `required plugins not available: ${missing.join(', ')}`;
        this.log.warn('plugin skipped', { plugin: name, error: state.error });
        continue;
      }
      const ic: InitContext = {
        log: this.log.with({ plugin: name }),
        get: <T>(type: string, id?: string) => this.get<T>(type, id),
        getAll: <T>(type: string) => this.getAll<T>(type),
        exports: state.exports,
      };
      try {
        this.instances.set(`${p.type}\x1f${p.id}`, await p.init(ic));
        this.log.debug('plugin loaded', { plugin: name });
      } catch (err) {
        state.error = err instanceof Error ? err.message : String(err);
        this.log.warn('plugin failed to load', { plugin: name, error: state.error });
      }
    }
  }

  get<T>(type: string, id?: string): T {
    for (const [k, v] of this.instances) {
      const [t, i] = k.split('\x1f');
      if (t === type && (id === undefined || i === id)) return v as T;
    }
    throw new Error(`plugin ${type}${id ? `.${id}` : ''} is not loaded`);
  }

  getAll<T>(type: string): Map<string, T> {
    const out = new Map<string, T>();
    for (const [k, v] of this.instances) {
      const [t, i] = k.split('\x1f') as [string, string];
      if (t === type) out.set(i, v as T);
    }
    return out;
  }

  describe(): PluginState[] {
    return this.states;
  }
}
