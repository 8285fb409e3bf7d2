// A route is declared once: method, path, roles, rules, zod schemas of its request and of every answer,
// and its handler. `mountRoutes` serves the declarations; api/openapi.ts documents the same ones.
import type { Request, Response, Router } from 'express';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import type { Role, TokenHolder } from '../config/env';
import type { AppDeps } from './app';
import { holderOf } from './auth';
import { badRequest, forbidden, type FieldError } from './errors';
import { idempotently, REPLAYED_HEADER, type StoredAnswer } from './idempotency';
import { textProblems } from './schemas/common';

export type Method = 'get' | 'post' | 'put' | 'delete';

interface RequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/** A success answer: its body's schema, and for a 201 the GET route its `Location` names. */
export interface Success {
  description: string;
  schema: z.ZodType;
  /** A declared GET path, e.g. `/v1/accounts/{id}`: the handler gives the values of its parameters. */
  location?: string;
  /** Also answered as CSV when asked (`format=csv`). */
  csv?: boolean;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler answers: a declared success status with a body of that status's schema. */
export type Reply<R extends Record<number, Success>> = {
  [K in keyof R]: {
    status: K extends number ? K : never;
    body: R[K] extends { schema: infer S extends z.ZodType } ? z.input<S> : never;
    /** The values of the parameters in the declared `location` path. */
    location?: Record<string, string>;
    /** The CSV rendering of the body, when the caller asked for it. */
    csv?: { filename: string; rows: readonly object[] };
  };
}[keyof R];

export interface Input<Q extends RequestSchemas> {
  params: Parsed<Q['params']>;
  query: Parsed<Q['query']>;
  body: Parsed<Q['body']>;
  holder: TokenHolder;
  req: Request;
}

export interface Operation<Q extends RequestSchemas = RequestSchemas, R extends Record<number, Success> = Record<number, Success>> {
  method: Method;
  /** OpenAPI style: `/v1/accounts/{id}`. */
  path: string;
  roles: readonly Role[];
  /** What it does and the rule ids it serves. */
  summary: string;
  request: Q;
  responses: R;
  /** The refusals it may answer beyond 400/401/403/503, each with the error body. */
  errors?: Partial<Record<404 | 409 | 422, string>>;
  /** ALL-4: creates or moves something, so it honours an Idempotency-Key (api/idempotency.ts). */
  idempotent?: boolean;
  handler: (input: Input<Q>, deps: AppDeps) => Promise<Reply<R>>;
}

/** Declares an operation; the generics tie the handler's input and answers to the declared schemas. */
export function route<Q extends RequestSchemas, R extends Record<number, Success>>(op: Operation<Q, R>): Operation {
  return op as unknown as Operation;
}

export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** Fills a declared path's `{name}` parameters. */
export const fillPath = (path: string, values: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));

export const toFieldErrors = (error: z.ZodError): FieldError[] =>
  error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));

function parseParts(request: RequestSchemas, req: Request) {
  // Issue 24: text first, in every part, keys too (a schema may not look inside a record's keys).
  const errors: FieldError[] = [req.params, req.query, req.body].flatMap((part) => textProblems(part));
  const part = (schema: z.ZodType | undefined, input: unknown) => {
    if (!schema) return undefined;
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    errors.push(...toFieldErrors(result.error));
  };
  const parsed = { params: part(request.params, req.params), query: part(request.query, req.query), body: part(request.body, req.body) };
  if (errors.length) throw badRequest(errors);
  return parsed;
}

/** The answer as it goes out (and as an idempotent operation keeps it). */
function answerOf(op: Operation, reply: Reply<Record<number, Success>>): StoredAnswer {
  const declared = op.responses[reply.status as number];
  const location = declared?.location && reply.location ? fillPath(declared.location, reply.location) : undefined;
  return { status: reply.status as number, body: reply.body, ...(location ? { location } : {}) };
}

function send(res: Response, answer: StoredAnswer & { replayed?: true }, csv?: Reply<Record<number, Success>>['csv']) {
  res.status(answer.status);
  if (answer.location) res.location(answer.location);
  if (answer.replayed) res.setHeader(REPLAYED_HEADER, 'true');
  if (!csv) return res.json(answer.body);
  const { filename, rows } = csv;
  res
    .type('text/csv')
    .attachment(filename)
    .send(stringify([...rows], { header: true, columns: rows[0] ? Object.keys(rows[0]) : undefined }));
}

/**
 * Serves each operation: its role check (403, ALL-3), its request parsed (400 naming each bad field), its handler,
 * once per Idempotency-Key where it is declared idempotent (ALL-4).
 */
export function mountRoutes(router: Router, operations: readonly Operation[], deps: AppDeps): void {
  for (const op of operations) {
    router[op.method](expressPath(op.path), async (req, res) => {
      const holder = holderOf(req);
      if (!op.roles.includes(holder.role)) throw forbidden(`Only ${op.roles.join(' or ')} may do this`);
      const parsed = parseParts(op.request, req);
      const handle = () => op.handler({ ...(parsed as Input<RequestSchemas>), holder, req }, deps);
      if (op.idempotent) return send(res, await idempotently(deps.db, req, holder, async () => answerOf(op, await handle())));
      const reply = await handle();
      send(res, answerOf(op, reply), reply.csv);
    });
  }
}
