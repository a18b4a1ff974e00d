// Go text/template's syntax, as `--format` takes it: text and {{actions}} (with {{- -}} trimming and
// {{/* comments */}}), pipelines with `|`, variables (`$x := …`, `$x = …`), parenthesised
// pipelines, and the if / else if / else / range / with / end structure. define, template and block
// are refused: docker's formats never use them.

export type Operand =
  | { k: 'field'; chain: string[]; loc: string }
  | { k: 'var'; name: string; chain: string[]; loc: string }
  | { k: 'literal'; value: string | number | boolean | null }
  | { k: 'ident'; name: string }
  | { k: 'pipe'; pipe: Pipeline; chain: string[]; loc: string };

export interface Pipeline {
  /** Variables declared (`:=`) or assigned (`=`) by the pipeline. */
  vars: string[];
  assign: boolean;
  cmds: Operand[][];
}

export type TemplateNode =
  | { k: 'text'; text: string }
  | { k: 'action'; pipe: Pipeline }
  | ControlNode;

/** {{if}}, {{with}} and {{range}}: a body, and what {{else}} gives. */
export interface ControlNode {
  k: 'if' | 'with' | 'range';
  pipe: Pipeline;
  body: TemplateNode[];
  otherwise: TemplateNode[];
}

/** A template that does not parse (docker inspect: status 64). */
export class TemplateError extends Error {}

/** A template that parsed but failed on the data (an unknown field of a row, len of a number…). */
export class TemplateExecError extends TemplateError {}

interface Token {
  t: 'field' | 'var' | 'string' | 'number' | 'ident' | '(' | ')' | '|' | ':=' | '=' | ',';
  v: string;
  /** The token follows the previous one with no space (a field chain after `)` or on `$x`). */
  joined: boolean;
  /** `line:column` in the template, as Go's errors give a node's place. */
  loc: string;
}

/** The functions a --format template may call (Go's builtins and docker's): others fail at parse, as in Go. */
export const FUNCTION_NAMES = new Set(['and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf', 'println', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'html', 'js', 'urlquery', 'json', 'split', 'join', 'title', 'lower', 'upper', 'pad', 'truncate']);

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

function unquote(raw: string): string {
  if (raw.startsWith('`')) return raw.slice(1, -1);
  return raw.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    const c = simple[e];
    if (c === undefined) throw new TemplateError(`template: :1: invalid syntax: unknown escape \\${e}`);
    return c;
  });
}

/** Go's `line:byte` of an offset in the template. */
function location(src: string, offset: number): string {
  const before = src.slice(0, offset);
  const nl = before.lastIndexOf('\n');
  return `${before.split('\n').length}:${Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1))}`;
}

function tokenize(action: string, at: (offset: number) => string): Token[] {
  const out: Token[] = [];
  const re = /\s+|"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)'|:=|[()|=,]|\$[\w]*(?:\.[\w]+)*|(?:\.[\w]+)+|\.|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_]\w*|./gy;
  let joined = false;
  for (let m = re.exec(action); m; m = re.exec(action)) {
    const s = m[0];
    if (/^\s+$/.test(s)) {
      joined = false;
      continue;
    }
    let t: Token['t'];
    if (s.startsWith('"') || s.startsWith('`')) t = 'string';
    else if (s.startsWith("'")) {
      out.push({ t: 'number', v: String(unquote(`"${s.slice(1, -1)}"`).charCodeAt(0)), joined, loc: at(m.index) });
      joined = true;
      continue;
    } else if (s === ':=' || s === '(' || s === ')' || s === '|' || s === '=' || s === ',') t = s;
    else if (s.startsWith('$')) t = 'var';
    else if (s.startsWith('.')) t = 'field';
    else if (/^-?\d/.test(s)) t = 'number';
    else if (/^[A-Za-z_]/.test(s)) t = 'ident';
    else throw new TemplateError(`template: :1: unexpected "${s}" in command`);
    out.push({ t, v: s, joined, loc: at(m.index) });
    joined = true;
  }
  return out;
}

class PipelineParser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  parse(allowDecl: boolean): Pipeline {
    const pipe: Pipeline = { vars: [], assign: false, cmds: [] };
    if (allowDecl) this.declarations(pipe);
    pipe.cmds = this.commands();
    if (this.i < this.toks.length) throw new TemplateError(`template: :1: unexpected "${this.toks[this.i]!.v}" in operand`);
    return pipe;
  }

  private declarations(pipe: Pipeline): void {
    // `$x :=`, `$i, $v :=` or `$x =`.
    const save = this.i;
    const names: string[] = [];
    while (this.toks[this.i]?.t === 'var' && !this.toks[this.i]!.v.includes('.')) {
      names.push(this.toks[this.i]!.v);
      this.i++;
      if (this.toks[this.i]?.t === ',') this.i++;
      else break;
    }
    const op = this.toks[this.i];
    if (names.length && (op?.t === ':=' || op?.t === '=')) {
      pipe.vars = names;
      pipe.assign = op.t === '=';
      this.i++;
    } else this.i = save;
  }

  private commands(): Operand[][] {
    const cmds: Operand[][] = [];
    let cmd: Operand[] = [];
    while (this.i < this.toks.length && this.toks[this.i]!.t !== ')') {
      const tok = this.toks[this.i]!;
      if (tok.t === '|') {
        if (!cmd.length) throw new TemplateError('template: :1: missing value for command');
        cmds.push(cmd);
        cmd = [];
        this.i++;
        continue;
      }
      cmd.push(this.operand());
    }
    if (!cmd.length) throw new TemplateError('template: :1: missing value for command');
    cmds.push(cmd);
    return cmds;
  }

  private chainAfter(): string[] {
    const next = this.toks[this.i];
    if (next?.t === 'field' && next.joined && next.v !== '.') {
      this.i++;
      return next.v.slice(1).split('.');
    }
    return [];
  }

  private operand(): Operand {
    const tok = this.toks[this.i++]!;
    switch (tok.t) {
      case 'field':
        return { k: 'field', chain: tok.v === '.' ? [] : tok.v.slice(1).split('.'), loc: tok.loc };
      case 'var': {
        const [name, ...chain] = tok.v.split('.');
        return { k: 'var', name: name!, chain, loc: tok.loc };
      }
      case 'string':
        return { k: 'literal', value: unquote(tok.v) };
      case 'number':
        return { k: 'literal', value: Number(tok.v) };
      case 'ident':
        if (tok.v === 'true' || tok.v === 'false') return { k: 'literal', value: tok.v === 'true' };
        if (tok.v === 'nil') return { k: 'literal', value: null };
        if (KEYWORDS.has(tok.v)) throw new TemplateError(`template: :1: unexpected <${tok.v}> in command`);
        if (!FUNCTION_NAMES.has(tok.v)) throw new TemplateError(`template: :1: function "${tok.v}" not defined`);
        return { k: 'ident', name: tok.v };
      case '(': {
        const cmds = this.commands();
        if (this.toks[this.i]?.t !== ')') throw new TemplateError('template: :1: unclosed left paren');
        this.i++;
        return { k: 'pipe', pipe: { vars: [], assign: false, cmds }, chain: this.chainAfter(), loc: tok.loc };
      }
      default:
        throw new TemplateError(`template: :1: unexpected "${tok.v}" in operand`);
    }
  }
}

function parsePipeline(src: string, at: (offset: number) => string = () => '1:0', allowDecl = true): Pipeline {
  const toks = tokenize(src, at);
  if (!toks.length) throw new TemplateError('template: :1: missing value for command');
  return new PipelineParser(toks).parse(allowDecl);
}

/** Splits a template into text and actions, applying the trim markers and dropping comments. */
function lex(src: string): Array<{ text: string } | { action: string; offset: number }> {
  const items: Array<{ text: string } | { action: string; offset: number }> = [];
  let pos = 0;
  let trimNext = false;
  while (pos <= src.length) {
    const open = src.indexOf('{{', pos);
    let text = src.slice(pos, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text) items.push({ text });
      break;
    }
    let inner = open + 2;
    if (/^-\s/.test(src.slice(inner, inner + 2))) {
      text = text.replace(/\s+$/, '');
      inner += 1;
    }
    if (text) items.push({ text });
    const close = closingBraces(src, inner);
    if (close < 0) throw new TemplateError('template: :1: unclosed action');
    let body = src.slice(inner, close);
    trimNext = /\s-$/.test(body);
    if (trimNext) body = body.slice(0, -1);
    const trimmed = body.trim();
    if (trimmed.startsWith('/*')) {
      if (!trimmed.endsWith('*/')) throw new TemplateError('template: :1: unclosed comment');
    } else items.push({ action: trimmed, offset: inner + body.indexOf(trimmed) });
    pos = close + 2;
  }
  return items;
}

/** The `}}` closing an action, skipping quoted strings (a `}}` inside "…" is text). */
function closingBraces(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === '`') {
      const end = c === '"' ? /"(?:[^"\\\n]|\\.)*"/y : /`[^`]*`/y;
      end.lastIndex = i;
      const m = end.exec(src);
      if (!m) throw new TemplateError('template: :1: unterminated quoted string');
      i += m[0].length - 1;
    } else if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}

/** Parses a whole template; errors read like Go's (`template: :1: …`). */
export function parseTemplate(src: string): TemplateNode[] {
  const items = lex(src);
  let i = 0;
  // Parses nodes up to an {{end}} or {{else…}}; returns them and the action that stopped it.
  const list = (depth: number): { nodes: TemplateNode[]; stop?: string } => {
    const nodes: TemplateNode[] = [];
    while (i < items.length) {
      const item = items[i++]!;
      if ('text' in item) {
        nodes.push({ k: 'text', text: item.text });
        continue;
      }
      const a = item.action;
      const at = (o: number) => location(src, item.offset + o);
      const word = /^(\w+)\b\s*([\s\S]*)$/.exec(a);
      const kw = word?.[1];
      if (kw === 'end' || kw === 'else') {
        if (depth === 0) throw new TemplateError(`template: :1: unexpected {{${kw}}}`);
        return { nodes, stop: a };
      }
      if (kw === 'if' || kw === 'with' || kw === 'range') nodes.push(control(kw, word![2]!, depth, (o) => at(a.length - word![2]!.length + o)));
      else if (kw === 'define' || kw === 'template' || kw === 'block' || kw === 'break' || kw === 'continue') throw new TemplateError(`template: {{${kw}}} is not supported in --format`);
      else nodes.push({ k: 'action', pipe: parsePipeline(a, at) });
    }
    if (depth > 0) throw new TemplateError('template: :1: unexpected EOF');
    return { nodes };
  };
  const control = (kind: 'if' | 'with' | 'range', head: string, depth: number, at: (offset: number) => string): TemplateNode => {
    const pipe = parsePipeline(head, at);
    const body = list(depth + 1);
    let otherwise: TemplateNode[] = [];
    if (body.stop !== undefined && body.stop !== 'end') {
      const rest = body.stop.replace(/^else\b\s*/, '');
      if (rest.startsWith('if ') || rest.startsWith('with ')) {
        // `{{else if x}}`: a nested if that the same {{end}} closes.
        const inner = rest.startsWith('if ') ? 'if' : 'with';
        otherwise = [control(inner, rest.slice(inner.length), depth, () => at(0))];
        return { k: kind, pipe, body: body.nodes, otherwise };
      }
      if (rest) throw new TemplateError(`template: :1: unexpected "${rest}" in else`);
      const tail = list(depth + 1);
      if (tail.stop !== 'end') throw new TemplateError('template: :1: expected end; found {{else}}');
      otherwise = tail.nodes;
    }
    return { k: kind, pipe, body: body.nodes, otherwise };
  };
  return list(0).nodes;
}
