import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { allSearchAttributeKeys } from '../workflows/definitions';

const UNIMPLEMENTED = 12;

/**
 * Registers the search attributes the workflows use that the namespace lacks; returns their names. `start-dev
 * --search-attribute` only applies to a new database, so a data dir from an older version needs this. A
 * server that cannot list them (the time-skipping test server) is given them all.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace }).then(
    (r) => r.customAttributes ?? {},
    (err: { code?: number }) => {
      if (err.code === UNIMPLEMENTED) return {};
      throw err;
    },
  );
  const missing = allSearchAttributeKeys.filter((k) => !(k.name in existing));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${k.type}`]]),
    ),
  });
  return missing.map((k) => k.name);
}
