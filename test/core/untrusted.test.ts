import { describe, expect, it } from 'vitest';
import { bounded, forHtml, forSlack, forTerminal } from '../../lambdas/core/untrusted.js';

describe('untrusted text', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['eleven chars', 10, 'eleven ch…'],
    // Never half a surrogate pair: the emoji is dropped whole.
    [`abcdefgh😀xyz`, 10, 'abcdefgh…'],
  ])('bounds %j to %i characters', (text, max, expected) => {
    expect(bounded(text, max)).toBe(expected);
    expect(bounded(text, max).length).toBeLessThanOrEqual(max);
  });

  it('shows control characters to a terminal instead of obeying them', () => {
    expect(forTerminal('ok\u001b[31mred\r\nfake line\u0007\u009b')).toBe('ok\\x1b[31mred\\x0d\\x0afake line\\x07\\x9b');
  });

  it('escapes Slack mrkdwn so target text cannot ping, link or format', () => {
    expect(forSlack('<!channel> <https://evil.example|Click> a & b *bold*')).toBe(
      '&lt;!channel&gt; &lt;https://evil.example|Click&gt; a &amp; b \u200b*\u200bbold\u200b*\u200b',
    );
  });

  it('escapes HTML', () => {
    expect(forHtml(`<script>alert("x")</script> & 'q'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;',
    );
  });
});
