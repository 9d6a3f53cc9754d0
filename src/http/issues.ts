import type { z } from 'zod';
import type { FieldError } from '../errors.ts';

/**
 * A zod issue as a field error the user can read in their language: a missing or empty value
 * is "required", a text or number out of bounds names its bound, a value outside a list says
 * so. Only a rule without a message of its own keeps zod's (English) wording as the detail.
 */
export function issueFieldError(issue: z.core.$ZodIssue, path = issue.path.map(String).join('.')): FieldError {
  switch (issue.code) {
    case 'invalid_type':
      if (/received (undefined|null)$/.test(issue.message)) return { path, key: 'error.required' };
      if (issue.expected === 'number') return { path, key: 'error.notANumber' };
      break;
    case 'too_small':
      if ((issue.origin === 'string' || issue.origin === 'array') && Number(issue.minimum) <= 1) return { path, key: 'error.required' };
      if (issue.origin === 'number' || issue.origin === 'int') return { path, key: 'error.atLeast', params: { min: Number(issue.minimum) } };
      break;
    case 'too_big':
      if (issue.origin === 'string') return { path, key: 'error.tooLong', params: { max: Number(issue.maximum) } };
      if (issue.origin === 'number' || issue.origin === 'int') return { path, key: 'error.atMost', params: { max: Number(issue.maximum) } };
      break;
    case 'invalid_value':
      return { path, key: 'error.notAnOption', params: { options: issue.values.map(String).join(', ') } };
    case 'invalid_format':
      return { path, key: 'error.badFormat' };
  }
  return { path, key: 'error.invalidValue', params: { detail: issue.message } };
}
