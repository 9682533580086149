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
 * `<https://evil|Click>` cannot become a disguised link; formatting characters lose their meaning.
 */
export function forSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (c) => `\u200b${c}\u200b`);
}

export function forHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
