import type { Knex } from 'knex';
import * as m001 from './001_platform';
import * as m002IncentiveCatalogue from './002_incentive_catalogue';
import * as m003RedemptionDesk from './003_redemption_desk';
import * as m004OneRedemptionDesign from './004_one_redemption_design';
import * as m005StatementsPerAccount from './005_statements_per_account';
import * as m006LoyaltyLifecycles from './006_loyalty_lifecycles';
import * as m007CertificationEndedOn from './007_certification_ended_on';
import * as m008IdempotencyKeys from './008_idempotency_keys';
import * as m009Audit from './009_audit';
import * as m010Sessions from './010_sessions';
import * as m011BookingsAsked from './011_bookings_asked';
import * as m012StatementEntries from './012_statement_entries';
import * as m013CertificationCsat from './013_certification_csat';
import * as m014OneOpenEngagement from './014_one_open_engagement';
import * as m015LifecycleCompanies from './015_lifecycle_companies';
import * as m016RedemptionAmendments from './016_redemption_amendments';
import * as m017FailedNotices from './017_failed_notices';
import * as m018AuditActorsAndPlanVersions from './018_audit_actors_and_plan_versions';

// Migrations are listed here (not discovered on disk) so they load the same under tsx, vitest and a build.
// Append-only: a change is a new file added at the end, never an edit of a released one.
const migrations: Record<string, Knex.Migration> = {
  '001_platform': m001,
  '002_incentive_catalogue': m002IncentiveCatalogue,
  '003_redemption_desk': m003RedemptionDesk,
  '004_one_redemption_design': m004OneRedemptionDesign,
  '005_statements_per_account': m005StatementsPerAccount,
  '006_loyalty_lifecycles': m006LoyaltyLifecycles,
  '007_certification_ended_on': m007CertificationEndedOn,
  '008_idempotency_keys': m008IdempotencyKeys,
  '009_audit': m009Audit,
  '010_sessions': m010Sessions,
  '011_bookings_asked': m011BookingsAsked,
  '012_statement_entries': m012StatementEntries,
  '013_certification_csat': m013CertificationCsat,
  '014_one_open_engagement': m014OneOpenEngagement,
  '015_lifecycle_companies': m015LifecycleCompanies,
  '016_redemption_amendments': m016RedemptionAmendments,
  '017_failed_notices': m017FailedNotices,
  '018_audit_actors_and_plan_versions': m018AuditActorsAndPlanVersions,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};
