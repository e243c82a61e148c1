import { html, type Html } from './html';

/** What a refused form says: one message per field, and one for the whole form. */
export interface FormErrors {
  form?: string;
  fields: Record<string, string>;
}

export const noErrors = (): FormErrors => ({ fields: {} });

export interface FieldOptions {
  label: string;
  name: string;
  value?: string | number | null;
  type?: string;
  required?: boolean;
  maxLength?: number;
  hint?: string;
  list?: string;
  autocomplete?: string;
}

/** A labelled input with its error right below it, tied to it for screen readers. */
export function field(o: FieldOptions, errors: FormErrors): Html {
  const id = `f-${o.name}`;
  const error = errors.fields[o.name];
  const described = [error ? `${id}-error` : '', o.hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for="${id}"
      >${o.label}${o.required ? html` <span aria-hidden="true">*</span>` : ''}</label
    >
    <input
      id="${id}"
      name="${o.name}"
      type="${o.type ?? 'text'}"
      value="${o.value ?? ''}"
      ${o.required ? html`required` : ''}
      ${o.maxLength ? html`maxlength="${o.maxLength}"` : ''}
      ${o.list ? html`list="${o.list}"` : ''}
      autocomplete="${o.autocomplete ?? 'off'}"
      ${error ? html`aria-invalid="true"` : ''}
      ${described ? html`aria-describedby="${described}"` : ''}
    />
    ${o.hint ? html`<small id="${id}-hint" class="hint">${o.hint}</small>` : ''}
    ${error ? html`<p id="${id}-error" class="error">${error}</p>` : ''}
  </div>`;
}

export interface Choice {
  value: string;
  label: string;
}

export function select(
  o: { label: string; name: string; value: string; choices: Choice[] },
  errors: FormErrors,
): Html {
  const id = `f-${o.name}`;
  const error = errors.fields[o.name];
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for="${id}">${o.label}</label>
    <select
      id="${id}"
      name="${o.name}"
      ${error ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''}
    >
      ${o.choices.map((c) => html`<option value="${c.value}" ${c.value === o.value ? html` selected` : ''}>${c.label}</option>`)}
    </select>
    ${error ? html`<p id="${id}-error" class="error">${error}</p>` : ''}
  </div>`;
}

/** A CRM record's state (active unless chosen otherwise). */
export const stateSelect = (value: string, errors: FormErrors): Html =>
  select(
    {
      label: 'State',
      name: 'state',
      value: value || 'active',
      choices: [
        { value: 'active', label: 'Active' },
        { value: 'inactive', label: 'Inactive' },
      ],
    },
    errors,
  );

export function textarea(
  o: { label: string; name: string; value?: string | null; maxLength?: number; rows?: number },
  errors: FormErrors,
): Html {
  const id = `f-${o.name}`;
  const error = errors.fields[o.name];
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for="${id}">${o.label}</label>
    <textarea
      id="${id}"
      name="${o.name}"
      rows="${o.rows ?? 3}"
      ${o.maxLength ? html`maxlength="${o.maxLength}"` : ''}
      ${error ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''}
    >
${o.value ?? ''}</textarea>
    ${error ? html`<p id="${id}-error" class="error">${error}</p>` : ''}
  </div>`;
}

export const csrfField = (token: string): Html =>
  html`<input type="hidden" name="_csrf" value="${token}" />`;

export const formError = (errors: FormErrors): Html | '' =>
  errors.form ? html`<p class="error" role="alert">${errors.form}</p>` : '';
