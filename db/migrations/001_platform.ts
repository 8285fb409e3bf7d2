import type { Knex } from 'knex';
import { FY22_TIER_TABLE } from '../../domain/loyalty';
import { SAMPLE_CATALOGUE } from '../../domain/incentives';

export async function up(db: Knex): Promise<void> {
  // One row per group account (LOY-3): the corporate group is unique, so a group is enrolled once.
  await db.schema.createTable('accounts', (t) => {
    t.text('id').primary();
    t.text('corporate_group_id').notNullable().unique();
    t.text('state').notNullable();
    t.integer('tier').nullable();
    t.text('captain_name').notNullable();
    t.text('captain_email').notNullable();
    t.text('captain_cco_id').notNullable();
    // CLC-6: the Team Captain may approve every redemption automatically.
    t.boolean('auto_approval').notNullable().defaultTo(false);
    t.text('nominated_by').notNullable();
    t.date('nominated_on').notNullable();
    t.text('terms_version').notNullable();
    t.date('next_award_date').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.check("state in ('nominated','enrolled','lapsed','withdrawn')", [], 'accounts_state_known');
    t.check('tier is null or tier between 1 and 5', [], 'accounts_tier_range');
    t.check("captain_email like '%@%'", [], 'accounts_captain_email');
  });

  // A company belongs to at most one account: the primary key refuses a second nomination (LOY-3).
  await db.schema.createTable('companies', (t) => {
    t.text('id').primary();
    t.text('account_id').notNullable().references('accounts.id').onDelete('restrict');
    t.text('name').notNullable();
    t.string('country', 2).notNullable();
    t.boolean('end_user').notNullable();
    t.index(['account_id']);
  });

  await db.schema.createTable('bookings', (t) => {
    t.text('account_id').notNullable().references('accounts.id').onDelete('restrict');
    t.integer('fiscal_year').notNullable();
    t.decimal('direct_usd', 16, 2).notNullable();
    t.decimal('indirect_usd', 16, 2).notNullable();
    t.primary(['account_id', 'fiscal_year']);
    t.check('direct_usd >= 0 and indirect_usd >= 0', [], 'bookings_non_negative');
  });

  // LOY-8: the versions of the terms ops have published; the latest applies to new nominations.
  await db.schema.createTable('terms_versions', (t) => {
    t.text('version').primary();
    t.text('published_by').notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });

  // LOY-4: who accepted which version of the terms, and when.
  await db.schema.createTable('terms_acceptances', (t) => {
    t.text('account_id').notNullable().references('accounts.id').onDelete('restrict');
    t.text('terms_version').notNullable();
    t.text('accepted_by').notNullable();
    t.date('accepted_on').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['account_id', 'terms_version']);
  });

  // LOY-5: one tier table per fiscal year, data that ops replace; a year without one uses the latest earlier.
  await db.schema.createTable('tier_tables', (t) => {
    t.integer('fiscal_year').primary();
    t.jsonb('bands').notNullable();
    t.text('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db('tier_tables').insert({
    fiscal_year: FY22_TIER_TABLE.fiscalYear,
    bands: JSON.stringify(FY22_TIER_TABLE.bands),
    updated_by: 'seed:DOMAIN.md LOY-5',
  });

  // Learning Credit lots (CLC-2). An award's lot id is derived from the account and quarter, so a
  // retried award finds the lot it already made.
  await db.schema.createTable('credit_lots', (t) => {
    t.text('id').primary();
    t.text('account_id').nullable().references('accounts.id').onDelete('restrict');
    t.text('owner_email').notNullable();
    t.text('owner_name').notNullable().defaultTo('');
    t.string('country', 2).nullable();
    t.text('source').notNullable();
    t.text('state').notNullable().defaultTo('active');
    t.date('extended_to').nullable();
    t.integer('credits').notNullable();
    t.date('issued_on').notNullable();
    t.date('activates_on').notNullable();
    t.date('expires_on').notNullable();
    t.text('award_quarter').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.check("source in ('award','purchase')", [], 'credit_lots_source_known');
    t.check("state in ('pending','active','expired','closed')", [], 'credit_lots_state_known');
    t.check('credits > 0', [], 'credit_lots_credits_positive');
    t.check('expires_on > issued_on and activates_on >= issued_on', [], 'credit_lots_dates_ordered');
    t.unique(['account_id', 'award_quarter']);
    t.index(['account_id', 'expires_on']);
  });

  // CLC-8: every change of balance, append-only, with who, when, why and an idempotency key.
  await db.schema.createTable('ledger_entries', (t) => {
    t.bigIncrements('id');
    t.text('lot_id').notNullable().references('credit_lots.id').onDelete('restrict');
    t.text('kind').notNullable();
    t.integer('credits').notNullable();
    t.text('actor').notNullable();
    t.text('reason').notNullable();
    t.text('idempotency_key').notNullable().unique();
    // The business date of the change (the award, expiry or decision day), which statements group by.
    t.date('occurred_on').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.check("kind in ('award','purchase','hold','release','redemption','forfeit','extension')", [], 'ledger_kind_known');
    t.index(['lot_id']);
  });

  // CLC-5, CLC-6: a request to spend credits, and the lots it draws from (nearest expiry first, CLC-7).
  await db.schema.createTable('redemptions', (t) => {
    t.text('id').primary();
    t.text('account_id').nullable().references('accounts.id').onDelete('restrict');
    t.text('kind').notNullable();
    t.integer('credits').notNullable();
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('requested_by').notNullable();
    t.date('requested_on').notNullable();
    t.text('status').notNullable();
    t.date('hold_until').nullable();
    t.text('decided_by').nullable();
    t.date('decided_on').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.check("kind in ('training','exam-voucher','digital-learning','event')", [], 'redemptions_kind_known');
    t.check("status in ('pending','approved','rejected','expired')", [], 'redemptions_status_known');
    t.check('credits > 0', [], 'redemptions_credits_positive');
    t.index(['account_id', 'requested_on']);
  });
  await db.schema.createTable('redemption_allocations', (t) => {
    t.text('redemption_id').notNullable().references('redemptions.id').onDelete('restrict');
    t.text('lot_id').notNullable().references('credit_lots.id').onDelete('restrict');
    t.integer('credits').notNullable();
    t.text('status').notNullable();
    t.primary(['redemption_id', 'lot_id']);
    t.check("status in ('held','redeemed','released')", [], 'allocations_status_known');
    t.check('credits > 0', [], 'allocations_credits_positive');
    t.index(['lot_id', 'status']);
  });

  // CLC-4: one extension request per lot, ever: the unique lot id refuses a second.
  await db.schema.createTable('extension_requests', (t) => {
    t.text('id').primary();
    t.text('lot_id').notNullable().unique().references('credit_lots.id').onDelete('restrict');
    t.text('usage_plan').notNullable();
    t.text('requested_by').notNullable();
    t.date('requested_on').notNullable();
    t.text('status').notNullable();
    t.text('decided_by').nullable();
    t.date('decided_on').nullable();
    t.check("status in ('pending','approved','denied')", [], 'extension_status_known');
  });

  // CLC-8: monthly statements, one per owner and month.
  await db.schema.createTable('statements', (t) => {
    t.text('owner_email').notNullable();
    t.string('month', 7).notNullable();
    t.text('account_id').nullable().references('accounts.id').onDelete('restrict');
    t.jsonb('lines').notNullable();
    t.integer('opening_balance').notNullable();
    t.integer('closing_balance').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['owner_email', 'month']);
  });

  // CERT-1: Registered Partners, and the certifications read model (the workflow holds the lifecycle).
  await db.schema.createTable('partners', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('email').notNullable();
    t.timestamp('registered_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db.schema.createTable('certifications', (t) => {
    t.text('id').primary();
    t.text('partner_id').notNullable().references('partners.id').onDelete('restrict');
    t.string('country', 2).notNullable();
    t.text('state').notNullable();
    t.date('certified_on').nullable();
    t.date('anniversary').nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['partner_id', 'country']);
    t.check("state in ('applied','refused','approved','re-cert','lapsed','revoked')", [], 'certifications_state_known');
  });

  // LCI-1 … LCI-3: the use-case catalogue (data), engagements (read model), readings and payments.
  await db.schema.createTable('use_cases', (t) => {
    t.text('id').primary();
    t.text('technology').notNullable();
    t.text('name').notNullable();
    t.jsonb('phases').notNullable();
  });
  await db('use_cases').insert(
    SAMPLE_CATALOGUE.map((u) => ({ id: u.id, technology: u.technology, name: u.name, phases: JSON.stringify(u.phases) })),
  );
  await db.schema.createTable('engagements', (t) => {
    t.text('id').primary();
    t.text('partner_id').notNullable().references('partners.id').onDelete('restrict');
    t.text('customer_id').notNullable();
    t.text('use_case_id').notNullable().references('use_cases.id').onDelete('restrict');
    t.text('state').notNullable();
    t.text('phase').nullable();
    t.text('success_plan').nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['partner_id', 'customer_id', 'use_case_id']);
    t.index(['customer_id', 'state']);
    t.check("state in ('active','completed','expired')", [], 'engagements_state_known');
  });
  await db.schema.createTable('telemetry_readings', (t) => {
    t.text('reading_id').primary();
    t.text('customer_id').notNullable();
    t.text('metric').notNullable();
    t.double('value').notNullable();
    t.timestamp('measured_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['customer_id', 'metric', 'measured_at']);
  });
  // Each phase pays once: the primary key refuses a second approval.
  await db.schema.createTable('incentive_payments', (t) => {
    t.text('engagement_id').notNullable().references('engagements.id').onDelete('restrict');
    t.integer('phase_index').notNullable();
    t.text('phase').notNullable();
    t.integer('amount_usd').notNullable();
    t.date('approved_on').notNullable();
    t.primary(['engagement_id', 'phase_index']);
  });

  // The outbox (ALL-2): a notice is written in the same transaction as the fact it announces, keyed by
  // a business idempotency key, and sent once with a Message-ID derived from that key.
  await db.schema.createTable('notifications', (t) => {
    t.text('id').primary();
    t.text('account_id').nullable().references('accounts.id').onDelete('restrict');
    t.text('kind').notNullable();
    t.text('recipient').notNullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.text('message_id').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.index(['account_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of [
    'notifications',
    'incentive_payments',
    'telemetry_readings',
    'engagements',
    'use_cases',
    'certifications',
    'partners',
    'statements',
    'extension_requests',
    'redemption_allocations',
    'redemptions',
    'ledger_entries',
    'credit_lots',
    'tier_tables',
    'terms_acceptances',
    'terms_versions',
    'bookings',
    'companies',
    'accounts',
  ])
    await db.schema.dropTableIfExists(table);
}
