import { parseQuickActions } from '../../src/domain/crm/quick-actions';

describe('parseQuickActions', () => {
  it('splits command lines from the note text', () => {
    expect(
      parseQuickActions(
        'Hi\r\n/add_contacts [contact:a@x.example] [contact: b@y.example ]\n/remove_contacts [contact:c@z.example]\nBye\n',
      ),
    ).toEqual({
      text: 'Hi\nBye',
      actions: [
        { command: 'add_contacts', emails: ['a@x.example', 'b@y.example'], invalid: [] },
        { command: 'remove_contacts', emails: ['c@z.example'], invalid: [] },
      ],
    });
  });

  it('reports words that are not items and ignores look-alike commands', () => {
    const parsed = parseQuickActions(
      '/add_contacts a@x.example\n/add_contactsX [contact:q@x]\n /add_contacts [contact:q@x]',
    );
    expect(parsed.actions).toEqual([
      { command: 'add_contacts', emails: [], invalid: ['a@x.example'] },
    ]);
    expect(parsed.text).toBe('/add_contactsX [contact:q@x]\n /add_contacts [contact:q@x]');
  });

  it('keeps commands inside fenced code blocks as text', () => {
    const body = '~~~\n/remove_contacts [contact:a@x.example]\n~~~';
    expect(parseQuickActions(body)).toEqual({ text: body, actions: [] });
  });
});
