// RFC 9457 problem details. A Problem is an expected refusal: its status is < 500 and
// its title and detail are safe to show. Anything else thrown becomes a bare 500.
export const PROBLEM_BASE = 'https://prakerja.example/problems/';

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }

  toBody(): ProblemBody {
    return {
      type: PROBLEM_BASE + this.slug,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

/** The stable slugs, each with its status and title; README lists them. */
export const problems = {
  validation: (errors: FieldError[], detail = 'The request does not match the schema.') =>
    new Problem(400, 'validation', 'Invalid request', detail, errors),
  malformedJson: () =>
    new Problem(400, 'malformed-json', 'Malformed JSON', 'The body is not valid UTF-8 JSON.'),
  unauthorized: (detail = 'Missing or invalid credentials.') =>
    new Problem(401, 'unauthorized', 'Unauthorized', detail),
  forbidden: (detail = 'You are not allowed to do this.') =>
    new Problem(403, 'forbidden', 'Forbidden', detail),
  notFound: (detail = 'No such resource.') => new Problem(404, 'not-found', 'Not found', detail),
  conflict: (slug: string, detail: string, extensions?: Record<string, unknown>) =>
    new Problem(409, slug, 'Conflict', detail, undefined, extensions),
  tooLarge: (maxBytes = 64 * 1024) =>
    new Problem(413, 'payload-too-large', 'Payload too large', `The body is over ${maxBytes / 1024} KiB.`),
  unsupportedMediaType: () =>
    new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send application/json.'),
  methodNotAllowed: () => new Problem(405, 'method-not-allowed', 'Method not allowed'),
} as const;

export function serverErrorBody(): ProblemBody {
  return { type: `${PROBLEM_BASE}internal`, title: 'Internal server error', status: 500 };
}
