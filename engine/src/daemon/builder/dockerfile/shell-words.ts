// Variable expansion and quote removal in Dockerfile arguments, as the classic builder's shell lexer
// does it: 'single' quotes literal, "double" quotes with the escape character only before `"`, `$`
// and itself, $VAR and ${VAR} (an unset variable is empty), ${VAR:-word} ${VAR-word} ${VAR:+word}
// ${VAR+word}. Other shell operators (${VAR:?}, ${#VAR}, ${VAR%…}) are refused, never passed through.
export class ShellWordError extends Error {}

export type Env = ReadonlyMap<string, string>;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class Lexer {
  private i = 0;
  /** Words so far (word-splitting mode) and the one being built. */
  private readonly words: string[] = [];
  private cur = '';
  /** Whether the current word exists even if empty (quotes make an empty word). */
  private started = false;

  constructor(
    private readonly s: string,
    private readonly env: Env,
    private readonly escape: string,
    private readonly split: boolean,
  ) {}

  private peek(): string | undefined {
    return this.s[this.i];
  }

  private add(text: string, splittable: boolean): void {
    if (!this.split || !splittable) {
      this.cur += text;
      this.started = true;
      return;
    }
    for (const ch of text) {
      if (/\s/.test(ch)) this.blank();
      else {
        this.cur += ch;
        this.started = true;
      }
    }
  }

  private blank(): void {
    if (this.started) this.words.push(this.cur);
    this.cur = '';
    this.started = false;
  }

  /** Reads up to (not including) one of `stops` at nesting level 0; returns the expanded text. */
  run(stops = ''): string[] {
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!;
      if (stops.includes(ch)) break;
      if (ch === "'") this.single();
      else if (ch === '"') this.double();
      else if (ch === '$') this.add(this.dollar(), true);
      else if (ch === this.escape) {
        this.i++;
        const next = this.s[this.i];
        if (next === undefined) this.add(ch, false);
        else {
          this.add(next, false);
          this.i++;
        }
      } else if (this.split && /\s/.test(ch)) {
        this.blank();
        this.i++;
      } else {
        this.add(ch, false);
        this.i++;
      }
    }
    this.blank();
    return this.words;
  }

  private single(): void {
    const end = this.s.indexOf("'", this.i + 1);
    if (end < 0) throw new ShellWordError('unexpected end of statement while looking for matching single-quote');
    this.add(this.s.slice(this.i + 1, end), false);
    this.i = end + 1;
  }

  private double(): void {
    this.i++;
    let text = '';
    for (;;) {
      const ch = this.s[this.i];
      if (ch === undefined) throw new ShellWordError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') break;
      if (ch === '$') text += this.dollar();
      else if (ch === this.escape && ['"', '$', this.escape].includes(this.s[this.i + 1] ?? '')) {
        text += this.s[this.i + 1];
        this.i += 2;
      } else {
        text += ch;
        this.i++;
      }
    }
    this.i++;
    this.add(text, false);
  }

  private name(): string {
    let n = '';
    while (this.peek() !== undefined && NAME_CHAR.test(this.peek()!)) n += this.s[this.i++];
    return n;
  }

  /** `$…` at this.i: the value it stands for. */
  private dollar(): string {
    this.i++;
    const ch = this.peek();
    if (ch === '{') {
      this.i++;
      if (this.peek() === '#') throw new ShellWordError('${#VAR} (length) is not supported');
      const name = this.name();
      if (!name) throw new ShellWordError(`bad substitution: missing variable name after "\${"`);
      const op = this.peek();
      if (op === '}') {
        this.i++;
        return this.env.get(name) ?? '';
      }
      let modifier: string;
      if (op === ':') {
        this.i++;
        modifier = `:${this.s[this.i] ?? ''}`;
        this.i++;
      } else {
        modifier = op ?? '';
        this.i++;
      }
      if (![':-', ':+', '-', '+'].includes(modifier)) throw new ShellWordError(`unsupported modifier (${modifier}) in substitution \${${name}${modifier}…}`);
      const word = new Lexer(this.s, this.env, this.escape, false);
      word.i = this.i;
      const text = word.run('}').join('');
      this.i = word.i;
      if (this.peek() !== '}') throw new ShellWordError(`missing '}' in substitution of ${name}`);
      this.i++;
      const value = this.env.get(name);
      const set = value !== undefined;
      const nonEmpty = set && value !== '';
      switch (modifier) {
        case ':-':
          return nonEmpty ? value : text;
        case '-':
          return set ? value : text;
        case ':+':
          return nonEmpty ? text : '';
        default:
          return set ? text : '';
      }
    }
    if (ch !== undefined && NAME_START.test(ch)) return this.env.get(this.name()) ?? '';
    // `$` followed by anything else (a digit, a space, the end) stays a dollar sign.
    if (ch !== undefined && /[0-9]/.test(ch)) {
      this.i++;
      return '';
    }
    return '$';
  }
}

/** One word: quotes removed, variables expanded, whitespace kept. */
export function expandWord(word: string, env: Env, escape = '\\'): string {
  return new Lexer(word, env, escape, false).run().join('');
}

/** Several words: like expandWord, then split at unquoted whitespace (expansions included). */
export function expandWords(text: string, env: Env, escape = '\\'): string[] {
  return new Lexer(text, env, escape, true).run();
}
