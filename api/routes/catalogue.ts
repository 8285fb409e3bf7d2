import { Router } from 'express';
import { currentUseCases, findUseCase, putUseCase, retireUseCase } from '../../db/useCases';
import { actorOf, allow, holderOf } from '../auth';
import { notFound } from '../errors';
import { idParam, useCaseSchema } from '../incentiveSchemas';
import { parse } from '../validate';
import type { AppDeps } from '../app';

/**
 * LCI-1: the catalogue is data that ops maintain. A new engagement copies its use case into its workflow,
 * so replacing or retiring one changes only engagements opened afterwards: running ones keep the phases,
 * goals and payments they started with (the response says how many).
 */
export function catalogueRoutes({ db }: AppDeps): Router {
  const router = Router();
  const openEngagements = async (useCaseId: string) => Number((await db('engagements').where({ use_case_id: useCaseId, state: 'active' }).count({ n: '*' }))[0]!.n);

  router.get('/v1/catalogue', allow('ops', 'partner'), async (_req, res) => {
    res.json({ useCases: await currentUseCases(db) });
  });

  router.get('/v1/catalogue/use-cases/:id', allow('ops', 'partner'), async (req, res) => {
    const { id } = parse(idParam, req.params);
    const useCase = await findUseCase(db, id);
    if (!useCase) throw notFound(`Use case ${id}`);
    res.json(useCase);
  });

  router.put('/v1/catalogue/use-cases/:id', allow('ops'), async (req, res) => {
    const { id } = parse(idParam, req.params);
    const body = parse(useCaseSchema, req.body);
    const { entry, created } = await putUseCase(db, { id, ...body }, actorOf(holderOf(req)));
    res.status(created ? 201 : 200).json({ ...entry, openEngagements: created ? 0 : await openEngagements(id) });
  });

  // Retired, not deleted: engagements and payments reference the use case, and running ones go on.
  router.delete('/v1/catalogue/use-cases/:id', allow('ops'), async (req, res) => {
    const { id } = parse(idParam, req.params);
    const entry = await retireUseCase(db, id, actorOf(holderOf(req)));
    if (!entry) throw notFound(`Use case ${id}`);
    res.json({ ...entry, openEngagements: await openEngagements(id) });
  });

  return router;
}
