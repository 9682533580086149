/**
 * Text that came from a target (bodies, headers, certificate names, DNS answers, job output) is
 * hostile: bounded where it enters a result, escaped where it leaves. Pure.
 */

/** The most characters of target text one message of a result keeps. */
export const MAX_MESSAGE_CHARS = 1024;

/** `text` cut to `max` characters (never inside a surrogate pair), marked with "…" when cut. */
export function bounded(text: string, max = MAX_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * For a terminal: control characters (ANSI escapes, carriage returns, newlines, bells) become visible
 * `\xNN` / `\uNNNN` escapes, so a target cannot move the cursor, recolour or fake lines.
 */
export function forTerminal(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * For Slack mrkdwn: `&`, `<` and `>` escaped as Slack documents, so `<!channel>` cannot ping and
 * `<https://evil|Click>` cannot become a disguised link; formatting that could take effect is broken
 * with zero-width spaces, and nothing else is touched, so what people copy (`pg_dump`, `/tmp/*.log`,
 * host names) is what the target said.
 */
export function forSlack(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  // Code spans and ``` blocks may run across lines and need no word boundary: two backticks may pair.
  const codeCanPair = escaped.indexOf('`') !== escaped.lastIndexOf('`');
  return escaped
    .split('\n')
    .map((line) => {
      const marks = pairableMarks(line);
      return line.replace(/[*_~`]/g, (c, at: number) => (marks.has(at) || (c === '`' && codeCanPair) ? `\u200b${c}\u200b` : c));
    })
    .join('\n');
}

const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

/**
 * Where `*`, `_` or `~` in one line could bold, italicise or strike: Slack opens one only after a
 * line start or a non-word character and before a non-space, and closes it after a non-space and
 * before a line end or a non-word character, on the same line. An opener with a closer of its kind
 * further on is marked, and so is a closer with an opener before it; `pg_dump` or `2 * 3` have neither.
 */
function pairableMarks(line: string): Set<number> {
  const marks = new Set<number>();
  for (const mark of '*_~') {
    const openers: number[] = [];
    const closers: number[] = [];
    for (let at = line.indexOf(mark); at !== -1; at = line.indexOf(mark, at + 1)) {
      const before = line[at - 1];
      const after = line[at + 1];
      if ((before === undefined || !WORD.test(before)) && after !== undefined && !SPACE.test(after)) openers.push(at);
      if (before !== undefined && !SPACE.test(before) && (after === undefined || !WORD.test(after))) closers.push(at);
    }
    const firstOpener = openers[0] ?? Number.POSITIVE_INFINITY;
    const lastCloser = closers.at(-1) ?? Number.NEGATIVE_INFINITY;
    for (const at of openers) if (lastCloser > at + 1) marks.add(at);
    for (const at of closers) if (firstOpener < at - 1) marks.add(at);
  }
  return marks;
}

export function forHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
