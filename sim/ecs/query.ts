/**
 * The ECS cluster query language (ListContainerInstances `filter`, `memberOf` placement constraints), as
 * the ECS developer guide "Cluster query language" describes it (doc_source/cluster-query-language.md):
 *
 * - a term is `subject operator [argument]`; subjects `agentConnected`, `agentVersion`,
 *   `attribute:<name>`, `ec2InstanceId`, `registeredAt`, `runningTasksCount`, `task:group`;
 * - operators `==`/`equals`, `!=`/`not_equals`, `>`/`greater_than`, `>=`/`greater_than_equal`,
 *   `<`/`less_than`, `<=`/`less_than_equal`, `exists`, `!exists`/`not_exists`, `in`, `!in`/`not_in`
 *   (argument list `[a, b]`), `=~`/`matches`, `!~`/`not_matches` (a Java regular expression);
 * - terms combine with `&&`/`and`, `||`/`or`, `!`/`not`; parentheses set precedence ("a single
 *   expression can't contain parentheses").
 *
 * The page lists which operators each field takes: `agentConnected` and `ec2InstanceId` the string ones
 * (==, !=, in, !in, =~, !~); `agentVersion`, `registeredAt` and `runningTasksCount` the ordered ones
 * (==, !=, >, >=, <, <=). It lists none for `attribute:` and `task:group`; the simulator reads them so:
 * an attribute takes every operator (`exists` / `!exists` only an attribute; `>`… compare numbers when both
 * sides are numbers, else the strings), and `task:group` the string operators, true when a task of the
 * instance is in a matching group (`!=`, `!in`, `!~` are the negations: no such task). A pattern matches the
 * whole value (Java's `String.matches`). Versions compare part by part as numbers (`1.14.5` < `1.89.0`);
 * dates take the page's formats (a date without a zone is UTC; a bare day is its midnight).
 *
 * Anything else is InvalidParameterException, as ECS answers a malformed expression.
 */
import { awsError } from '../core/aws-error.js';
import type { SimContainerInstance } from './model.js';
import { SIM_AGENT_VERSION } from './shapes.js';

type Pred = (ci: SimContainerInstance) => boolean;

const invalid = (expression: string, why: string) =>
  awsError('ecs', 'InvalidParameterException', `Invalid cluster query expression '${expression}': ${why}.`);

/** The page's operator table: each row's symbol and word forms (`!exists` has no symbol of its own). */
const OPERATOR_ROWS: [symbol: string, ...words: string[]][] = [
  ['==', 'equals'],
  ['!=', 'not_equals'],
  ['>', 'greater_than'],
  ['>=', 'greater_than_equal'],
  ['<', 'less_than'],
  ['<=', 'less_than_equal'],
  ['exists'],
  ['!exists', 'not_exists'],
  ['in'],
  ['!in', 'not_in'],
  ['=~', 'matches'],
  ['!~', 'not_matches'],
];
/** Any form of an operator → its symbol. */
const OPERATOR_WORDS = new Map(
  OPERATOR_ROWS.flatMap(([symbol, ...words]) => [symbol, ...words].map((form) => [form, symbol] as const)),
);
/** How tightly each joiner binds (precedence climbing, {@link Parser}). */
const JOINER_LEVEL = new Map([
  ['||', 0],
  ['or', 0],
  ['&&', 1],
  ['and', 1],
]);

/** Operators whose argument is a pattern, as written (the tokenizer reads it whole). */
const MATCH_OPERATORS = new Set(['=~', '!~', 'matches', 'not_matches']);
const STRING_OPS = new Set(['==', '!=', 'in', '!in', '=~', '!~']);
const ORDERED_OPS = new Set(['==', '!=', '>', '>=', '<', '<=']);
const SUBJECT_OPS: Record<string, Set<string>> = {
  agentConnected: STRING_OPS,
  ec2InstanceId: STRING_OPS,
  'task:group': STRING_OPS,
  agentVersion: ORDERED_OPS,
  registeredAt: ORDERED_OPS,
  runningTasksCount: ORDERED_OPS,
};

/** Splits an expression into tokens: brackets, commas, quoted strings, symbols and words. */
const tokenize = (expression: string): string[] => {
  const tokens: string[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i]!;
    const previous = tokens.at(-1);
    if (/\s/.test(c)) {
      i++;
    } else if (previous && MATCH_OPERATORS.has(previous) && c !== "'" && c !== '"') {
      // A pattern is one argument even with brackets and parentheses in it (`[cm]5\..*`, `(c|m)5.*`): up
      // to the next space outside them, not taking a ')' that closes an enclosing group.
      let depth = 0;
      let j = i;
      for (; j < expression.length; j++) {
        const d = expression[j]!;
        if (depth === 0 && /\s/.test(d)) break;
        if (d === '\\') j++;
        else if (d === '(' || d === '[') depth++;
        else if (d === ')' || d === ']') {
          if (depth === 0) break;
          depth--;
        }
      }
      tokens.push(expression.slice(i, j));
      i = j;
    } else if ('()[],'.includes(c)) {
      tokens.push(c);
      i++;
    } else if (c === "'" || c === '"') {
      const end = expression.indexOf(c, i + 1);
      if (end < 0) throw invalid(expression, 'a quote is not closed');
      tokens.push(expression.slice(i, end + 1));
      i = end + 1;
    } else {
      const symbol = ['&&', '||', '==', '!=', '>=', '<=', '=~', '!~', '>', '<'].find((s) =>
        expression.startsWith(s, i),
      );
      if (symbol) {
        tokens.push(symbol);
        i += symbol.length;
        continue;
      }
      // `!` alone is `not`; `!in` / `!exists` are operators (a word follows the `!` directly).
      if (c === '!' && !/^!(in|exists)\b/.test(expression.slice(i))) {
        tokens.push('!');
        i++;
        continue;
      }
      let j = i + 1;
      while (j < expression.length && !/[\s()[\],]/.test(expression[j]!)) j++;
      tokens.push(expression.slice(i, j));
      i = j;
    }
  }
  return tokens;
};

const unquote = (token: string): string =>
  /^(['"]).*\1$/s.test(token) && token.length >= 2 ? token.slice(1, -1) : token;

const isNumber = (s: string): boolean => /^[+-]?\d+(\.\d+)?$/.test(s.trim());

/** Version parts as numbers (`1.14.5` → [1, 14, 5]); undefined when a part is not a number. */
const versionParts = (v: string): number[] | undefined => {
  const parts = v.trim().split('.');
  return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : undefined;
};

const compareVersions = (a: number[], b: number[]): number => {
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    const d = (a[k] ?? 0) - (b[k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/** The page's date formats: with an offset, with Z, without a zone (UTC), or a bare day. */
const parseDate = (s: string): number | undefined => {
  const m =
    /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(s.trim()) ??
    undefined;
  if (!m) return undefined;
  const at = Date.parse(m[2] ? `${m[1]}T${m[2]}${m[3] ?? 'Z'}` : `${m[1]}T00:00:00Z`);
  return Number.isNaN(at) ? undefined : at;
};

const ordered = (op: string, d: number): boolean => {
  switch (op) {
    case '==':
      return d === 0;
    case '!=':
      return d !== 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    case '<':
      return d < 0;
    default:
      return d <= 0;
  }
};

/** A Java-style whole-value pattern; InvalidParameterException when it is not a regular expression. */
const pattern = (expression: string, source: string): RegExp => {
  try {
    return new RegExp(`^(?:${source})$`, 's');
  } catch {
    throw invalid(expression, `'${source}' is not a regular expression`);
  }
};

class Parser {
  private pos = 0;
  constructor(
    private readonly expression: string,
    private readonly tokens: string[],
  ) {}

  parse(): Pred {
    if (this.tokens.length === 0) throw invalid(this.expression, 'it is empty');
    const p = this.joined();
    if (this.pos < this.tokens.length)
      throw invalid(this.expression, `unexpected '${this.tokens[this.pos]}'`);
    return p;
  }

  private peek(): string | undefined {
    return this.tokens[this.pos];
  }

  private take(): string {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw invalid(this.expression, 'it ends too soon');
    return t;
  }

  /**
   * Precedence climbing over the joiners: `or` / `||` bind loosest, `and` / `&&` tighter; an operand is a
   * term, a negated operand (`not` / `!`) or a parenthesised expression.
   */
  private joined(loosest = 0): Pred {
    let left = this.operand();
    for (;;) {
      const level = JOINER_LEVEL.get(this.peek()?.toLowerCase() ?? '');
      if (level === undefined || level < loosest) return left;
      this.pos++;
      const right = this.joined(level + 1);
      const l = left;
      left = level === 0 ? (ci) => l(ci) || right(ci) : (ci) => l(ci) && right(ci);
    }
  }

  private operand(): Pred {
    const t = this.peek()?.toLowerCase();
    if (t === '!' || t === 'not') {
      this.pos++;
      const negated = this.operand();
      return (ci) => !negated(ci);
    }
    if (t !== '(') return this.term();
    this.pos++;
    const grouped = this.joined();
    if (this.take() !== ')') throw invalid(this.expression, "a '(' is not closed");
    return grouped;
  }

  private term(): Pred {
    const subject = this.take();
    const known =
      subject.startsWith('attribute:') && subject.length > 'attribute:'.length
        ? 'attribute'
        : Object.hasOwn(SUBJECT_OPS, subject)
          ? subject
          : undefined;
    if (!known) throw invalid(this.expression, `unknown subject '${subject}'`);
    const opToken = this.take();
    const op = OPERATOR_WORDS.get(opToken) ?? OPERATOR_WORDS.get(opToken.toLowerCase());
    if (!op) throw invalid(this.expression, `unknown operator '${opToken}'`);
    if (known !== 'attribute' && !SUBJECT_OPS[known]!.has(op)) {
      throw invalid(this.expression, `${subject} does not take '${opToken}'`);
    }
    if (op === 'exists' || op === '!exists') {
      const name = subject.slice('attribute:'.length);
      const want = op === 'exists';
      return (ci) => ci.attributes.some((a) => a.name === name) === want;
    }
    const args = op === 'in' || op === '!in' ? this.list() : [this.argument(op)];
    return this.compare(known, subject, op, args);
  }

  private argument(op: string): string {
    const t = this.take();
    if (t === '' || (!MATCH_OPERATORS.has(op) && '()[],'.includes(t))) {
      throw invalid(this.expression, `'${op}' needs an argument`);
    }
    return unquote(t);
  }

  private list(): string[] {
    if (this.take() !== '[') throw invalid(this.expression, "'in' needs a list [a, b]");
    const items: string[] = [];
    for (;;) {
      const t = this.take();
      if (t === ']' && items.length === 0) break;
      if ('()[],'.includes(t)) throw invalid(this.expression, `unexpected '${t}' in a list`);
      items.push(unquote(t));
      const sep = this.take();
      if (sep === ']') break;
      if (sep !== ',') throw invalid(this.expression, `unexpected '${sep}' in a list`);
    }
    return items;
  }

  private compare(known: string, subject: string, op: string, args: string[]): Pred {
    const arg = args[0] ?? '';
    if (known === 'agentVersion') {
      const want = versionParts(arg);
      if (!want) throw invalid(this.expression, `'${arg}' is not a version`);
      return (ci) => {
        const have = versionParts(agentVersionOf(ci));
        return have !== undefined && ordered(op, compareVersions(have, want));
      };
    }
    if (known === 'registeredAt') {
      const want = parseDate(arg);
      if (want === undefined) throw invalid(this.expression, `'${arg}' is not a date`);
      return (ci) => ordered(op, ci.registeredAt - want);
    }
    if (known === 'runningTasksCount') {
      if (!/^\d+$/.test(arg)) throw invalid(this.expression, `'${arg}' is not a count`);
      const want = Number(arg);
      return (ci) => ordered(op, runningTasks(ci) - want);
    }
    if (known === 'task:group') {
      // The negative operators are "no task in a matching group": the positive one, negated.
      const opposite = new Map([
        ['!=', '=='],
        ['!in', 'in'],
        ['!~', '=~'],
      ]).get(op);
      const negated = opposite !== undefined;
      const positive = this.matcher(opposite ?? op, args);
      return (ci) => {
        let any = false;
        for (const t of ci.tasks) if (t.desiredStatus !== 'STOPPED' && positive(t.group)) any = true;
        return negated ? !any : any;
      };
    }
    const match = this.matcher(op, args);
    const value = (ci: SimContainerInstance): string | undefined =>
      known === 'agentConnected'
        ? String(ci.agentConnected)
        : known === 'ec2InstanceId'
          ? ci.ec2InstanceId
          : ci.attributes.find((a) => a.name === subject.slice('attribute:'.length))?.value;
    return (ci) => match(value(ci));
  }

  /** A test of one string value (undefined: the attribute is absent). */
  private matcher(op: string, args: string[]): (v: string | undefined) => boolean {
    const arg = args[0] ?? '';
    switch (op) {
      case '==':
        return (v) => v === arg;
      case '!=':
        return (v) => v !== arg;
      case 'in':
        return (v) => v !== undefined && args.includes(v);
      case '!in':
        return (v) => v === undefined || !args.includes(v);
      case '=~': {
        const re = pattern(this.expression, arg);
        return (v) => v !== undefined && re.test(v);
      }
      case '!~': {
        const re = pattern(this.expression, arg);
        return (v) => v === undefined || !re.test(v);
      }
      default: {
        const numeric = isNumber(arg);
        return (v) =>
          v !== undefined &&
          ordered(op, numeric && isNumber(v) ? Number(v) - Number(arg) : v < arg ? -1 : v > arg ? 1 : 0);
      }
    }
  }
}

/** The agent version the simulator reports (sim/ecs/shapes.ts `versionInfo`). */
const agentVersionOf = (_ci: SimContainerInstance): string => SIM_AGENT_VERSION;

const runningTasks = (ci: SimContainerInstance): number => {
  let n = 0;
  for (const t of ci.tasks) if (t.lastStatus === 'RUNNING') n++;
  return n;
};

/**
 * Compiles a cluster query expression into a predicate on a container instance.
 * @throws InvalidParameterException naming what is wrong, as ECS refuses a malformed expression.
 */
export const compileQuery = (expression: string): Pred =>
  new Parser(expression, tokenize(expression)).parse();
