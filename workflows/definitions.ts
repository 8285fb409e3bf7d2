// The contract between the API, tests and workflows that every lifecycle shares: the task queue, the
// shape of a business refusal, and every search attribute the namespace must have.
// Imported inside the workflow sandbox, so it holds no I/O and no Node builtins.
import { certificationSearchAttributes } from './certificationDefinitions';
import { creditSearchAttributes } from './creditsDefinitions';
import { incentiveSearchAttributes } from './incentivesDefinitions';
import { loyaltySearchAttributes } from './loyaltyDefinitions';

export const TASK_QUEUE = 'cisco-programs';

// ALL-1: every key is registered on the namespace (worker/searchAttributes.ts). The dev server's SQLite
// visibility holds at most 10 Keyword attributes: all lifecycles share that budget, and PartnerId is
// shared by certifications and incentives.
const keys = [loyaltySearchAttributes, creditSearchAttributes, certificationSearchAttributes, incentiveSearchAttributes].flatMap((k) =>
  Object.values(k),
);
export const allSearchAttributeKeys = keys.filter((k, i) => keys.findIndex((o) => o.name === k.name) === i);

/** ApplicationFailure types a workflow throws for business refusals; the API maps them to 4xx. */
export const failureTypes = {
  conflict: 'Conflict',
  forbidden: 'Forbidden',
  invalid: 'Invalid',
  /** A value Postgres refused inside an activity (SQLSTATE class 22 or 23; worker/refusedData.ts): never retried. */
  refusedData: 'RefusedData',
} as const;
