// The one shape of every notice: greeting (by name when known), what happened, what the reader does
// next, and the same closing. Each capability's module (emails/<cap>.ts) only says its facts in words.

export interface Email {
  subject: string;
  body: string;
}

const CLOSING = 'Kind regards,\nCisco Partner and Customer Programs';

export function letter(a: { subject: string; to?: string | null; happened: string; next: string }): Email {
  const greeting = a.to ? `Dear ${a.to},` : 'Hello,';
  return { subject: a.subject, body: `${greeting}\n\n${a.happened}\n\n${a.next}\n\n${CLOSING}\n` };
}

/** US dollars as the notices write them: $1,500. */
export const usd = (amount: number) => `$${Math.round(amount).toLocaleString('en-US')}`;
