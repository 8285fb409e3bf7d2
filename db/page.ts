import type { Knex } from 'knex';

/** A window of a list: at most `limit` rows after the first `offset` (the API's `pageQuery`). */
export interface PageWindow {
  limit: number;
  offset: number;
}

/** For `.modify(paged(page))`; without a page, the whole list (a balance summed over every lot). */
export const paged = (page?: PageWindow) => (q: Knex.QueryBuilder) => {
  if (page) void q.limit(page.limit).offset(page.offset);
};
