// A real SMTP server (smtp-server) that counts what it receives per notice, and can be stopped and started
// again on the same port, as a mail relay going down and coming back would.
import { SMTPServer } from 'smtp-server';
import { freePort } from '../scripts/services/freePort';

export interface Delivery {
  key: string;
  messageId: string;
  at: number;
}

export interface MailSink {
  url: string;
  /** Every message received, with its X-Notice-Key and Message-ID. */
  deliveries: Delivery[];
  up(): boolean;
  /** Connections that ended in an error (a client killed mid-session). */
  resets(): number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

const header = (head: string, name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'im').exec(head)?.[1] ?? '';

export async function startMailSink(): Promise<MailSink> {
  const port = await freePort();
  const deliveries: Delivery[] = [];
  let server: SMTPServer | undefined;
  let resets = 0;
  const listen = async () => {
    const s = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // A stop drops open (pooled) connections at once, as a relay going down would.
      closeTimeout: 500,
      onData(stream, _session, callback) {
        // Only the header block is read: parsing every body would make the sink the bottleneck.
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          if (head.length < 16_384 && !head.includes('\r\n\r\n')) head += chunk.toString('latin1');
        });
        stream.on('end', () => {
          const block = head.split('\r\n\r\n')[0] ?? head;
          deliveries.push({ key: header(block, 'X-Notice-Key'), messageId: header(block, 'Message-ID'), at: Date.now() });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    // A client killed mid-session (the worker-kills drill) resets its connection: expected, not fatal.
    s.on('error', () => (resets += 1));
    server = s;
  };
  await listen();
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    deliveries,
    up: () => server !== undefined,
    resets: () => resets,
    async stop() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start: () => (server ? Promise.resolve() : listen()),
  };
}

/** Per notice key matching `kind`: how many distinct emails (Message-IDs) and how many resends of one. */
export function mailFigures(sink: MailSink, kind: RegExp) {
  const byKey = new Map<string, Set<string>>();
  let received = 0;
  for (const d of sink.deliveries) {
    if (!kind.test(d.key)) continue;
    received += 1;
    const ids = byKey.get(d.key) ?? new Set<string>();
    ids.add(d.messageId);
    byKey.set(d.key, ids);
  }
  const distinctEmails = [...byKey.values()].reduce((n, ids) => n + ids.size, 0);
  const keysWithTwoEmails = [...byKey.values()].filter((ids) => ids.size > 1).length;
  // A resend carries the same Message-ID (README "Emails happen once"): receivers de-duplicate it.
  return { received, notices: byKey.size, distinctEmails, keysWithTwoEmails, sameMessageIdResends: received - distinctEmails };
}
