import type { Child } from 'hono/jsx';
import type { Translator } from '../../src/i18n/index.ts';
import type { FieldError } from '../../src/errors.ts';

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export type FieldErrors = Partial<Record<string, string>>;

/** Field errors of an AppError, translated, by field name. */
export function translateFieldErrors(t: Translator, errors: FieldError[]): FieldErrors {
  const out: FieldErrors = {};
  // Messages built from fragments (a scan's problem) may start in lower case: a field's message is a sentence.
  for (const e of errors) out[e.path] ??= sentence(t(e.key, e.params));
  return out;
}

const sentence = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

/** `id` (default `f-<name>`) names the control the label is for: a page with two forms of one field gives each its own. */
export function Field(props: { label: string; name: string; id?: string; error?: string | undefined; hint?: string; children: Child }) {
  const id = props.id ?? `f-${props.name}`;
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.children}
      {props.hint && !props.error && <small class="hint">{props.hint}</small>}
      {props.error && (
        <small class="error" id={`${id}-error`} role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}

export type Option = { value: string; label: string };

export function Select(props: { name: string; id?: string; value: string | undefined; options: Option[]; empty?: string; required?: boolean }) {
  return (
    <select name={props.name} id={props.id ?? `f-${props.name}`} required={props.required}>
      {props.empty !== undefined && <option value="">{props.empty}</option>}
      {props.options.map((o) => (
        <option value={o.value} selected={o.value === props.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

export function Alert(props: { kind: 'ok' | 'error' | 'info'; children: Child }) {
  return (
    <div class={`alert alert-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** The search box of a list page: focused on load, so a scanner's first scan lands in it. */
export function SearchRow(props: { t: Translator; value: string | undefined; label?: string }) {
  const { t } = props;
  return (
    <div class="field search-row">
      <label for="f-q">{props.label ?? t('inventory.search')}</label>
      <div class="search-line">
        <input
          type="search"
          id="f-q"
          name="q"
          value={props.value ?? ''}
          placeholder={t('inventory.searchPlaceholder')}
          autofocus
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          enterkeyhint="search"
          data-scan-input
        />
        <button type="submit">{t('action.search')}</button>
      </div>
    </div>
  );
}
