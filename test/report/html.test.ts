import { describe, expect, it } from 'vitest';
import { html, toHtmlString } from '../../lambdas/report/html.js';

describe('html', () => {
  it('escapes every value, in text and in attributes, and keeps its own markup', () => {
    const name = `<img src=x onerror="alert(1)">'&`;
    const cell = html`<td title="${name}">${name}</td>`;
    expect(toHtmlString(html`<tr>${[cell, null, false, undefined, 3]}</tr>`)).toBe(
      '<tr><td title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;</td>3</tr>',
    );
  });

  it('does not take a look-alike object for markup', () => {
    const forged = JSON.parse('{"markup": "<script>"}');
    expect(toHtmlString(html`${String(forged.markup)}`)).toBe('&lt;script&gt;');
  });
});
