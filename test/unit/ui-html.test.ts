import { explainLinkOutcome } from '../../src/domain/crm/explain-link-outcome';
import { html, query } from '../../src/ui/html';

describe('the web pages’ templates', () => {
  it('escapes every interpolated value, but not markup html built', () => {
    const name = '<script>alert("x")</script> & \'co\'';
    const row = html`<td title="${name}">${name}</td>`;
    expect(
      html`<tr>
        ${[row, null, false, 3]}
      </tr>`.value.replace(/>\s+|\s+</g, (m) => m.trim()),
    ).toBe(
      '<tr><td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</td>3</tr>',
    );
  });

  it('builds query strings from the parameters that are set', () => {
    expect(query({ search: 'a b&c', state: undefined, cursor: 7, organizationId: '' })).toBe(
      '?search=a+b%26c&cursor=7',
    );
    expect(query({})).toBe('');
  });

  it('names the contact source in a link outcome when the reader may know it', () => {
    expect(explainLinkOutcome('unknown', 'acme')).toBe(
      'not linked: no active contact with this address in acme',
    );
    expect(explainLinkOutcome('unknown')).toBe(
      'not linked: no contact with this address in the contact source',
    );
    expect(explainLinkOutcome('inactive', 'acme')).toBe(
      'not linked: the contact with this address in acme is inactive',
    );
  });
});
