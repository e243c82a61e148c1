import { escapeHtml } from '../api/html-page';

/** Markup that is already safe: built by `html` from escaped parts, or a trusted literal. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Part = Html | string | number | null | undefined | false | readonly Part[];

const render = (part: Part): string => {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
  return escapeHtml(String(part as string | number));
};

/** A template whose every interpolation is escaped unless it is already `Html`. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Html(out);
}

/**
 * A table that stacks into labelled rows on a narrow screen (each cell carries its data-label);
 * a heading that is false (a column the reader may not use) is left out.
 */
export function table(headings: (string | false)[], rows: Part): Html {
  return html`<div class="table">
    <table class="stack">
      <thead>
        <tr>
          ${headings.map((h) => (h === false ? '' : html`<th>${h}</th>`))}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

/** A query string from the parts that are set. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const set = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return set.length
    ? `?${new URLSearchParams(set.map(([k, v]): [string, string] => [k, String(v)])).toString()}`
    : '';
}
