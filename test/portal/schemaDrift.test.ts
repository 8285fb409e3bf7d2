import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../api/openapi';
import { assertPortalTypeChecks, portalSchemaSource } from '../../scripts/buildPortal';
import { PORTAL_SCHEMA_FILE } from '../../scripts/portalTypeCheck';

// The portal talks to the API only through a client typed from /openapi.json, so a route's change that the
// portal does not follow must fail the portal's build (scripts/buildPortal.ts), not its users. Proved by
// feeding the build's type-check a changed document, and by the committed client being what the API makes.

type ObjectSchema = { properties: Record<string, unknown>; required?: string[] };

/** Renames (or with `to` undefined, removes) a property of an object schema, as a route's change would. */
function changeProperty(schema: ObjectSchema, from: string, to?: string): void {
  expect(schema.properties[from], `the document no longer has ${from}: pick another field the portal uses`).toBeDefined();
  const value = schema.properties[from];
  delete schema.properties[from];
  if (to) schema.properties[to] = value;
  schema.required = (schema.required ?? []).flatMap((name) => (name !== from ? [name] : to ? [to] : []));
}

/** Where the committed client first differs from a fresh generation, or undefined when it does not. */
function firstDifference(committed: string, generated: string): string | undefined {
  const [a, b] = [committed.split('\n'), generated.split('\n')];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: committed ${JSON.stringify(a[i])}, the API generates ${JSON.stringify(b[i])}`;
  }
  return undefined;
}

describe("the portal's build against its API client's types", () => {
  let buildFailure: string;
  /** The build's errors, one entry each (an error's elaboration is indented under its `file:line:`). */
  const errors = () => buildFailure.split(/\n(?! )/).slice(1);

  beforeAll(async () => {
    const document = structuredClone(buildOpenApi()) as any;
    const schemas = document.components.schemas;
    changeProperty(schemas.AccountState, 'nextAwardDate', 'nextAward'); // a response field renamed
    changeProperty(schemas.AccountList.properties.accounts.items, 'tier'); // a list row's field removed
    changeProperty(schemas.AutoApproval, 'enabled', 'on'); // a request field renamed
    const revocation = document.paths['/v1/certifications/{id}/revocation'].post.requestBody.content['application/json'].schema;
    changeProperty(revocation, 'reason', 'grounds'); // a request field of one of the ops' certification commands
    buildFailure = await assertPortalTypeChecks(document).then(
      () => 'the build passed',
      (err: Error) => err.message,
    );
  }, 120_000);

  it('a renamed response field fails the build, naming the page that reads it', () => {
    expect(buildFailure).toMatch(/^portal\/src\/pages\/captain\/AccountPage\.tsx:\d+: Property 'nextAwardDate' does not exist on type/m);
  });

  it("a list row's removed field fails the build, naming the page that shows it", () => {
    expect(buildFailure).toMatch(/^portal\/src\/pages\/am\/AmHome\.tsx:\d+: Property 'tier' does not exist on type/m);
  });

  it('a renamed request field fails the build, naming the call that sends it', () => {
    expect(errors()).toContainEqual(
      expect.stringMatching(
        /^portal\/src\/pages\/captain\/AccountPage\.tsx:\d+: Object literal may only specify known properties, and 'enabled'/,
      ),
    );
  });

  it('a renamed field of an ops certification command fails the build, naming the form that sends it', () => {
    expect(errors()).toContainEqual(
      expect.stringMatching(
        /^portal\/src\/pages\/ops\/CertificationOps\.tsx:\d+: [^]*Object literal may only specify known properties, and 'reason'/,
      ),
    );
  });

  it('the build fails for those changes and nothing else', () => {
    expect(buildFailure.split('\n')[0]).toBe("The portal does not type-check against the API's schema:");
    expect(errors().filter((error) => !/nextAwardDate|'tier'|'enabled'|'reason'/.test(error))).toEqual([]);
  });

  it('the committed client (portal/src/api/schema.d.ts) is what the API generates: run npm run generate:portal-client', async () => {
    const difference = firstDifference(readFileSync(PORTAL_SCHEMA_FILE, 'utf8'), await portalSchemaSource());
    expect(difference, 'portal/src/api/schema.d.ts is not what api/openapi.ts generates').toBeUndefined();
  });
});
