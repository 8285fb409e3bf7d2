// ALL-5: a stored letter as it is sent, in plain text and in HTML, its action line a link to the portal.
import escapeHtml from 'escape-html';

/** The action line `letter()` writes: `<label>: /app/...` alone on its line. */
const ACTION = /^(.+): (\/app(?:\/\S*)?)$/;

/** Where `npm start` serves the portal: the links' base when PUBLIC_URL is not set. */
export const DEFAULT_PUBLIC_URL = 'http://localhost:3000';

export interface Rendered {
  text: string;
  html: string;
}

/** `publicUrl`: where readers reach the portal, e.g. https://programs.example.com (PUBLIC_URL). */
export function renderLetter(body: string, publicUrl: string): Rendered {
  const base = publicUrl.replace(/\/+$/, '');
  const lines = body.split('\n').map((line) => {
    const action = ACTION.exec(line);
    return action ? { label: action[1]!, href: `${base}${action[2]!}` } : line;
  });
  const text = lines.map((l) => (typeof l === 'string' ? l : `${l.label}: ${l.href}`)).join('\n');
  const paragraphs = lines
    .map((l) => (typeof l === 'string' ? escapeHtml(l) : `<a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`))
    .join('\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`);
  return { text, html: `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${paragraphs.join('\n')}</body></html>` };
}
