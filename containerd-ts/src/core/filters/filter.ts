// containerd's filter language: `field.path==value,other~=regex` (comma = AND); several filter strings
// in one request are OR-ed. A field with no operator tests that the field is present.
import { invalidArgument } from '../errdefs.js';

export type Operator = '==' | '!=' | '~=' | 'present';

export interface Selector {
  fieldpath: string[];
  operator: Operator;
  value: string;
  regex?: RegExp;
}

/** Returns a field's value, or undefined when the object has no such field. */
export type Adaptor = (fieldpath: string[]) => string | undefined;

export type Filter = (adaptor: Adaptor) => boolean;

class Scanner {
  pos = 0;
  constructor(readonly input: string) {}

  get done(): boolean {
    return this.pos >= this.input.length;
  }

  peek(): string {
    return this.input[this.pos] ?? '';
  }

  skipSpace(): void {
    while (!this.done && /\s/.test(this.peek())) this.pos++;
  }

  fail(what: string): never {
    throw invalidArgument(`invalid filter ${JSON.stringify(this.input)} at ${this.pos}: ${what}`);
  }

  /** A quoted string: "…", '…' or /…/ (regex-friendly, only \/ is an escape). */
  quoted(): string {
    const q = this.peek();
    this.pos++;
    let out = '';
    while (!this.done) {
      const c = this.input[this.pos++] as string;
      if (c === q) return out;
      if (c === '\\' && !this.done) {
        const n = this.input[this.pos++] as string;
        if (q === '/') out += n === '/' ? '/' : `\\${n}`;
        else out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
        continue;
      }
      out += c;
    }
    return this.fail('unterminated quoted string');
  }

  field(): string {
    const c = this.peek();
    if (c === '"' || c === "'" || c === '/') return this.quoted();
    const m = /^[A-Za-z0-9_][A-Za-z0-9_\-]*/.exec(this.input.slice(this.pos));
    if (!m) return this.fail('expected a field name');
    this.pos += m[0].length;
    return m[0];
  }

  value(): string {
    const c = this.peek();
    if (c === '"' || c === "'" || c === '/') return this.quoted();
    const m = /^[^,\s"'|]+/.exec(this.input.slice(this.pos));
    if (!m) return this.fail('expected a value');
    this.pos += m[0].length;
    return m[0];
  }

  operator(): Operator | undefined {
    const two = this.input.slice(this.pos, this.pos + 2);
    if (two === '==' || two === '!=' || two === '~=') {
      this.pos += 2;
      return two;
    }
    return undefined;
  }
}

/** Parses one filter string into its AND-ed selectors. */
export function parseSelectors(input: string): Selector[] {
  const s = new Scanner(input);
  const out: Selector[] = [];
  s.skipSpace();
  if (s.done) return out;
  for (;;) {
    s.skipSpace();
    const fieldpath = [s.field()];
    while (s.peek() === '.') {
      s.pos++;
      fieldpath.push(s.field());
    }
    s.skipSpace();
    const op = s.operator();
    if (op) {
      s.skipSpace();
      const value = s.value();
      const sel: Selector = { fieldpath, operator: op, value };
      if (op === '~=') {
        try {
          sel.regex = new RegExp(value);
        } catch (err) {
          s.fail(`bad regular expression: ${(err as Error).message}`);
        }
      }
      out.push(sel);
    } else {
      out.push({ fieldpath, operator: 'present', value: '' });
    }
    s.skipSpace();
    if (s.done) return out;
    if (s.peek() !== ',') s.fail('expected "," between selectors');
    s.pos++;
  }
}

function matches(sel: Selector, adaptor: Adaptor): boolean {
  const v = adaptor(sel.fieldpath);
  switch (sel.operator) {
    case 'present':
      return v !== undefined;
    case '==':
      return v === sel.value;
    case '!=':
      return v !== sel.value;
    case '~=':
      return v !== undefined && (sel.regex as RegExp).test(v);
  }
}

/** Parses the filters of a request: any of them may match; no filter matches everything. */
export function parseFilters(filters: readonly string[]): Filter {
  const alternatives = filters.filter((f) => f.trim() !== '').map(parseSelectors);
  if (alternatives.length === 0) return () => true;
  return (adaptor) => alternatives.some((sels) => sels.every((sel) => matches(sel, adaptor)));
}

/** Adaptor helper for `labels.KEY` fields. */
export function labelField(labels: Record<string, string>, fieldpath: string[]): string | undefined {
  if (fieldpath.length < 2) return Object.keys(labels).length > 0 ? '' : undefined;
  return labels[fieldpath.slice(1).join('.')];
}
