/**
 * HTML built from data, escaped in one place: every value put into the `html` template goes through
 * `forHtml` (names are user input; error texts come from targets, which may be hostile), unless it is
 * markup this module made. There is no other way to turn a string into markup but `trustedMarkup`,
 * which only the page's own constant CSS and script use.
 */
import { forHtml } from '../core/untrusted.js';

const MARKUP = Symbol('markup');

/** Markup made by `html` (or a constant of the page's own). */
export interface Html {
  readonly [MARKUP]: string;
}

/** What a template takes: markup as is, text escaped, lists joined, nothing for null, undefined and false. */
export type Part = Html | string | number | null | undefined | false | readonly Part[];

const markup = (text: string): Html => ({ [MARKUP]: text });

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (typeof part === 'object' && MARKUP in part) return (part as Html)[MARKUP];
  return forHtml(String(part));
}

/** `html\`<td>${name}</td>\``: the template's own text is markup, every value is escaped. */
export function html(strings: TemplateStringsArray, ...parts: readonly Part[]): Html {
  let out = strings[0] ?? '';
  parts.forEach((part, i) => {
    out += render(part) + (strings[i + 1] ?? '');
  });
  return markup(out);
}

/** A constant of the page's own (its stylesheet, its script): never data. */
export function trustedMarkup(constant: string): Html {
  return markup(constant);
}

export function toHtmlString(part: Part): string {
  return render(part);
}
