/**
 * How SWE-ReX turns a multi-line action into what it types into the shell (swerex/runtime/local.py
 * `_split_bash_command` and `_run_normal`): bashlex parses the stripped text, each top-level command
 * becomes the source slice from its first to its last AST position, and the slices are joined with
 * ` ; `. When bashlex raises, the raw text is sent with an end marker instead.
 *
 * This is not a bash parser but a model of bashlex's answer for the shapes agents write; the
 * consequences are upstream's: comments vanish, `cmd &` or `cmd;` followed by another line becomes
 * `cmd & ; next` (a syntax error), and a heredoc body is dropped unless its `<<WORD` ends the line
 * (bashlex/heredoc.py extends the redirect's position only then). Where bashlex raises (arithmetic
 * `$((..))` and `$[..]`, `[[`, `time`, `select`, `coproc`, `for ((`, array assignments, a quoted
 * heredoc delimiter, which bashlex never finds because it compares it with its quotes) this answers
 * `undefined`, and so it does for constructs it does not model (`;&`, `;;&` case terminators).
 */

/** The command to type, and whether it is SWE-ReX's fallback (raw text plus its end marker). */
export interface ShellInput {
  text: string;
  fallback: boolean;
}

/** SWE-ReX's end marker after a command bashlex could not parse (`_run_normal`). */
export const FALLBACK_UNIQUE_STRING = 'UNIQUESTRING29234';
const FALLBACK_TERMINATOR = `\n TMPEXITCODE=$? ; sleep 0.1; echo -n '${FALLBACK_UNIQUE_STRING}' ; (exit $TMPEXITCODE)`;

export function shellInputFor(command: string): ShellInput {
  const parts = splitBashCommand(command);
  if (parts === undefined) return { text: command + FALLBACK_TERMINATOR, fallback: true };
  return { text: parts.join(' ; '), fallback: false };
}

/** Python's str.isspace() set, which `str.strip()` removes (JavaScript's trim() differs). */
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
/** Python's str.splitlines() boundaries. */
const PY_LINES = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/;

/** The top-level commands as bashlex delimits them, or undefined where bashlex would raise. */
export function splitBashCommand(command: string): string[] | undefined {
  const input = command.replace(PY_STRIP, '');
  if (!input || input.split(PY_LINES).every((line) => line.replace(PY_STRIP, '').startsWith('#'))) return [];
  try {
    const ranges = new Parser(input).topLevel();
    // Blank lines between comment lines: bashlex.parse answers nothing usable and SWE-ReX falls back.
    if (ranges.length === 0) return undefined;
    return ranges.map(([start, end]) => input.slice(start, end));
  } catch (err) {
    if (err instanceof Unparsable) return undefined;
    throw err;
  }
}

class Unparsable extends Error {}

type Token =
  | { kind: 'word'; text: string; start: number; end: number; quoted: boolean }
  | { kind: 'op'; text: string; start: number; end: number }
  | { kind: 'newline'; start: number; end: number }
  | { kind: 'eof'; start: number; end: number };

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  /** End of the `<<WORD` redirect: the body extends the command only when a newline follows at once. */
  redirectEnd: number;
}

const OPERATORS = ['&&', '||', ';;&', ';;', ';&', ';', '&>>', '&>', '&', '|&', '|', '<<<', '<<-', '<<', '<>', '<&', '<', '>>', '>&', '>|', '>', '(', ')'];
const REDIRECTIONS = new Set(['&>>', '&>', '<<<', '<<-', '<<', '<>', '<&', '<', '>>', '>&', '>|', '>']);
/** Reserved words that would only appear here after a syntax error. */
const UNEXPECTED_RESERVED = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}', 'in']);
/** Words bashlex cannot parse in command position (NotImplementedError or ParsingError). */
const UNSUPPORTED_COMMANDS = new Set(['[[', 'time', 'select', 'coproc']);
const METACHARS = ' \t\n;&|<>()';

class Parser {
  private i = 0;
  private peeked: Token | undefined;
  private heredocs: PendingHeredoc[] = [];
  /** The furthest source position covered by the command being delimited (AST positions). */
  private reach = 0;

  constructor(private readonly src: string) {}

  topLevel(): Array<[number, number]> {
    const ranges: Array<[number, number]> = [];
    for (;;) {
      this.skipNewlines();
      const token = this.peek();
      if (token.kind === 'eof') return ranges;
      const start = token.start;
      this.reach = start;
      this.list(false);
      const after = this.next();
      if (after.kind !== 'newline' && after.kind !== 'eof') throw new Unparsable(`unexpected ${describe(after)}`);
      ranges.push([start, this.reach]);
    }
  }

  /**
   * Pipelines joined by && || ; &. At top level (`nested` false) a newline ends the list; inside a
   * compound command newlines separate commands and the list ends at a closing reserved word.
   */
  private list(nested: boolean): void {
    this.pipeline();
    for (;;) {
      const token = this.peek();
      if (token.kind === 'op' && (token.text === '&&' || token.text === '||')) {
        this.take(token);
        this.skipNewlines();
        this.pipeline();
      } else if (token.kind === 'op' && (token.text === ';' || token.text === '&')) {
        this.take(token);
        if (nested) this.skipNewlines();
        if (this.atListEnd(nested)) return;
        this.pipeline();
      } else if (nested && token.kind === 'newline') {
        this.skipNewlines();
        if (this.atListEnd(nested)) return;
        this.pipeline();
      } else {
        return;
      }
    }
  }

  private atListEnd(nested: boolean): boolean {
    const token = this.peek();
    if (token.kind === 'eof' || token.kind === 'newline') return true;
    if (token.kind === 'op') return token.text === ')' || (nested && token.text === ';;');
    return nested && !token.quoted && UNEXPECTED_RESERVED.has(token.text);
  }

  private pipeline(): void {
    const first = this.peek();
    if (first.kind === 'word' && !first.quoted && first.text === '!') this.take(first);
    this.command();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || (token.text !== '|' && token.text !== '|&')) return;
      this.take(token);
      this.skipNewlines();
      this.command();
    }
  }

  private command(): void {
    const token = this.peek();
    if (token.kind === 'op' && token.text === '(') {
      this.take(token);
      if (this.src[token.end] === '(') this.arithmeticCommand();
      else this.compound([')']);
      this.redirections();
      return;
    }
    if (token.kind !== 'word') throw new Unparsable(`unexpected ${describe(token)}`);
    if (!token.quoted) {
      if (UNSUPPORTED_COMMANDS.has(token.text) || UNEXPECTED_RESERVED.has(token.text)) throw new Unparsable(token.text);
      const compound = this.reservedCompound(token.text);
      if (compound) {
        this.take(token);
        compound();
        this.redirections();
        return;
      }
      if (token.text === 'function') {
        this.take(token);
        this.word();
        this.functionBody(this.peek());
        return;
      }
    }
    this.simpleCommand();
  }

  private reservedCompound(word: string): (() => void) | undefined {
    switch (word) {
      case '{':
        return () => this.compound(['}']);
      case 'if':
        return () => {
          this.compound(['then']);
          for (;;) {
            const closer = this.compound(['elif', 'else', 'fi']);
            if (closer === 'fi') return;
            if (closer === 'elif') this.compound(['then']);
          }
        };
      case 'while':
      case 'until':
        return () => {
          this.compound(['do']);
          this.compound(['done']);
        };
      case 'for':
        return () => this.forLoop();
      case 'case':
        return () => this.caseStatement();
      default:
        return undefined;
    }
  }

  private forLoop(): void {
    const name = this.peek();
    if (name.kind !== 'word') throw new Unparsable('for ((');
    this.take(name);
    this.skipNewlines();
    let token = this.peek();
    if (token.kind === 'word' && !token.quoted && token.text === 'in') {
      this.take(token);
      for (token = this.peek(); token.kind === 'word'; token = this.peek()) this.take(token);
    }
    if (token.kind === 'op' && token.text === ';') this.take(token);
    this.skipNewlines();
    const body = this.peek();
    if (body.kind === 'word' && !body.quoted && body.text === '{') {
      this.take(body);
      this.compound(['}']);
      return;
    }
    this.expectWord('do');
    this.compound(['done']);
  }

  private caseStatement(): void {
    this.word();
    this.skipNewlines();
    this.expectWord('in');
    for (;;) {
      this.skipNewlines();
      let token = this.peek();
      if (token.kind === 'word' && !token.quoted && token.text === 'esac') {
        this.take(token);
        return;
      }
      if (token.kind === 'op' && token.text === '(') this.take(token);
      this.word();
      for (token = this.peek(); token.kind === 'op' && token.text === '|'; token = this.peek()) {
        this.take(token);
        this.word();
      }
      if (token.kind !== 'op' || token.text !== ')') throw new Unparsable(`expected ) in case, got ${describe(token)}`);
      this.take(token);
      this.skipNewlines();
      token = this.peek();
      if (!(token.kind === 'op' && token.text === ';;') && !(token.kind === 'word' && token.text === 'esac')) this.list(true);
      this.skipNewlines();
      token = this.peek();
      if (token.kind === 'op' && token.text === ';;') this.take(token);
      else if (!(token.kind === 'word' && !token.quoted && token.text === 'esac')) throw new Unparsable(`expected ;; or esac, got ${describe(token)}`);
    }
  }

  /** A compound list up to one of `closers` (reserved words, or `)`); returns the closer met. */
  private compound(closers: string[]): string {
    this.skipNewlines();
    this.list(true);
    this.skipNewlines();
    const closer = this.next();
    const text = closer.kind === 'word' && !closer.quoted ? closer.text : closer.kind === 'op' ? closer.text : '';
    if (!closers.includes(text)) throw new Unparsable(`expected ${closers.join('/')}, got ${describe(closer)}`);
    this.reach = Math.max(this.reach, closer.end);
    return text;
  }

  /** `(( expr ))`: bashlex accepts the arithmetic command (unlike `$((`). */
  private arithmeticCommand(): void {
    let depth = 2;
    let j = this.i + 1;
    for (; j < this.src.length && depth > 0; j++) {
      if (this.src[j] === '(') depth++;
      else if (this.src[j] === ')') depth--;
    }
    if (depth > 0) throw new Unparsable('unterminated ((');
    this.i = j;
    this.peeked = undefined;
    this.reach = Math.max(this.reach, j);
  }

  private simpleCommand(): void {
    let words = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'op' && REDIRECTIONS.has(token.text)) {
        this.redirection(token);
      } else if (token.kind === 'op' && token.text === '(' && words === 1 && this.src[token.end] === ')') {
        // name() compound-command: a function definition
        this.take(token);
        this.advance();
        this.functionBody(this.peek());
        return;
      } else if (token.kind === 'word') {
        if (/^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/.test(token.text) && this.src[token.end] === '(') throw new Unparsable('array assignment');
        this.take(token);
        words++;
      } else {
        if (words === 0 && token.kind === 'op' && token.text === '(') throw new Unparsable('(');
        return;
      }
    }
  }

  private functionBody(token: Token): void {
    if (token.kind === 'op' && token.text === '(' && this.src[token.end] === ')') {
      this.take(token);
      this.advance();
    }
    this.skipNewlines();
    const body = this.peek();
    if (body.kind === 'op' && body.text === '(') {
      this.take(body);
      this.compound([')']);
    } else {
      this.expectWord('{');
      this.compound(['}']);
    }
    this.redirections();
  }

  private redirections(): void {
    for (let token = this.peek(); token.kind === 'op' && REDIRECTIONS.has(token.text); token = this.peek()) this.redirection(token);
  }

  private redirection(op: Token): void {
    this.take(op);
    const target = this.word();
    if (op.kind === 'op' && (op.text === '<<' || op.text === '<<-')) {
      if (/['"\\]/.test(target.text)) throw new Unparsable(`quoted heredoc delimiter ${target.text}`);
      this.heredocs.push({ delimiter: target.text, stripTabs: op.text === '<<-', redirectEnd: target.end });
    }
  }

  private word(): Extract<Token, { kind: 'word' }> {
    const token = this.next();
    if (token.kind !== 'word') throw new Unparsable(`expected a word, got ${describe(token)}`);
    this.reach = Math.max(this.reach, token.end);
    return token;
  }

  private expectWord(text: string): void {
    const token = this.next();
    if (token.kind !== 'word' || token.quoted || token.text !== text) throw new Unparsable(`expected ${text}, got ${describe(token)}`);
    this.reach = Math.max(this.reach, token.end);
  }

  private take(token: Token): void {
    if (this.peeked !== token) throw new Error('bash-split: took a token that was not peeked');
    this.peeked = undefined;
    this.reach = Math.max(this.reach, token.end);
  }

  private advance(): Token {
    const token = this.next();
    this.reach = Math.max(this.reach, token.end);
    return token;
  }

  private next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  private skipNewlines(): void {
    for (let token = this.peek(); token.kind === 'newline'; token = this.peek()) this.next();
  }

  private peek(): Token {
    this.peeked ??= this.lex();
    return this.peeked;
  }

  // Lexer

  private lex(): Token {
    const src = this.src;
    for (;;) {
      while (src[this.i] === ' ' || src[this.i] === '\t' || (src[this.i] === '\\' && src[this.i + 1] === '\n')) this.i += src[this.i] === '\\' ? 2 : 1;
      if (src[this.i] === '#') {
        while (this.i < src.length && src[this.i] !== '\n') this.i++;
        continue;
      }
      break;
    }
    const start = this.i;
    if (start >= src.length) {
      this.readHeredocBodies(start);
      return { kind: 'eof', start, end: start };
    }
    if (src[start] === '\n') {
      this.i++;
      this.readHeredocBodies(start);
      return { kind: 'newline', start, end: start + 1 };
    }
    const processSubstitution = (src[start] === '<' || src[start] === '>') && src[start + 1] === '(';
    if (!processSubstitution) {
      const op = OPERATORS.find((candidate) => src.startsWith(candidate, start));
      if (op) {
        this.i += op.length;
        return { kind: 'op', text: op, start, end: this.i };
      }
    }
    return this.lexWord(start);
  }

  private lexWord(start: number): Token {
    const src = this.src;
    let quoted = false;
    while (this.i < src.length) {
      const c = src[this.i]!;
      if ((c === '<' || c === '>') && src[this.i + 1] === '(') {
        this.i = this.skipCommandSubstitution(this.i + 2);
        continue;
      }
      if (METACHARS.includes(c)) break;
      if (c === '\\') {
        this.i += 2;
        quoted = true;
      } else if (c === "'") {
        this.i = this.closing(this.i + 1, "'");
        quoted = true;
      } else if (c === '"') {
        this.i = this.doubleQuoted(this.i + 1);
        quoted = true;
      } else if (c === '`') {
        this.i = this.backquoted(this.i + 1);
      } else if (c === '$') {
        this.i = this.dollar(this.i);
        if (src[this.i - 1] === "'") quoted = true;
      } else {
        this.i++;
      }
    }
    if (this.i > src.length) throw new Unparsable('unexpected end of input');
    // An fd number directly before a redirection belongs to the redirection.
    return { kind: 'word', text: src.slice(start, this.i), start, end: this.i, quoted };
  }

  /** Index after the closing `quote`. */
  private closing(from: number, quote: string): number {
    const end = this.src.indexOf(quote, from);
    if (end < 0) throw new Unparsable(`unmatched ${quote}`);
    return end + 1;
  }

  private doubleQuoted(from: number): number {
    const src = this.src;
    let j = from;
    while (j < src.length) {
      const c = src[j]!;
      if (c === '"') return j + 1;
      if (c === '\\') j += 2;
      else if (c === '`') j = this.backquoted(j + 1);
      else if (c === '$') j = this.dollar(j);
      else j++;
    }
    throw new Unparsable('unmatched "');
  }

  private backquoted(from: number): number {
    const src = this.src;
    for (let j = from; j < src.length; j++) {
      if (src[j] === '\\') j++;
      else if (src[j] === '`') return j + 1;
    }
    throw new Unparsable('unmatched `');
  }

  /** `$` at `at`: an expansion; returns the index after it. */
  private dollar(at: number): number {
    const src = this.src;
    const next = src[at + 1];
    if (next === '(') {
      if (src[at + 2] === '(') throw new Unparsable('arithmetic expansion');
      return this.skipCommandSubstitution(at + 2);
    }
    if (next === '[') throw new Unparsable('arithmetic substitution');
    if (next === "'") {
      for (let j = at + 2; j < src.length; j++) {
        if (src[j] === '\\') j++;
        else if (src[j] === "'") return j + 1;
      }
      throw new Unparsable("unmatched $'");
    }
    if (next === '"') return this.doubleQuoted(at + 2);
    if (next === '{') {
      let depth = 1;
      let j = at + 2;
      while (j < src.length && depth > 0) {
        const c = src[j]!;
        if (c === '\\') j += 2;
        else if (c === "'") j = this.closing(j + 1, "'");
        else if (c === '"') j = this.doubleQuoted(j + 1);
        else if (c === '$') j = this.dollar(j);
        else {
          if (c === '{') depth++;
          else if (c === '}') depth--;
          j++;
        }
      }
      if (depth > 0) throw new Unparsable('unmatched ${');
      return j;
    }
    return at + 1;
  }

  /** Parses the command list inside `$(`…`)` (or `<(`, `>(`) with a nested parser; returns the index after `)`. */
  private skipCommandSubstitution(from: number): number {
    const inner = new Parser(this.src);
    inner.i = from;
    inner.skipNewlines();
    const first = inner.peek();
    if (!(first.kind === 'op' && first.text === ')')) inner.compoundBody();
    const close = inner.next();
    if (close.kind !== 'op' || close.text !== ')') throw new Unparsable('unmatched $(');
    return close.end;
  }

  private compoundBody(): void {
    this.list(true);
    this.skipNewlines();
  }

  /** At a newline (or the end), the bodies of the heredocs its line opened. */
  private readHeredocBodies(newlineAt: number): void {
    if (this.heredocs.length === 0) return;
    const src = this.src;
    let bodyStart = newlineAt + 1;
    for (const heredoc of this.heredocs) {
      let lineStart = bodyStart;
      let bodyEnd: number | undefined;
      while (lineStart <= src.length) {
        const newline = src.indexOf('\n', lineStart);
        const lineEnd = newline < 0 ? src.length : newline;
        let line = src.slice(lineStart, lineEnd);
        if (heredoc.stripTabs) line = line.replace(/^\t+/, '');
        if (line === heredoc.delimiter) {
          bodyEnd = lineEnd;
          break;
        }
        if (newline < 0) break;
        lineStart = newline + 1;
      }
      if (bodyEnd === undefined) throw new Unparsable(`here-document delimited by end of input (wanted ${heredoc.delimiter})`);
      if (heredoc.redirectEnd === newlineAt && bodyStart === newlineAt + 1) this.reach = Math.max(this.reach, bodyEnd);
      bodyStart = bodyEnd + 1;
    }
    this.heredocs = [];
    this.i = Math.max(this.i, Math.min(bodyStart, src.length));
    this.peeked = undefined;
  }
}

function describe(token: Token): string {
  if (token.kind === 'word' || token.kind === 'op') return `'${token.text}'`;
  return token.kind === 'newline' ? 'newline' : 'end of input';
}
