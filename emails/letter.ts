// The one shape of every notice: greeting (by name when known), what happened, what the reader does
// next, the page where they do it (ALL-5), and the same closing. Each capability's module
// (emails/<cap>.ts) only says its facts in words.

export interface Email {
  subject: string;
  body: string;
}

/**
 * ALL-5: the portal page where the reader acts. The letter keeps the path (`/app/...`); the sender makes
 * it absolute with PUBLIC_URL as it sends (emails/render.ts), so the outbox never holds a host name.
 */
export interface Action {
  label: string;
  path: `/app/${string}` | '/app';
}

const CLOSING = 'Kind regards,\nCisco Partner and Customer Programs';

export function letter(a: { subject: string; to?: string | null; happened: string; next: string; act: Action }): Email {
  const greeting = a.to ? `Dear ${a.to},` : 'Hello,';
  return { subject: a.subject, body: `${greeting}\n\n${a.happened}\n\n${a.next}\n\n${a.act.label}: ${a.act.path}\n\n${CLOSING}\n` };
}

/** A path segment as a link carries it: ids may hold characters a URL must escape. */
export const seg = (id: string) => encodeURIComponent(id);

/** US dollars as the notices write them: $1,500. */
export const usd = (amount: number) => `$${Math.round(amount).toLocaleString('en-US')}`;
