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
  /** Recipients refused for good at RCPT TO, each with its reply code (e.g. 501), and how often each was tried. */
  const refused = new Map<string, number>();
  const rcptAttempts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      rcptAttempts.set(to, (rcptAttempts.get(to) ?? 0) + 1);
      const code = refused.get(to);
      if (code === undefined) return callback();
      callback(Object.assign(new Error(`<${to}>: recipient address rejected`), { responseCode: code }));
    },
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
    /** From now on the server refuses mail to `address` at RCPT TO with `code` (a 5xx is for good). */
    refuseRecipient(address: string, code = 501) {
      refused.set(address.toLowerCase(), code);
    },
    /** How many times a client asked to send to `address` (each RCPT TO, refused or not). */
    attemptsTo: (address: string) => rcptAttempts.get(address.toLowerCase()) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
