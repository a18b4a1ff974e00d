// Executes a parsed --format template with Go's text/template semantics and docker's functions
// (json, join, split, lower, upper, title, pad, truncate). Two kinds of data, as in docker: decoded
// JSON (inspect: a missing key prints <no value>, numbers are float64 and print like %v does) and
// the list commands' rows (Go structs there: an unknown field is an error, methods such as
// `.Label "k"` are functions on the row).
import { parseTemplate, TemplateError, TemplateExecError, type ControlNode, type Operand, type Pipeline, type TemplateNode } from './template-parse.js';

export interface ExecOptions {
  /** Rows are structs: an unknown field is an error, numbers are integers. */
  struct?: boolean;
  /** Functions that replace the standard ones (table headers render with identity functions). */
  funcs?: Record<string, TemplateFunc>;
}

export type TemplateFunc = (...args: unknown[]) => unknown;

/** Go's %v for a float64 (JSON numbers): shortest digits, exponent form from 1e+06 up or below 1e-04 (docker inspect prints 1e+09 for a GiB). */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return '0';
  const e = n.toExponential();
  const exp = Number(e.slice(e.indexOf('e') + 1));
  if (exp < -4 || exp >= 6) return e.replace(/e([-+])(\d)$/, 'e$10$2');
  return String(n);
}

/** Go's default formatting (%v) of a value; `top`: a nil at the top level prints <no value>. */
export function goValue(v: unknown, o: ExecOptions = {}, top = true): string {
  if (v === undefined || (v === null && top)) return '<no value>';
  if (v === null) return '<nil>';
  // docker runs inspect templates on its typed structs first: integers print as integers.
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : goFloat(v);
  if (Array.isArray(v)) return `[${v.map((x) => goValue(x, o, false)).join(' ')}]`;
  // A Go struct prints as {v1 v2 …} in field order, a map as map[k:v …] by key: objects whose keys
  // are all exported-field names (RestartPolicy, State) are taken for structs.
  if (typeof v === 'object' && isStructLike(v as object)) return `{${Object.values(v as object).map((x) => goValue(x, o, false)).join(' ')}}`;
  if (typeof v === 'object')
    return `map[${Object.keys(v as object)
      .sort()
      .map((k) => `${k}:${goValue((v as Record<string, unknown>)[k], o, false)}`)
      .join(' ')}]`;
  return String(v);
}

function isStructLike(v: object): boolean {
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => /^[A-Z][A-Za-z0-9]*$/.test(k));
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** fmt.Sprintf for the verbs templates use: %v %s %d %q %t %f %e %g %x %X %c %%, with flags, width and precision. */
export function sprintf(format: string, args: readonly unknown[], o: ExecOptions = {}): string {
  let n = 0;
  return format.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([vsdqtfeEgGxXco%])/g, (_, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const a = args[n++];
    const p = prec === undefined ? undefined : Number(prec);
    let s: string;
    switch (verb) {
      case 'd':
        s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${typeName(a)}=${goValue(a, o)})`;
        break;
      case 'f':
        s = typeof a === 'number' ? a.toFixed(p ?? 6) : `%!f(${typeName(a)}=${goValue(a, o)})`;
        break;
      case 'e':
      case 'E':
        s = typeof a === 'number' ? a.toExponential(p ?? 6).replace(/e([-+])(\d)$/, 'e$10$2') : `%!e(${typeName(a)})`;
        if (verb === 'E') s = s.toUpperCase();
        break;
      case 'g':
      case 'G':
        s = typeof a === 'number' ? goFloat(a) : `%!g(${typeName(a)})`;
        break;
      case 'x':
      case 'X':
        s = typeof a === 'number' ? Math.trunc(a).toString(16) : Buffer.from(String(a)).toString('hex');
        if (verb === 'X') s = s.toUpperCase();
        break;
      case 'c':
        s = typeof a === 'number' ? String.fromCodePoint(a) : `%!c(${typeName(a)})`;
        break;
      case 'o':
        s = typeof a === 'number' ? Math.trunc(a).toString(8) : `%!o(${typeName(a)})`;
        break;
      case 'q':
        s = JSON.stringify(typeof a === 'string' ? a : goValue(a, o));
        break;
      case 't':
        s = typeof a === 'boolean' ? String(a) : `%!t(${typeName(a)}=${goValue(a, o)})`;
        break;
      default:
        s = a === null || a === undefined ? '<nil>' : goValue(a, o, false);
        if (verb === 's' && p !== undefined) s = s.slice(0, p);
    }
    if (flags.includes('+') && typeof a === 'number' && a >= 0 && 'dfeg'.includes(verb)) s = `+${s}`;
    const w = width === undefined ? 0 : Number(width);
    if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : flags.includes('0') && typeof a === 'number' ? s.padStart(w, '0') : s.padStart(w);
    return s;
  }) + (n < args.length ? `%!(EXTRA ${args.slice(n).map((a) => `${typeName(a)}=${goValue(a, o)}`).join(', ')})` : '');
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (op === 'eq') return a === b || (a == null && b == null);
  if (op === 'ne') return !(a === b || (a == null && b == null));
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) throw new TemplateExecError(`template: error calling ${op}: incompatible types for comparison`);
  const x = a as number | string;
  const y = b as number | string;
  return op === 'lt' ? x < y : op === 'le' ? x <= y : op === 'gt' ? x > y : x >= y;
}

function length(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v && typeof v === 'object') return Object.keys(v).length;
  throw new TemplateExecError(`template: error calling len: len of ${v == null ? 'nil pointer' : `type ${typeName(v)}`}`);
}

function indexOf(v: unknown, keys: readonly unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (Array.isArray(cur) || typeof cur === 'string') {
      if (typeof k !== 'number') throw new TemplateExecError(`template: error calling index: cannot index slice/array with type ${typeName(k)}`);
      if (k < 0 || k >= cur.length) throw new TemplateExecError(`template: error calling index: index out of range: ${k}`);
      cur = typeof cur === 'string' ? Buffer.from(cur)[k] : cur[k];
    } else if (cur && typeof cur === 'object') {
      cur = Object.prototype.hasOwnProperty.call(cur, String(k)) ? (cur as Record<string, unknown>)[String(k)] : null;
    } else throw new TemplateExecError(`template: error calling index: index of untyped nil`);
  }
  return cur;
}

/** strings.Title: the first letter of each word upper-cased. */
function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, sep: string, l: string) => sep + l.toUpperCase());
}

function str(v: unknown, o: ExecOptions): string {
  return typeof v === 'string' ? v : goValue(v, o);
}

function builtins(o: ExecOptions): Record<string, TemplateFunc> {
  const print = (args: unknown[]) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + goValue(a, o, false)).join('');
  return {
    and: (...a) => a.find((x) => !truthy(x)) ?? a.at(-1),
    or: (...a) => a.find((x) => truthy(x)) ?? a.at(-1),
    not: (a) => !truthy(a),
    len: (a) => length(a),
    index: (a, ...keys) => indexOf(a, keys),
    slice: (a, i = 0, j) => (typeof a === 'string' || Array.isArray(a) ? a.slice(i as number, j as number | undefined) : (() => { throw new TemplateExecError(`template: error calling slice: can't slice item of type ${typeName(a)}`); })()),
    print: (...a) => print(a),
    printf: (f, ...a) => sprintf(String(f), a, o),
    println: (...a) => `${a.map((x) => goValue(x, o, false)).join(' ')}\n`,
    eq: (a, ...b) => b.some((x) => compare('eq', a, x)),
    ne: (a, b) => compare('ne', a, b),
    lt: (a, b) => compare('lt', a, b),
    le: (a, b) => compare('le', a, b),
    gt: (a, b) => compare('gt', a, b),
    ge: (a, b) => compare('ge', a, b),
    html: (...a) => print(a).replace(/[&<>"'\0]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;', '\0': '\uFFFD' })[c]!),
    urlquery: (...a) => encodeURIComponent(print(a)),
    js: (...a) => print(a).replace(/[\\'"<>&=]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`),
    // docker's additions (cli/templates).
    json: (a) => JSON.stringify(a ?? null),
    split: (s, sep) => str(s, o).split(str(sep, o)),
    join: (list, sep) => {
      if (!Array.isArray(list)) throw new TemplateExecError(`template: error calling join: wrong type for value; expected []string; got ${typeName(list)}`);
      return list.map((x) => str(x, o)).join(str(sep, o));
    },
    title: (s) => title(str(s, o)),
    lower: (s) => str(s, o).toLowerCase(),
    upper: (s) => str(s, o).toUpperCase(),
    pad: (s, before, after) => `${' '.repeat(Number(before))}${str(s, o)}${' '.repeat(Number(after))}`,
    truncate: (s, n) => {
      const t = str(s, o);
      return [...t].length > Number(n) ? [...t].slice(0, Number(n)).join('') : t;
    },
  };
}

class Exec {
  private readonly funcs: Record<string, TemplateFunc>;
  private vars: Array<[string, unknown]> = [];
  private out = '';

  constructor(
    private readonly root: unknown,
    private readonly o: ExecOptions,
  ) {
    this.funcs = { ...builtins(o), ...(o.funcs ?? {}) };
    this.vars.push(['$', root]);
  }

  run(nodes: readonly TemplateNode[]): string {
    this.walk(nodes, this.root);
    return this.out;
  }

  private walk(nodes: readonly TemplateNode[], dot: unknown): void {
    for (const n of nodes) {
      if (n.k === 'text') this.out += n.text;
      else if (n.k === 'action') {
        const v = this.pipeline(n.pipe, dot);
        if (!n.pipe.vars.length) this.out += goValue(v, this.o);
      } else if (n.k === 'if' || n.k === 'with') {
        const mark = this.vars.length;
        const v = this.pipeline(n.pipe, dot);
        if (truthy(v)) this.walk(n.body, n.k === 'with' ? v : dot);
        else this.walk(n.otherwise, dot);
        this.vars.length = mark;
      } else this.range(n, dot);
    }
  }

  private range(n: ControlNode, dot: unknown): void {
    const mark = this.vars.length;
    const v = this.pipeline({ ...n.pipe, vars: [] }, dot);
    let entries: Array<[unknown, unknown]>;
    if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
    else if (v && typeof v === 'object') entries = Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]);
    else if (v === null || v === undefined) entries = [];
    else if (typeof v === 'number' && Number.isInteger(v) && this.o.struct) entries = Array.from({ length: Math.max(0, v) }, (_, i) => [i, i]);
    else throw new TemplateExecError(`template: :1: range can't iterate over ${goValue(v, this.o)}`);
    if (!entries.length) this.walk(n.otherwise, dot);
    for (const [k, x] of entries) {
      this.vars.length = mark;
      if (n.pipe.vars.length === 1) this.vars.push([n.pipe.vars[0]!, x]);
      else if (n.pipe.vars.length === 2) this.vars.push([n.pipe.vars[0]!, k], [n.pipe.vars[1]!, x]);
      this.walk(n.body, x);
    }
    this.vars.length = mark;
  }

  private pipeline(p: Pipeline, dot: unknown): unknown {
    let v: unknown;
    let first = true;
    for (const cmd of p.cmds) {
      v = this.command(cmd, dot, first ? [] : [v]);
      first = false;
    }
    if (p.vars.length) {
      if (p.assign) {
        const slot = [...this.vars].reverse().find(([name]) => name === p.vars[0]);
        if (!slot) throw new TemplateExecError(`template: :1: undefined variable: ${p.vars[0]}`);
        slot[1] = v;
      } else this.vars.push([p.vars[0]!, v]);
    }
    return v;
  }

  private command(cmd: readonly Operand[], dot: unknown, final: unknown[]): unknown {
    const [head, ...rest] = cmd;
    const args = () => [...rest.map((a) => this.operand(a, dot, [])), ...final];
    if (head!.k === 'ident') {
      const fn = this.funcs[head!.name];
      if (!fn) throw new TemplateExecError(`template: :1: function "${head!.name}" not defined`);
      return fn(...args());
    }
    if (head!.k === 'field' || head!.k === 'var' || head!.k === 'pipe') {
      if (rest.length || final.length) {
        // A method with arguments: `.Label "k"`.
        return this.operand(head!, dot, args());
      }
      return this.operand(head!, dot, []);
    }
    if (rest.length || final.length) throw new TemplateExecError(`template: :1: can't give argument to non-function ${goValue(this.operand(head!, dot, []), this.o)}`);
    return this.operand(head!, dot, []);
  }

  private operand(a: Operand, dot: unknown, args: unknown[]): unknown {
    switch (a.k) {
      case 'literal':
        return a.value;
      case 'ident': {
        const fn = this.funcs[a.name];
        if (!fn) throw new TemplateExecError(`template: :1: function "${a.name}" not defined`);
        return fn();
      }
      case 'field':
        return this.chain(dot, a.chain, args, '', a.loc);
      case 'var': {
        const slot = [...this.vars].reverse().find(([name]) => name === a.name);
        if (!slot) throw new TemplateExecError(`template: :1: undefined variable "${a.name}"`);
        return this.chain(slot[1], a.chain, args, a.name, a.loc);
      }
      case 'pipe':
        return this.chain(this.pipeline(a.pipe, dot), a.chain, args, '', a.loc);
    }
  }

  private chain(start: unknown, names: readonly string[], args: unknown[], prefix: string, loc: string): unknown {
    let cur = start;
    if (!names.length && args.length) throw new TemplateExecError(`template: :${loc}: can't give argument to non-function ${prefix || '.'}`);
    // Go names the node's place and the whole node: `:1:2: executing "" at <.Config.Nope>`.
    const at = `<${prefix}.${names.join('.')}>`;
    names.forEach((name, i) => {
      const last = i === names.length - 1;
      if (cur === null || cur === undefined) throw new TemplateExecError(`template: :${loc}: executing "" at ${at}: nil pointer evaluating interface {}.${name}`);
      if (typeof cur !== 'object' || Array.isArray(cur)) throw new TemplateExecError(`template: :${loc}: executing "" at ${at}: can't evaluate field ${name} in type ${typeName(cur)}`);
      const obj = cur as Record<string, unknown>;
      const has = Object.prototype.hasOwnProperty.call(obj, name);
      // docker executes with missingkey=error: an unknown key is an error for maps too.
      if (!has) throw new TemplateExecError(`template: :${loc}: executing "" at ${at}: ${this.o.struct ? `can't evaluate field ${name}` : `map has no entry for key "${name}"`}`);
      const v = has ? obj[name] : undefined;
      if (typeof v === 'function') {
        cur = (v as TemplateFunc)(...(last ? args : []));
        return;
      }
      if (last && args.length) throw new TemplateExecError(`template: :${loc}: executing "" at ${at}: ${name} has arguments but cannot be invoked as function`);
      cur = v;
    });
    return cur;
  }
}

/** Parses and runs `template` on `data`. */
export function executeTemplate(template: string, data: unknown, o: ExecOptions = {}): string {
  return executeParsed(parseTemplate(template), data, o);
}

/** Runs a parsed template on `data` (a command parses once and runs it on every object). */
export function executeParsed(template: readonly TemplateNode[], data: unknown, o: ExecOptions = {}): string {
  return new Exec(data, o).run(template);
}

export { TemplateError, TemplateExecError };
