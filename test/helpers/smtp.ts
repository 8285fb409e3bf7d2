import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  /** The HTML part, '' when the mail has none. */
  html: string;
  messageId: string;
  headers: ParsedMail['headers'];
}

/** A real SMTP server on loopback that keeps what it receives, for tests to read; on `port`, or any free one. */
export async function startSmtpServer(port = 0) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = [mail.to].flat().flatMap((a) => (a ? a.value.map((v) => v.address ?? '') : []));
          received.push({
            to,
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId ?? '',
            headers: mail.headers,
          });
          callback();
        })
        .catch(callback);
    },
  });
  // A client killed mid-session (a worker in a crash test) resets its connection: that must not crash the tests' process.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${bound}?ignoreTLS=true`,
    received,
    /** Waits until a mail matching `match` has arrived (mail is asynchronous), or fails after `ms`. */
    async waitFor(match: (m: ReceivedMail) => boolean, ms = 10_000): Promise<ReceivedMail> {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = received.find(match);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(`No matching mail within ${ms} ms; received: ${received.map((m) => m.subject).join(' | ') || 'none'}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
