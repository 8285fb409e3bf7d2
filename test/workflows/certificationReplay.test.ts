import { afterAll, beforeAll, describe } from 'vitest';
import { addDays } from '../../domain/calendar';
import {
  csatResponsesUpdate,
  decideCertificationUpdate,
  grantExtensionUpdate,
  nonComplianceNoticeUpdate,
  renewCertificationUpdate,
  revokeUpdate,
} from '../../workflows/certificationDefinitions';
import { applyForCertification, fullRequirements } from '../helpers/certification';
import { itReplays, type History } from '../helpers/histories';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Determinism of the certification: certifications run for years, so today's code must replay what running
// ones recorded under every tagged release (test/histories/certification-*.json).
describe('determinism: replaying certification histories', () => {
  let h: WorkflowHarness;
  const fresh: { name: string; workflowId: string; history: History }[] = [];

  beforeAll(async () => {
    h = await workflowHarness();
    const approve = { args: [{ approve: true, by: 'ops:test' }] as [{ approve: boolean; by: string }] };
    // A first cycle: approval, CSAT responses, Re-Cert window and reminders, renewal (continue-as-new),
    // then the second cycle running, with a non-compliance extension granted.
    const renewing = await applyForCertification(h.env, h.db, h.taskQueue);
    const { anniversary } = await renewing.handle.executeUpdate(decideCertificationUpdate, approve);
    await renewing.handle.executeUpdate(csatResponsesUpdate, {
      args: [{ count: 12, receivedOn: await h.today(), lowScoreFollowUpDone: true }],
    });
    const firstRun = (await renewing.handle.describe()).runId;
    await h.skipTo(addDays(anniversary!, -20));
    await renewing.handle.executeUpdate(renewCertificationUpdate, { args: [fullRequirements()] });
    await h.skipTo(addDays(anniversary!, 10));
    const latest = h.env.client.workflow.getHandle(renewing.handle.workflowId);
    await latest.executeUpdate(nonComplianceNoticeUpdate, {
      args: [{ reason: 'no pre-sales engineer', awareOn: addDays(anniversary!, 5) }],
    });
    await latest.executeUpdate(grantExtensionUpdate, { args: [{ until: addDays(anniversary!, 60), by: 'ops:test' }] });
    fresh.push({
      name: 'certification-renewed',
      workflowId: renewing.handle.workflowId,
      history: await h.env.client.workflow.getHandle(renewing.handle.workflowId, firstRun).fetchHistory(),
    });
    fresh.push({ name: 'certification-extended', workflowId: renewing.handle.workflowId, history: await latest.fetchHistory() });
    // Refused, and revoked after a late notice.
    const refused = await applyForCertification(h.env, h.db, h.taskQueue);
    await refused.handle.executeUpdate(decideCertificationUpdate, { args: [{ approve: false, by: 'ops:test' }] });
    await refused.handle.result();
    fresh.push({ name: 'certification-refused', workflowId: refused.handle.workflowId, history: await refused.handle.fetchHistory() });
    const revoked = await applyForCertification(h.env, h.db, h.taskQueue);
    await revoked.handle.executeUpdate(decideCertificationUpdate, approve);
    await revoked.handle.executeUpdate(nonComplianceNoticeUpdate, {
      args: [{ reason: 'agreement lapsed', awareOn: addDays(await h.today(), -45) }],
    });
    await revoked.handle.executeUpdate(revokeUpdate, { args: [{ reason: 'late notice', by: 'ops:test' }] });
    await revoked.handle.result();
    fresh.push({ name: 'certification-revoked', workflowId: revoked.handle.workflowId, history: await revoked.handle.fetchHistory() });
  });
  afterAll(async () => h?.close());

  itReplays(fresh, { prefix: 'certification-', atLeast: 4, recorded: 'certification histories' });
});
