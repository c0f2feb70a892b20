import type { ComponentChildren, InputHTMLAttributes, SelectHTMLAttributes } from 'preact';
import { useState } from 'preact/hooks';
import { ApiProblem } from './api.ts';

// Forms: a label for every field, the error beside the field it belongs to (from the
// problem's errors[].path), focus moved to the first field in error, a summary that a
// screen reader announces.
export type FieldErrors = Record<string, string>;

export interface FormState {
  errors: FieldErrors;
  message: string | null;
  busy: boolean;
  /** Runs the action; a problem becomes field errors and a message, never a crash. */
  submit(action: () => Promise<void>, describe: (problem: ApiProblem) => string): Promise<void>;
  setErrors(errors: FieldErrors): void;
}

export function useForm(formId: string): FormState {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return {
    errors,
    message,
    busy,
    setErrors(next) {
      setErrors(next);
      focusFirstError(formId, next);
    },
    async submit(action, describe) {
      if (busy) return;
      setBusy(true);
      setMessage(null);
      setErrors({});
      try {
        await action();
      } catch (error) {
        const problem =
          error instanceof ApiProblem ? error : new ApiProblem(0, 'client', 'client', String(error), [], {});
        const fieldErrors: FieldErrors = {};
        for (const e of problem.errors) fieldErrors[fieldName(e.path)] ??= e.message;
        setErrors(fieldErrors);
        setMessage(describe(problem));
        focusFirstError(formId, fieldErrors);
      } finally {
        setBusy(false);
      }
    },
  };
}

/** `body.nik`, `nik` and `declarations.student` all name a field by their last part but one level. */
function fieldName(path: string): string {
  return path.replace(/^(body|query|params)\./, '');
}

function focusFirstError(formId: string, errors: FieldErrors) {
  const first = Object.keys(errors)[0];
  requestAnimationFrame(() => {
    const form = document.getElementById(formId);
    const target =
      (first && form?.querySelector<HTMLElement>(`[name="${CSS.escape(first)}"]`)) ||
      form?.querySelector<HTMLElement>('[role="alert"]');
    target?.focus();
  });
}

interface FieldProps {
  name: string;
  /** The control's id; `f-<name>` by default. Needed when a page repeats a form. */
  id?: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  type?: string;
  autocomplete?: string;
  required?: boolean;
  maxLength?: number;
  minLength?: number;
  inputMode?: 'text' | 'numeric' | 'tel' | 'email' | 'decimal';
  pattern?: string;
  min?: number;
  max?: number;
  defaultValue?: string | undefined;
  accept?: string;
  disabled?: boolean;
}

/** The control's id: the field's name made safe, unless the page names it (repeated forms). */
export function fieldId(name: string): string {
  return `f-${name.replace(/\W/g, '-')}`;
}

interface ControlA11y {
  id: string;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

/** Label, hint and error around one control, which gets the ids that tie them together. */
export function FieldFrame(props: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: (a11y: ControlA11y) => ComponentChildren;
}) {
  const { id, label, hint, error } = props;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {props.children({
        id,
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': described || undefined,
      })}
      {error && (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function Field({ name, id, label, hint, error, ...input }: FieldProps) {
  return (
    <FieldFrame id={id ?? fieldId(name)} label={label} hint={hint} error={error}>
      {(a11y) => <input name={name} {...a11y} {...(input as InputHTMLAttributes<HTMLInputElement>)} />}
    </FieldFrame>
  );
}

interface SelectProps {
  name: string;
  label: string;
  error?: string | undefined;
  options: Array<[value: string, label: string]>;
  required?: boolean;
  value?: string;
  /** The option chosen at first (an uncontrolled select: a saved value to change). */
  defaultValue?: string | undefined;
  onChange?: (event: Event) => void;
}

export function Select({ name, label, error, options, defaultValue, ...select }: SelectProps) {
  return (
    <FieldFrame id={fieldId(name)} label={label} error={error}>
      {(a11y) => (
        <select name={name} {...a11y} {...(select as SelectHTMLAttributes<HTMLSelectElement>)}>
          {options.map(([value, text]) => (
            <option
              key={value}
              value={value}
              selected={defaultValue === undefined ? undefined : value === defaultValue}
            >
              {text}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

export function FormMessage({ message }: { message: string | null }) {
  return message ? (
    <p class="form-message" role="alert" tabIndex={-1}>
      {message}
    </p>
  ) : null;
}

export function Submit({ busy, children }: { busy: boolean; children: ComponentChildren }) {
  return (
    <button type="submit" class="primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
      {children}
    </button>
  );
}

/** The values of a form's named controls (checkboxes as booleans). */
export function formValues(form: HTMLFormElement): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const element of Array.from(form.elements)) {
    const control = element as HTMLInputElement;
    if (!control.name) continue;
    if (control.type === 'radio') {
      if (control.checked) values[control.name] = control.value;
      continue;
    }
    values[control.name] = control.type === 'checkbox' ? control.checked : control.value;
  }
  return values;
}
